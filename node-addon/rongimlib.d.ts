// Declarations of `require('imcore/rongimlib')` (the seed's RongIMLib 2.x API over ImClient).
// Hand-written; test/rongimlib-declarations.test.js checks that every runtime export is declared.

/** `{onSuccess, onError(errorCode)}`: exactly one is called, asynchronously. */
export interface Callback<T extends unknown[] = []> {
  onSuccess(...result: T): void;
  onError?(errorCode: number, ...detail: unknown[]): void;
}
/** `connect`/`reconnect`'s callback: `onTokenIncorrect` for 31004/31010. */
export interface ConnectCallback extends Callback<[userId: string]> {
  onTokenIncorrect?(): void;
}

/** `init` options (seed §2.1) plus the desktop `dbPath`. */
export interface InitOptions {
  navi?: string;
  dbPath?: string;
  logLevel?: number;
  logStdout?: (logLevel: number, content: string) => void;
  checkCA?: boolean;
  readReceiptTimeout?: number;
  showError?: boolean;
  /** @deprecated accepted and ignored */
  api?: string;
  /** @deprecated accepted and ignored */
  protobuf?: string;
}

/** The content of a message: an instance of a message class. */
export interface MessageContent {
  readonly messageName: string;
  readonly objectName: string;
  [field: string]: unknown;
}
/** A message class: `new RongIMLib.TextMessage({content})`. */
export interface MessageClass {
  new (content?: Record<string, unknown>): MessageContent;
  readonly messageName: string;
  readonly objectName: string;
}

/** A Message (seed §5.1). */
export interface Message {
  conversationType: number;
  targetId: string;
  senderUserId: string;
  content: MessageContent;
  objectName: string;
  messageType: string;
  messageId: number;
  messageUId: string;
  messageDirection: number;
  offLineMessage: boolean;
  sentStatus: number;
  sentTime: number;
  receivedStatus: number;
  receivedTime: number;
  disableNotification: boolean;
  pushConfig: Record<string, unknown> | null;
  isMentioned: boolean;
  isStatusMessage: boolean;
}
/** A Conversation (seed §5.2). */
export interface Conversation {
  conversationType: number;
  targetId: string;
  latestMessage: Message | null;
  unreadMessageCount: number;
  isTop: boolean;
  notificationStatus: number;
  draft: string;
  sentTime: number;
  [field: string]: unknown;
}
/** sendMessage's `config` (seed §2.8). */
export interface SendConfig {
  userIds?: string[];
  isVoipPush?: boolean;
  disableNotification?: boolean;
  isStatusMessage?: boolean;
  isStatus?: boolean;
  pushConfig?: Record<string, unknown>;
}
/** A message reference of deleteRemoteMessages (`messageUid` accepted too). */
export interface RemoteMessageRef {
  messageUId?: string;
  messageUid?: string;
  sentTime: number;
  messageDirection: number;
}
/** A conversation status change (`setConversationStatus`, the conversation-status listener). */
export interface ConversationStatus {
  conversationType?: number;
  targetId?: string;
  isTop?: boolean;
  notificationStatus?: number;
}

/** `RongIMClient.getInstance()`. */
export interface RongIMClientInstance {
  disconnect(): void;
  logout(): void;
  clearCache(): void;
  getCurrentConnectionStatus(): number;
  getCurrentUserId(): string | null;
  getConversationList(callback: Callback<[list: Conversation[]]>, conversationTypes?: number[] | null, count?: number): void;
  getConversation(conversationType: number, targetId: string, callback: Callback<[conversation: Conversation | null]>): void;
  removeConversation(conversationType: number, targetId: string, callback: Callback<[removed: boolean]>): void;
  clearConversations(callback: Callback<[ok: boolean]>, conversationTypes?: number[] | null): void;
  searchConversationByContent(keyword: string, callback: Callback<[list: Conversation[]]>, conversationTypes?: number[] | null): void;
  getTextMessageDraft(conversationType: number, targetId: string): string;
  saveTextMessageDraft(conversationType: number, targetId: string, draft: string): boolean;
  clearTextMessageDraft(conversationType: number, targetId: string): boolean;
  getTotalUnreadCount(callback: Callback<[count: number]>, conversationTypes?: number[] | null, includeMuted?: boolean | null): void;
  getUnreadCount(conversationType: number, targetId: string, callback: Callback<[count: number]>): void;
  getConversationUnreadCount(conversationTypes: number[], callback: Callback<[count: number]>): void;
  clearUnreadCount(conversationType: number, targetId: string, callback: Callback<[cleared: boolean]>): void;
  clearAllUnreadCount(callback?: Callback<[null]>): void;
  clearTotalUnreadCount(callback: Callback<[null]>): void;
  setConversationStatus(conversationType: number, targetId: string, statusItem: ConversationStatus, callback: Callback<[null]>): void;
  sendMessage(conversationType: number, targetId: string, msg: MessageContent, callback: Callback<[message: Message]>,
    isMentioned?: boolean | null, pushContent?: string | null, pushData?: string | null,
    methodType?: number | SendConfig | null, config?: SendConfig | null): void;
  getHistoryMessages(conversationType: number, targetId: string, timestamp: number, count: number,
    callback: Callback<[list: Message[], hasMore: boolean]>, objectName?: string | null, order?: number | null): void;
  getRemoteHistoryMessages(conversationType: number, targetId: string, timestamp: number, count: number,
    callback: Callback<[list: Message[], hasMore: boolean]>, order?: number | null): void;
  deleteRemoteMessages(conversationType: number, targetId: string, messages: RemoteMessageRef[], callback: Callback<[null]>): void;
  clearRemoteHistoryMessages(params: { conversationType: number; targetId: string; timestamp: number }, callback: Callback<[null]>): void;
  clearHistoryMessages(params: { conversationType: number; targetId: string; timestamp?: number }, callback: Callback<[ok: boolean]>): void;
  insertMessage(conversationType: number, targetId: string, message: {
    senderUserId: string; messageDirection: number; content: MessageContent | Record<string, unknown>;
    objectName?: string; sentStatus?: number; receivedStatus?: number; sentTime?: number;
  }, callback: Callback<[message: Message]>): void;
  getMessage(message: number | string, callback: Callback<[message: Message | null]>): void;
  deleteMessages(conversationType: number, targetId: string, messages: Array<number | Message>, callback: Callback<[ok: boolean]>): void;
  deleteLocalMessages(conversationType: number, targetId: string, messageIds: Array<number | Message>, callback: Callback<[ok: boolean]>): void;
  setMessageContent(messageId: number, content: Record<string, unknown>, objectName?: string | null, callback?: Callback<[exists: boolean]>): void;
  setMessageReceivedStatus(messageId: number, receivedStatus: number, callback: Callback<[exists: boolean]>): void;
  setMessageSentStatus(messageId: number, sentStatus: number, callback: Callback<[exists: boolean]>): void;
  searchMessages(conversationType: number, targetId: string, keyword: string, timestamp: number, count: number,
    callback: Callback<[list: Message[]]>): void;
  // Features not built yet: each calls onError(33003) and logs the missing feature.
  createTag(...args: unknown[]): void;
  removeTag(...args: unknown[]): void;
  updateTag(...args: unknown[]): void;
  getTagList(...args: unknown[]): void;
  addTagForConversations(...args: unknown[]): void;
  removeTagForConversations(...args: unknown[]): void;
  removeTagsForConversation(...args: unknown[]): void;
  getTagsForConversation(...args: unknown[]): void;
  getConversationListByTag(...args: unknown[]): void;
  getUnreadCountByTag(...args: unknown[]): void;
  setConversationStatusInTag(...args: unknown[]): void;
  sendRecallMessage(...args: unknown[]): void;
  updateMessageExpansion(...args: unknown[]): void;
  removeMessageExpansionForKey(...args: unknown[]): void;
  joinChatRoom(...args: unknown[]): void;
  quitChatRoom(...args: unknown[]): void;
  getChatRoomInfo(...args: unknown[]): void;
  setChatroomEntry(...args: unknown[]): void;
  setChatRoomEntries(...args: unknown[]): void;
  forceSetChatroomEntry(...args: unknown[]): void;
  removeChatroomEntry(...args: unknown[]): void;
  forceRemoveChatroomEntry(...args: unknown[]): void;
  getChatroomEntry(...args: unknown[]): void;
  getAllChatroomEntries(...args: unknown[]): void;
  getChatRoomHistoryMessages(...args: unknown[]): void;
  getFileToken(...args: unknown[]): void;
  getFileUrl(...args: unknown[]): void;
}

/** `RongIMLib.RongIMClient`: statics and listeners (seed §1–§3). */
export interface RongIMClientStatic {
  init(appKey: string, dataAccessProvider?: unknown, options?: InitOptions | null): void;
  connect(token: string, callback: ConnectCallback): void;
  reconnect(callback: ConnectCallback, config?: Record<string, unknown> | null): void;
  getInstance(): RongIMClientInstance;
  setConnectionStatusListener(listener: { onChange?(status: number): void; onChanged?(status: number): void }): void;
  onConnectionStatusChange(listener: { onChange(status: number, code: number): void }): void;
  setOnReceiveMessageListener(listener: { onReceived(message: Message, left: number, hasMore: boolean): void }): void;
  setConversationStatusListener(listener: { onChangeed?(statuses: ConversationStatus[]): void; onChanged?(statuses: ConversationStatus[]): void }): void;
  setPullOfflineFinished(listener: { onFinish(): void }): void;
  registerMessageType(messageName: string, objectName: string, messageTag: MessageTag, searchProps?: string[] | null): void;
  /** The registered classes: `new RongIMClient.RegisterMessage.PersonMessage({...})`. */
  readonly RegisterMessage: Record<string, MessageClass>;
  /** Every message class name, built-in and registered. */
  readonly MessageType: Record<string, string>;
  /** Product extension: releases the engine (before exit, or to init again). */
  destroy(): void;
  // Listeners of features not built yet: accepted and logged, never called.
  setMessageBlockedListener(listener: unknown): void;
  setChatRoomStatusListener(listener: unknown): void;
  setTagListener(listener: unknown): void;
  setConversationTagListener(listener: unknown): void;
  setMessageExpansionListener(listener: unknown): void;
}

export declare const RongIMClient: RongIMClientStatic;

/** `new MessageTag(isCounted, isPersited)`. */
export declare class MessageTag {
  constructor(isCounted: boolean, isPersited: boolean);
  isCounted: boolean;
  isPersited: boolean;
  /** 3 counted and stored, 2 counted, 1 stored, 0 neither. */
  getMessageTag(): number;
}
/** `new MentionedInfo(type, userIdList, mentionedContent)`. */
export declare class MentionedInfo {
  constructor(type?: number, userIdList?: string[], mentionedContent?: string);
  type?: number;
  userIdList?: string[];
  mentionedContent?: string;
}

export declare const TextMessage: MessageClass;
export declare const ImageMessage: MessageClass;
export declare const GIFMessage: MessageClass;
export declare const VoiceMessage: MessageClass;
export declare const HQVoiceMessage: MessageClass;
export declare const RichContentMessage: MessageClass;
export declare const FileMessage: MessageClass;
export declare const SightMessage: MessageClass;
export declare const LocationMessage: MessageClass;
export declare const RCCombineMessage: MessageClass;
export declare const InformationNotificationMessage: MessageClass;
export declare const ContactNotificationMessage: MessageClass;
export declare const ProfileNotificationMessage: MessageClass;
export declare const CommandNotificationMessage: MessageClass;
export declare const GroupNotificationMessage: MessageClass;
export declare const RecallCommandMessage: MessageClass;
export declare const CommandMessage: MessageClass;
export declare const SyncReadStatusMessage: MessageClass;
export declare const ChrmKVNotificationMessage: MessageClass;
export declare const TypingStatusMessage: MessageClass;
export declare const ReadReceiptRequestMessage: MessageClass;
export declare const ReadReceiptResponseMessage: MessageClass;
export declare const ReadReceiptMessage: MessageClass;

export declare const ConversationType: Readonly<{ NONE: 0; PRIVATE: 1; DISCUSSION: 2; GROUP: 3; CHATROOM: 4;
  CUSTOMER_SERVICE: 5; SYSTEM: 6; APP_PUBLIC_SERVICE: 7; PUBLIC_SERVICE: 8 }>;
export declare const ConnectionStatus: Readonly<{ CONNECTED: 0; CONNECTING: 1; DISCONNECTED: 2; NETWORK_UNAVAILABLE: 3;
  CONNECTION_CLOSED: 4; KICKED_OFFLINE_BY_OTHER_CLIENT: 6; WEBSOCKET_UNAVAILABLE: 7; WEBSOCKET_ERROR: 8;
  DOMAIN_INCORRECT: 12; APPKEY_IS_FAKE: 20; ULTRALIMIT: 1101; REQUEST_NAVI: 201; RESPONSE_NAVI: 202;
  RESPONSE_NAVI_ERROR: 203; RESPONSE_NAVI_TIMEOUT: 204 }>;
export declare const RCConnectionStatus: Readonly<{ CONNECTED: 0; CONNECTING: 1; DISCONNECTED: 2; SUSPENDED: 3 }>;
export declare const MessageDirection: Readonly<{ SEND: 1; RECEIVE: 2 }>;
export declare const SentStatus: Readonly<{ SENDING: 10; FAILED: 20; SENT: 30; RECEIVED: 40; READ: 50; DESTROYED: 60 }>;
export declare const ReceivedStatus: Readonly<{ UNREAD: 0; READ: 1; LISTENED: 2; DOWNLOADED: 4; RETRIEVED: 8; MULTIPLERECEIVE: 16 }>;
export declare const MentionedType: Readonly<{ ALL: 1; PART: 2 }>;
export declare const GetChatRoomType: Readonly<{ NONE: 0; SQQUENCE: 1; REVERSE: 2 }>;
export declare const FileType: Readonly<{ IMAGE: 1; AUDIO: 2; VIDEO: 3; FILE: 4 }>;
export declare const LogLevel: Readonly<{ DEBUG: 0; INFO: 1; WARN: 2; ERROR: 3; NONE: 1000 }>;

/** A fresh namespace (one engine); `defaults` fill in `init` options it leaves out. */
export declare function createNamespace(defaults?: InitOptions): typeof import('./rongimlib');
