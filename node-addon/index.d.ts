/* Generated from imcore's request and response types. Do not edit: run `IMCORE_BLESS=1 cargo test -p imcore --test generated`. */
/* eslint-disable */

/**
 * `init` options. JSON form: `{"navi":"http://127.0.0.1:8700","dbPath":"/data","logLevel":2}`.
 */
export type InitOptions = { 
/**
 * Navigation server base URL (trailing `/` ignored).
 */
navi: string, 
/**
 * Directory that holds one database per app key and user.
 */
dbPath: string, 
/**
 * Log verbosity; default WARN.
 */
logLevel?: LogLevel, 
/**
 * Send log lines to the host's log callback instead of stderr.
 */
logToHost?: boolean, 
/**
 * Milliseconds to wait for the server's acknowledgement of a send (default 10,000).
 */
requestTimeoutMs?: number, 
/**
 * Milliseconds of silence after which a ping is sent (default 15,000, the seed's 15 s).
 */
heartbeatIntervalMs?: number, 
/**
 * Milliseconds a ping may go unanswered before the connection is declared dead and the
 * engine reconnects (default 15,000).
 */
heartbeatTimeoutMs?: number, 
/**
 * Device class announced to the server: 1 desktop, 2 mobile, 3 web (default 1).
 */
platform?: number, };

/**
 * Log verbosity (seed §6.6).
 */
export type LogLevel = number;

/**
 * Something a listener hears about.
 */
export type ImEvent = { "type": "connectionStatus", 
/**
 * New status.
 */
status: ConnectionStatus, 
/**
 * Seed status code explaining the change (0 when none).
 */
code: number, } | { "type": "message", 
/**
 * The message as stored.
 */
message: ImMessage, } | { "type": "pullOfflineFinished" } | { "type": "conversationStatus", 
/**
 * The new statuses.
 */
statuses: Array<ImConversationStatus>, } | { "type": "log", 
/**
 * Severity.
 */
level: LogLevel, 
/**
 * Text.
 */
content: string, } | { "type": "databaseRecovered", 
/**
 * Where the corrupted file now is.
 */
movedTo: string, } | { "type": "eventsDropped", 
/**
 * How many.
 */
count: number, };

/**
 * Connection status reported to the status listener (seed §6.4).
 */
export type ConnectionStatus = number;

/**
 * A conversation's pin and do-not-disturb state, as another device of the user set it
 * (payload of the `conversationStatus` event, the seed's conversation status listener).
 */
export type ImConversationStatus = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * Pinned.
 */
isTop: boolean, 
/**
 * 1 do not disturb, 2 notify.
 */
notificationStatus: NotificationStatus, };

/**
 * Kind of conversation (seed §6.1).
 */
export type ConversationType = number;

/**
 * Whether a conversation notifies of new messages (seed §6.3, `setConversationStatus`).
 */
export type NotificationStatus = number;

/**
 * A stored or delivered message (seed §5.1).
 */
export type ImMessage = { 
/**
 * Conversation kind.
 */
conversationType: ConversationType, 
/**
 * Conversation id: the peer for private chats, the group id for groups, the sender for
 * the system conversation.
 */
targetId: string, 
/**
 * Who sent it.
 */
senderUserId: string, 
/**
 * Message content (the seed's content object), kept as JSON text.
 */
content: Record<string, unknown>, 
/**
 * Wire type, e.g. `RC:TxtMsg`.
 */
objectName: string, 
/**
 * Class name, e.g. `TextMessage`.
 */
messageType: string, 
/**
 * Local id in this user's database.
 */
messageId: number, 
/**
 * Server id (`XXXX-XXXX-XXXX-XXXX`), empty until the server acknowledged it.
 */
messageUId: string, 
/**
 * Sent or received.
 */
messageDirection: MessageDirection, 
/**
 * Delivered by an offline pull rather than a live push.
 */
offLineMessage: boolean, 
/**
 * Delivery state (outgoing messages).
 */
sentStatus: SentStatus, 
/**
 * Server send time in ms (local time until acknowledged).
 */
sentTime: number, 
/**
 * Read/listened flags (incoming messages).
 */
receivedStatus: number, 
/**
 * Local receive time in ms (incoming messages).
 */
receivedTime: number, 
/**
 * Silent: no push and no local notification (seed `config.disableNotification`).
 */
disableNotification: boolean, 
/**
 * Per-message push config (seed `config.pushConfig`, a `MessagePushConfig`) with the
 * send's `pushContent` and `pushData` as its `pushContent` and `pushData` where it has
 * none (the seed's fallback); `null` when the send had none of them.
 */
pushConfig: Record<string, unknown> | null, 
/**
 * An @ message: the sender's `isMentioned`; for a recipient, whether it mentions them.
 */
isMentioned: boolean, 
/**
 * A status message (seed `config.isStatusMessage`): for recipients online at the time,
 * never stored (its `messageId` is 0) or counted.
 */
isStatusMessage: boolean, };

/**
 * Whether a message was sent or received by this user (seed §6.2).
 */
export type MessageDirection = number;

/**
 * Delivery state of an outgoing message (RongCloud 2.x values).
 */
export type SentStatus = number;

/**
 * An error as the shells hand it to the host: `{"code":…,"message":"…"}`, plus
 * `failedMessage` when a failed send stored the message FAILED.
 */
export type ImError = { 
/**
 * The seed status code.
 */
code: number, 
/**
 * What was wrong.
 */
message: string, 
/**
 * For a failed send: the message as stored, FAILED, ready for `resendMessage`.
 */
failedMessage?: ImMessage, };

/**
 * Connects with `token` (seed `connect`) and resolves to the token's user id: 31004 for an
 * incorrect token, 31002 when the server does not know the app key, 33006 while another
 * connect is running, 33003 for an empty or over-long token.
 */
export type Connect = { 
/**
 * The token the app server obtained from `/user/getToken.json`.
 */
token: string, };

/**
 * Connects again with the identity of the last `connect`, only after `disconnect` (else
 * 35007); resolves to the user id.
 */
export type Reconnect = Record<symbol, never>;

/**
 * Closes the connection and stops reconnecting (seed `disconnect`); messages sent meanwhile
 * arrive on the next connect.
 */
export type Disconnect = Record<symbol, never>;

/**
 * Disconnects and closes the user's database (seed `logout`, used to switch users).
 */
export type Logout = Record<symbol, never>;

/**
 * The connection status: 0 connected, 1 connecting, 2 disconnected, 3 network unavailable,
 * 6 kicked by another login, 9 blocked, 20 app key incorrect, 31004 token incorrect or
 * expired (get a new token and connect).
 */
export type GetConnectionStatus = Record<symbol, never>;

/**
 * The connection status now, as `getConnectionStatus` reports it (seed
 * `getCurrentConnectionStatus`, synchronous since 2.2.9).
 */
export type GetCurrentConnectionStatus = Record<symbol, never>;

/**
 * The connected user's id, `null` when none (seed `getCurrentUserId`).
 */
export type GetCurrentUserId = Record<symbol, never>;

/**
 * Registers a custom message type for every client of the process (the seed's static
 * `registerMessageType`; call it before connecting). Registering an ObjectName again changes
 * its tag and fields. 33003 when `objectName` is empty, over 32 bytes or starts with `RC:`,
 * when `messageType` is empty, over 64 bytes or names another type, or for a bad field list.
 */
export type RegisterMessageType = { 
/**
 * Class name reported as the messages' `messageType`.
 */
messageType: string, 
/**
 * Wire name, e.g. `app:card` (not `RC:`…).
 */
objectName: string, 
/**
 * Whether the type counts as unread and is stored (the seed's `MessageTag`).
 */
messageTag: MessageTag, 
/**
 * Content fields whose strings and integers are searchable (at most 16).
 */
searchProps?: Array<string>, };

/**
 * The seed's `MessageTag(isCounted, isPersited)`: the flags of a custom type. As JSON,
 * `{"isCounted":true,"isPersited":true}` (the seed's spelling; `isPersisted` is accepted too).
 */
export type MessageTag = { 
/**
 * Counted as unread by its recipients.
 */
isCounted: boolean, 
/**
 * Stored in history (locally and in the cloud).
 */
isPersited: boolean, };

/**
 * Sends a message (seed `sendMessage`) and resolves to it as stored once the server
 * acknowledged it: SENT with the server's `messageUId` and `sentTime`. A send that fails is
 * stored FAILED and its error carries it (`failedMessage`, for `resendMessage`): 30001 not
 * connected, 30003 no answer in time, 20604 over 5 messages a second, 30016 content over
 * 128 KB, 33003 bad parameter or content (nested over 32 deep, or a built-in type without its
 * fields, e.g. a TextMessage whose `content` is not a string), or the SYSTEM conversation
 * (nothing is stored then, nothing is sent); 22406 not in the group, 22408 muted in it.
 * Types that are not persisted (typing status, commands…) and status messages
 * (`config.isStatusMessage`: only recipients online now get them) are never stored and
 * resolve with `messageId` 0. The optional parameters (seed §2.8) are checked before anything
 * is stored or sent (33003: a push text over 1 KB or push data over 8 KB, a `pushConfig` that
 * is not a `MessagePushConfig` object, `userIds` outside a group message, over 1000 of them or
 * invalid, a bad `mentionedInfo` in the content) and become the message's fields for its
 * sender and recipients (`disableNotification`, `pushConfig` holding `pushContent` and
 * `pushData` unless it has its own, `isMentioned`, `isStatusMessage`; `isVoipPush` travels to
 * the server's push).
 */
export type SendMessage = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * The peer (private chat) or the group id (group chat).
 */
targetId: string, 
/**
 * Type and content, e.g. `{"objectName":"RC:TxtMsg","content":{"content":"hi"}}`.
 */
message: MessageContent, 
/**
 * An @ message (its `mentionedInfo` is in the content).
 */
isMentioned?: boolean, 
/**
 * Push display text.
 */
pushContent?: string, 
/**
 * Push extra data.
 */
pushData?: string, 
/**
 * Deprecated: `null` (a number is accepted and ignored).
 */
methodType: number | null, 
/**
 * Directed recipients, VoIP push, silent, status message, push config.
 */
config?: ImSendConfig, };

/**
 * `sendMessage`'s `config` (seed §2.8).
 */
export type ImSendConfig = { 
/**
 * A directed group message: only these members (and the sender) get it (at most 1000).
 */
userIds?: Array<string>, 
/**
 * An offline iOS recipient gets a VoIP push.
 */
isVoipPush?: boolean, 
/**
 * Silent: no push and no local notification.
 */
disableNotification?: boolean, 
/**
 * A status message: for recipients online now only, never stored or counted.
 */
isStatusMessage?: boolean, 
/**
 * Deprecated alias of `isStatusMessage`, ignored when that is set.
 */
isStatus?: boolean, 
/**
 * Per-message push config (the seed's `MessagePushConfig`: `pushTitle`, `pushContent`,
 * `pushData`, `forceShowDetailContent`, `disablePushTitle`, `iOSConfig`, `androidConfig`,
 * `templateId`).
 */
pushConfig: Record<string, unknown>, };

/**
 * What an app asks to send: a type and its content. As JSON
 * `{"objectName":"RC:TxtMsg"|"messageType":"TextMessage", "content":{…}}`.
 */
export type MessageContent = { 
/**
 * Wire type, e.g. `RC:TxtMsg` (or give `messageType`).
 */
objectName?: string, 
/**
 * Class name, e.g. `TextMessage`.
 */
messageType?: string, 
/**
 * The content object, e.g. `{"content":"hi","extra":"x"}` for a TextMessage.
 */
content: Record<string, unknown>, };

/**
 * Sends a FAILED message again under its original idempotency key, so that the receiver gets
 * it once even if the first attempt did reach the server; resolves to the message, now SENT.
 * 33003 when `messageId` is not a failed outgoing message.
 */
export type ResendMessage = { 
/**
 * Local id of the FAILED message.
 */
messageId: number, };

/**
 * A page of a conversation's history (seed `getHistoryMessages`): from the local database
 * first; when it runs out while paging to older messages and the client is connected, the
 * page is completed from the server's cloud history (stored locally as it arrives), so paging
 * goes on without gaps or duplicates. `list` is in ascending `sentTime` order. 33003 for a
 * count outside 1–20, a negative timestamp or an empty `objectName`.
 */
export type GetHistoryMessages = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * Cursor in ms; 0 = from the latest.
 */
timestamp: number, 
/**
 * Page size, 1–20.
 */
count: number, 
/**
 * 0 older than the cursor, 1 newer.
 */
order: HistoryOrder, 
/**
 * Only messages of this ObjectName (the seed's desktop-only filter; such pages come from
 * the local database alone).
 */
objectName?: string, };

/**
 * Order of a history page relative to its timestamp cursor (seed §2.10).
 */
export type HistoryOrder = number;

/**
 * One page of history (seed: `onSuccess(list, hasMsg)`).
 */
export type ImHistoryPage = { 
/**
 * Messages in ascending `sentTime` order.
 */
list: Array<ImMessage>, 
/**
 * Whether more messages exist beyond this page in the direction of the query.
 */
hasMore: boolean, };

/**
 * One message of the local database by local id (a number) or server UID (a string); `null`
 * if it is not stored (seed `getMessage`). 33003 for anything else.
 */
export type GetMessage = { 
/**
 * Its `messageId` (number) or `messageUId` (string).
 */
message: MessageRef, };

/**
 * Which stored message: by local id (a number) or by server UID (a string; seed `getMessage`).
 */
export type MessageRef = number | string;

/**
 * Stores a message in a conversation without sending it (seed `insertMessage`), e.g. a tip;
 * it shows in the conversation list. A received message (`messageDirection` 2) of a counted
 * type whose `receivedStatus` lacks READ (1) counts as unread, and its @-mention as a mention,
 * as in the seed desktop, which stores the message with its received status; `countUnread:
 * false` never counts it. A `messageUId` already stored is not stored again. Resolves to the
 * stored message (for a UID already stored, the message stored under it); 33003 when the
 * message is malformed.
 */
export type InsertMessage = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * The message.
 */
message: ImInsertMessage, 
/**
 * Whether a received, unread message counts as unread (default true).
 */
countUnread?: boolean, };

/**
 * A message to store locally without sending it (seed `insertMessage`), e.g. a tip or an
 * imported message. As JSON
 * `{"senderUserId":"bob","messageDirection":2,"objectName":"RC:InfoNtf","content":{…}}`.
 */
export type ImInsertMessage = { 
/**
 * The server's id of an imported message (1–64 bytes): a message already stored under
 * it is not stored again (`messageUid` accepted too).
 */
messageUId?: string, 
/**
 * Who it appears to come from.
 */
senderUserId: string, 
/**
 * 1 sent, 2 received.
 */
messageDirection: MessageDirection, 
/**
 * Wire type, e.g. `RC:InfoNtf` (or give `messageType`).
 */
objectName?: string, 
/**
 * Class name, e.g. `InformationNotificationMessage`.
 */
messageType?: string, 
/**
 * The content object.
 */
content: Record<string, unknown>, 
/**
 * Default 30 (sent).
 */
sentStatus?: SentStatus, 
/**
 * Default 0.
 */
receivedStatus?: number, 
/**
 * Default: now (ms).
 */
sentTime?: number, };

/**
 * Stores 1–500 messages as `insertMessage` does (validation, unread and mention counting,
 * search index), all or none, in one transaction: imports and restores of history. Each goes
 * into its own `conversationType` and `targetId` if it names them, else into the call's. A
 * `messageUId` already stored (or earlier in the batch) is not stored again. Resolves to the
 * stored messages in the given order, a UID already stored answered by the message stored
 * under it; 33003 for no messages, over 500, or any bad message (named by its index), and
 * then nothing is stored.
 */
export type InsertMessages = { 
/**
 * Conversation type of the messages that name none.
 */
conversationType?: ConversationType, 
/**
 * Conversation id of the messages that name none.
 */
targetId?: string, 
/**
 * The messages, each optionally with its own `conversationType` and `targetId`.
 */
messages: InsertBatch, 
/**
 * Whether received, unread messages count as unread (default true, as `insertMessage`).
 */
countUnread?: boolean, };

/**
 * The messages of one `insertMessages` call: 1–[`MAX_INSERT_BATCH`], a bad one refused with
 * its index (reading stops at the first bad one, or at one too many).
 */
export type InsertBatch = Array<{ 
/**
 * Its conversation type, if not the call's (give `targetId` too).
 */
conversationType?: ConversationType, 
/**
 * Its conversation id, if not the call's (give `conversationType` too).
 */
targetId?: string, 
/**
 * The server's id of an imported message (1–64 bytes): a message already stored under
 * it is not stored again (`messageUid` accepted too).
 */
messageUId?: string, 
/**
 * Who it appears to come from.
 */
senderUserId: string, 
/**
 * 1 sent, 2 received.
 */
messageDirection: MessageDirection, 
/**
 * Wire type, e.g. `RC:InfoNtf` (or give `messageType`).
 */
objectName?: string, 
/**
 * Class name, e.g. `InformationNotificationMessage`.
 */
messageType?: string, 
/**
 * The content object.
 */
content: Record<string, unknown>, 
/**
 * Default 30 (sent).
 */
sentStatus?: SentStatus, 
/**
 * Default 0.
 */
receivedStatus?: number, 
/**
 * Default: now (ms).
 */
sentTime?: number, }>;

/**
 * Replaces the content object of a stored message (seed `setMessageContent`); resolves to
 * whether the message exists. 30016 for content over 128 KB, 33003 nested over 32 deep.
 */
export type SetMessageContent = { 
/**
 * Local id.
 */
messageId: number, 
/**
 * The new content object, e.g. `{"content":"edited"}`.
 */
content: { [key in string]: JsonValue }, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * Sets the received-status flags of a stored message (seed ReceivedStatus: READ 1, LISTENED
 * 2, DOWNLOADED 4, RETRIEVED 8, MULTIPLERECEIVE 16; 33003 outside 0–255); resolves to
 * whether it exists.
 */
export type SetMessageReceivedStatus = { 
/**
 * Local id.
 */
messageId: number, 
/**
 * The flags.
 */
receivedStatus: number, };

/**
 * Sets the sent status of a stored message (10 sending, 20 failed, 30 sent, 40 received,
 * 50 read, 60 destroyed); resolves to whether it exists.
 */
export type SetMessageSentStatus = { 
/**
 * Local id.
 */
messageId: number, 
/**
 * The status.
 */
sentStatus: SentStatus, };

/**
 * Deletes 1–100 messages of the local database by local id (seed `deleteMessages`);
 * resolves to how many existed. Conversations show their latest remaining message afterwards.
 */
export type DeleteMessages = { 
/**
 * Local ids, 1–100.
 */
messageIds: Array<number>, };

/**
 * Deletes a conversation's local messages sent at or before `timestamp` (0 = all; seed
 * `clearHistoryMessages`); resolves to how many were deleted. 33003 for a negative timestamp.
 */
export type ClearHistoryMessages = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * Cutoff in ms; 0 = everything.
 */
timestamp: number, };

/**
 * The conversation list (seed `getConversationList`): conversations of `types` (absent = every
 * type), pinned first, then by latest message, at most `count` (1–1000, else 33003).
 */
export type GetConversationList = { 
/**
 * Conversation types to list, e.g. `[1, 3]`; absent or `null` for all.
 */
types?: Array<ConversationType>, 
/**
 * At most this many, 1–1000.
 */
count: number, };

/**
 * One entry of the conversation list, from the local database.
 */
export type ImConversation = { 
/**
 * Conversation kind.
 */
conversationType: ConversationType, 
/**
 * Conversation id: the peer for private chats, the group id for groups, the sender for
 * the system conversation.
 */
targetId: string, 
/**
 * The latest message, `None` when the conversation has none (all deleted, or pinned first).
 */
latestMessage?: ImMessage, 
/**
 * Local id of the latest message.
 */
latestMessageId?: number, 
/**
 * ObjectName of the latest message (`""` without one).
 */
objectName: string, 
/**
 * Sent time of the latest message (ms); the list order after pinning.
 */
sentTime: number, 
/**
 * Sent status of the latest message.
 */
sentStatus?: SentStatus, 
/**
 * Messages received since the unread count was last cleared (counted types only).
 */
unreadMessageCount: number, 
/**
 * Unread messages that mention the current user.
 */
mentionedCount: number, 
/**
 * Whether an unread message mentions the current user.
 */
hasMentioned: boolean, 
/**
 * Pinned to the top of the list.
 */
isTop: boolean, 
/**
 * Do-not-disturb status (1 on, 2 off).
 */
notificationStatus: NotificationStatus, 
/**
 * The saved text draft, `""` when none.
 */
draft: string, 
/**
 * Messages matching the keyword (only in `search_conversation_by_content` results).
 */
matchCount?: number, };

/**
 * One conversation, `null` if it never had a message or a status (seed `getConversation`).
 */
export type GetConversation = ConversationKey;

/**
 * A conversation, by type and id.
 */
export type ConversationKey = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, };

/**
 * Removes a conversation from the list until a new message arrives in it; its messages stay
 * (seed `removeConversation`). When connected it is removed from the server's list too, so
 * that a new device does not get it back. Resolves to whether it was listed here.
 */
export type RemoveConversation = ConversationKey;

/**
 * Removes every conversation of `types` (absent = all) from the list, here and (when
 * connected) on the server (seed `clearConversations`); resolves to how many were removed.
 */
export type ClearConversations = { 
/**
 * Conversation types; absent or `null` for all.
 */
types?: Array<ConversationType>, };

/**
 * Pins/unpins or mutes/unmutes a conversation (seed `setConversationStatus`); absent fields
 * stay as they are, an empty status is 33003. The change is the user's, made on the server
 * and shown on every device (the others get a `conversationStatus` event): at once when
 * connected, else on the next connection.
 */
export type SetConversationStatus = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * `{"isTop":true}` and/or `{"notificationStatus":1}` (1 do not disturb, 2 notify).
 */
status: ConversationStatusItem, };

/**
 * What `set_conversation_status` changes (seed `statusItem`); absent fields stay as they are.
 */
export type ConversationStatusItem = { 
/**
 * Pin or unpin.
 */
isTop?: boolean, 
/**
 * 1 do not disturb, 2 notify.
 */
notificationStatus?: NotificationStatus, };

/**
 * Total unread count over `types` (absent = all); do-not-disturb conversations count only
 * when `includeMuted` (default false, as in the seed; seed `getTotalUnreadCount`).
 */
export type GetTotalUnreadCount = { 
/**
 * Conversation types; absent or `null` for all.
 */
types?: Array<ConversationType>, 
/**
 * Count do-not-disturb conversations too.
 */
includeMuted?: boolean, };

/**
 * Unread count of one conversation (seed `getUnreadCount`).
 */
export type GetUnreadCount = ConversationKey;

/**
 * Unread count over `types` (required), muted conversations included (seed
 * `getConversationUnreadCount`).
 */
export type GetConversationUnreadCount = { 
/**
 * Conversation types, e.g. `[1, 3]`.
 */
types: Array<ConversationType>, };

/**
 * Clears the unread count and @-mentions of one conversation (seed `clearUnreadCount`);
 * resolves to whether anything was unread.
 */
export type ClearUnreadCount = ConversationKey;

/**
 * Clears every conversation's unread count and @-mentions (seed `clearAllUnreadCount`).
 */
export type ClearAllUnreadCount = Record<symbol, never>;

/**
 * Clears every conversation's unread count and @-mentions, like `clearAllUnreadCount`
 * (seed `clearTotalUnreadCount`, 2.3.5, deprecated: its replacement clears each conversation).
 */
export type ClearTotalUnreadCount = Record<symbol, never>;

/**
 * Saves the text draft of a conversation (seed `saveTextMessageDraft`); drafts live in the
 * user's database and survive restarts. 33003 for a draft over 128 KB.
 */
export type SaveTextMessageDraft = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * The draft text.
 */
draft: string, };

/**
 * The text draft of a conversation, `""` when none (seed `getTextMessageDraft`).
 */
export type GetTextMessageDraft = ConversationKey;

/**
 * Removes the text draft of a conversation (seed `clearTextMessageDraft`).
 */
export type ClearTextMessageDraft = ConversationKey;

/**
 * One page of every saved draft, in key order (conversation type, then id): at most `count`
 * (1–100, else 33003), those after the conversation `after` only when given; pass the last
 * entry of a full page as `after` for the next one.
 */
export type GetTextMessageDrafts = { 
/**
 * At most this many, 1–100.
 */
count: number, 
/**
 * Start after this conversation; absent or `null` for the first page.
 */
after?: ConversationKey, };

/**
 * A saved text draft and its conversation (an entry of `getTextMessageDrafts`).
 */
export type ImDraft = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * The draft text.
 */
draft: string, };

/**
 * A page of the server's cloud history of a conversation (seed `getRemoteHistoryMessages`);
 * the messages are stored locally too and returned as stored, in ascending `sentTime` order.
 * 33003 for a count outside 1–100 or a negative timestamp.
 */
export type GetRemoteHistoryMessages = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * Cursor in ms; 0 = from the latest.
 */
timestamp: number, 
/**
 * Page size, 1–100.
 */
count: number, 
/**
 * 0 older than the cursor, 1 newer.
 */
order: HistoryOrder, };

/**
 * The conversation list the server keeps for this user, merged into the local list (each
 * conversation's latest message is stored and the conversation shown); resolves to the local
 * list afterwards, at most `count` (1–1000).
 */
export type GetRemoteConversationList = { 
/**
 * At most this many, 1–1000.
 */
count: number, };

/**
 * Deletes 1–100 messages of a conversation from the server's cloud history of this user and
 * from the local database (seed `deleteRemoteMessages`).
 */
export type DeleteRemoteMessages = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * The messages, 1–100, each `{messageUId, sentTime, messageDirection}`.
 */
messages: Array<RemoteMessageRef>, };

/**
 * A message to delete from the server (seed `deleteRemoteMessages` items); all fields required.
 */
export type RemoteMessageRef = { 
/**
 * Server id (`messageUid` accepted too, as in the seed's example).
 */
messageUId: string, 
/**
 * Server send time.
 */
sentTime: number, 
/**
 * Sent or received.
 */
messageDirection: MessageDirection, };

/**
 * Deletes a conversation's messages sent at or before `timestamp` (0 = all until now) from
 * the server's cloud history of this user and from the local database (seed
 * `clearRemoteHistoryMessages`). 33003 for a negative timestamp.
 */
export type ClearRemoteHistoryMessages = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * Cutoff in ms; 0 = everything until now.
 */
timestamp: number, };

/**
 * Conversations of `types` (absent = all) whose messages contain `keyword` (1–256 characters,
 * not only spaces, else 33003), each with `matchCount`, pinned first, then latest first (seed
 * `searchConversationByContent`).
 */
export type SearchConversationByContent = { 
/**
 * The text to find.
 */
keyword: string, 
/**
 * Conversation types; absent or `null` for all.
 */
types?: Array<ConversationType>, };

/**
 * Messages of one conversation containing `keyword`, sent before `timestamp` (0 = from the
 * latest), newest first, at most `count` (1–100; seed `searchMessages` of the desktop SDK).
 */
export type SearchMessages = { 
/**
 * Conversation type.
 */
conversationType: ConversationType, 
/**
 * Conversation id.
 */
targetId: string, 
/**
 * The text to find, 1–256 characters.
 */
keyword: string, 
/**
 * Cursor in ms; 0 = from the latest.
 */
timestamp: number, 
/**
 * At most this many, 1–100.
 */
count: number, };

/**
 * An IM client. Create it, `init` it once, set a listener, then `connect`.
 *
 * Every method forwards to the engine's `call(method, params)`; errors thrown or rejected are
 * `Error`s with a numeric `code` (the seed's status code) and, for a failed send,
 * `failedMessage`.
 */
export declare class ImClient {
  /** A client that is not initialised yet. */
  constructor()
  /** Initialises the client (synchronous, no I/O); allowed once until `destroy()`. */
  init(appKey: string, options: InitOptions): void
  /**
   * Sets the event listener, replacing the previous one; `null` removes it. It does not keep
   * Node alive by itself; it does while a connection is wanted.
   */
  setListener(callback: ((event: ImEvent) => void) | null): void
  /**
   * Disconnects, stops the event thread, releases the listener and the engine. Pending
   * Promises are rejected (never left pending); no listener call happens after this returns.
   * The client may be `init`ed again.
   */
  destroy(): void
  /** Runs any method by name with its parameters as one object (what every method uses). */
  call(method: string, params?: object): Promise<unknown>
  /**
   * Connects with `token` (seed `connect`) and resolves to the token's user id: 31004 for an
   * incorrect token, 31002 when the server does not know the app key, 33006 while another
   * connect is running, 33003 for an empty or over-long token.
   */
  connect(token: Connect['token']): Promise<string>
  /**
   * Connects again with the identity of the last `connect`, only after `disconnect` (else
   * 35007); resolves to the user id.
   */
  reconnect(): Promise<string>
  /**
   * Closes the connection and stops reconnecting (seed `disconnect`); messages sent meanwhile
   * arrive on the next connect.
   */
  disconnect(): null
  /**
   * Disconnects and closes the user's database (seed `logout`, used to switch users).
   */
  logout(): null
  /**
   * The connection status: 0 connected, 1 connecting, 2 disconnected, 3 network unavailable,
   * 6 kicked by another login, 9 blocked, 20 app key incorrect, 31004 token incorrect or
   * expired (get a new token and connect).
   */
  getConnectionStatus(): ConnectionStatus
  /**
   * The connection status now, as `getConnectionStatus` reports it (seed
   * `getCurrentConnectionStatus`, synchronous since 2.2.9).
   */
  getCurrentConnectionStatus(): ConnectionStatus
  /**
   * The connected user's id, `null` when none (seed `getCurrentUserId`).
   */
  getCurrentUserId(): string | null
  /**
   * Registers a custom message type for every client of the process (the seed's static
   * `registerMessageType`; call it before connecting). Registering an ObjectName again changes
   * its tag and fields. 33003 when `objectName` is empty, over 32 bytes or starts with `RC:`,
   * when `messageType` is empty, over 64 bytes or names another type, or for a bad field list.
   */
  static registerMessageType(messageType: RegisterMessageType['messageType'], objectName: RegisterMessageType['objectName'], messageTag: RegisterMessageType['messageTag'], searchProps?: RegisterMessageType['searchProps']): null
  /**
   * Sends a message (seed `sendMessage`) and resolves to it as stored once the server
   * acknowledged it: SENT with the server's `messageUId` and `sentTime`. A send that fails is
   * stored FAILED and its error carries it (`failedMessage`, for `resendMessage`): 30001 not
   * connected, 30003 no answer in time, 20604 over 5 messages a second, 30016 content over
   * 128 KB, 33003 bad parameter or content (nested over 32 deep, or a built-in type without its
   * fields, e.g. a TextMessage whose `content` is not a string), or the SYSTEM conversation
   * (nothing is stored then, nothing is sent); 22406 not in the group, 22408 muted in it.
   * Types that are not persisted (typing status, commands…) and status messages
   * (`config.isStatusMessage`: only recipients online now get them) are never stored and
   * resolve with `messageId` 0. The optional parameters (seed §2.8) are checked before anything
   * is stored or sent (33003: a push text over 1 KB or push data over 8 KB, a `pushConfig` that
   * is not a `MessagePushConfig` object, `userIds` outside a group message, over 1000 of them or
   * invalid, a bad `mentionedInfo` in the content) and become the message's fields for its
   * sender and recipients (`disableNotification`, `pushConfig` holding `pushContent` and
   * `pushData` unless it has its own, `isMentioned`, `isStatusMessage`; `isVoipPush` travels to
   * the server's push).
   */
  sendMessage(conversationType: SendMessage['conversationType'], targetId: SendMessage['targetId'], message: SendMessage['message'], isMentioned: SendMessage['isMentioned'], pushContent: SendMessage['pushContent'], pushData: SendMessage['pushData'], methodType: SendMessage['methodType'], config?: SendMessage['config']): Promise<ImMessage>
  /**
   * Sends a FAILED message again under its original idempotency key, so that the receiver gets
   * it once even if the first attempt did reach the server; resolves to the message, now SENT.
   * 33003 when `messageId` is not a failed outgoing message.
   */
  resendMessage(messageId: ResendMessage['messageId']): Promise<ImMessage>
  /**
   * A page of a conversation's history (seed `getHistoryMessages`): from the local database
   * first; when it runs out while paging to older messages and the client is connected, the
   * page is completed from the server's cloud history (stored locally as it arrives), so paging
   * goes on without gaps or duplicates. `list` is in ascending `sentTime` order. 33003 for a
   * count outside 1–20, a negative timestamp or an empty `objectName`.
   */
  getHistoryMessages(conversationType: GetHistoryMessages['conversationType'], targetId: GetHistoryMessages['targetId'], timestamp: GetHistoryMessages['timestamp'], count: GetHistoryMessages['count'], order: GetHistoryMessages['order'], objectName?: GetHistoryMessages['objectName']): Promise<ImHistoryPage>
  /**
   * One message of the local database by local id (a number) or server UID (a string); `null`
   * if it is not stored (seed `getMessage`). 33003 for anything else.
   */
  getMessage(message: GetMessage['message']): Promise<ImMessage | null>
  /**
   * Stores a message in a conversation without sending it (seed `insertMessage`), e.g. a tip;
   * it shows in the conversation list. A received message (`messageDirection` 2) of a counted
   * type whose `receivedStatus` lacks READ (1) counts as unread, and its @-mention as a mention,
   * as in the seed desktop, which stores the message with its received status; `countUnread:
   * false` never counts it. A `messageUId` already stored is not stored again. Resolves to the
   * stored message (for a UID already stored, the message stored under it); 33003 when the
   * message is malformed.
   */
  insertMessage(conversationType: InsertMessage['conversationType'], targetId: InsertMessage['targetId'], message: InsertMessage['message'], countUnread?: InsertMessage['countUnread']): Promise<ImMessage>
  /**
   * Stores 1–500 messages as `insertMessage` does (validation, unread and mention counting,
   * search index), all or none, in one transaction: imports and restores of history. Each goes
   * into its own `conversationType` and `targetId` if it names them, else into the call's. A
   * `messageUId` already stored (or earlier in the batch) is not stored again. Resolves to the
   * stored messages in the given order, a UID already stored answered by the message stored
   * under it; 33003 for no messages, over 500, or any bad message (named by its index), and
   * then nothing is stored.
   */
  insertMessages(conversationType: InsertMessages['conversationType'], targetId: InsertMessages['targetId'], messages: InsertMessages['messages'], countUnread?: InsertMessages['countUnread']): Promise<Array<ImMessage>>
  /**
   * Replaces the content object of a stored message (seed `setMessageContent`); resolves to
   * whether the message exists. 30016 for content over 128 KB, 33003 nested over 32 deep.
   */
  setMessageContent(messageId: SetMessageContent['messageId'], content: SetMessageContent['content']): Promise<boolean>
  /**
   * Sets the received-status flags of a stored message (seed ReceivedStatus: READ 1, LISTENED
   * 2, DOWNLOADED 4, RETRIEVED 8, MULTIPLERECEIVE 16; 33003 outside 0–255); resolves to
   * whether it exists.
   */
  setMessageReceivedStatus(messageId: SetMessageReceivedStatus['messageId'], receivedStatus: SetMessageReceivedStatus['receivedStatus']): Promise<boolean>
  /**
   * Sets the sent status of a stored message (10 sending, 20 failed, 30 sent, 40 received,
   * 50 read, 60 destroyed); resolves to whether it exists.
   */
  setMessageSentStatus(messageId: SetMessageSentStatus['messageId'], sentStatus: SetMessageSentStatus['sentStatus']): Promise<boolean>
  /**
   * Deletes 1–100 messages of the local database by local id (seed `deleteMessages`);
   * resolves to how many existed. Conversations show their latest remaining message afterwards.
   */
  deleteMessages(messageIds: DeleteMessages['messageIds']): Promise<number>
  /**
   * Deletes a conversation's local messages sent at or before `timestamp` (0 = all; seed
   * `clearHistoryMessages`); resolves to how many were deleted. 33003 for a negative timestamp.
   */
  clearHistoryMessages(conversationType: ClearHistoryMessages['conversationType'], targetId: ClearHistoryMessages['targetId'], timestamp: ClearHistoryMessages['timestamp']): Promise<number>
  /**
   * The conversation list (seed `getConversationList`): conversations of `types` (absent = every
   * type), pinned first, then by latest message, at most `count` (1–1000, else 33003).
   */
  getConversationList(types: GetConversationList['types'], count: GetConversationList['count']): Promise<Array<ImConversation>>
  /**
   * One conversation, `null` if it never had a message or a status (seed `getConversation`).
   */
  getConversation(conversationType: GetConversation['conversationType'], targetId: GetConversation['targetId']): Promise<ImConversation | null>
  /**
   * Removes a conversation from the list until a new message arrives in it; its messages stay
   * (seed `removeConversation`). When connected it is removed from the server's list too, so
   * that a new device does not get it back. Resolves to whether it was listed here.
   */
  removeConversation(conversationType: RemoveConversation['conversationType'], targetId: RemoveConversation['targetId']): Promise<boolean>
  /**
   * Removes every conversation of `types` (absent = all) from the list, here and (when
   * connected) on the server (seed `clearConversations`); resolves to how many were removed.
   */
  clearConversations(types?: ClearConversations['types']): Promise<number>
  /**
   * Pins/unpins or mutes/unmutes a conversation (seed `setConversationStatus`); absent fields
   * stay as they are, an empty status is 33003. The change is the user's, made on the server
   * and shown on every device (the others get a `conversationStatus` event): at once when
   * connected, else on the next connection.
   */
  setConversationStatus(conversationType: SetConversationStatus['conversationType'], targetId: SetConversationStatus['targetId'], status: SetConversationStatus['status']): Promise<null>
  /**
   * Total unread count over `types` (absent = all); do-not-disturb conversations count only
   * when `includeMuted` (default false, as in the seed; seed `getTotalUnreadCount`).
   */
  getTotalUnreadCount(types?: GetTotalUnreadCount['types'], includeMuted?: GetTotalUnreadCount['includeMuted']): Promise<number>
  /**
   * Unread count of one conversation (seed `getUnreadCount`).
   */
  getUnreadCount(conversationType: GetUnreadCount['conversationType'], targetId: GetUnreadCount['targetId']): Promise<number>
  /**
   * Unread count over `types` (required), muted conversations included (seed
   * `getConversationUnreadCount`).
   */
  getConversationUnreadCount(types: GetConversationUnreadCount['types']): Promise<number>
  /**
   * Clears the unread count and @-mentions of one conversation (seed `clearUnreadCount`);
   * resolves to whether anything was unread.
   */
  clearUnreadCount(conversationType: ClearUnreadCount['conversationType'], targetId: ClearUnreadCount['targetId']): Promise<boolean>
  /**
   * Clears every conversation's unread count and @-mentions (seed `clearAllUnreadCount`).
   */
  clearAllUnreadCount(): Promise<null>
  /**
   * Clears every conversation's unread count and @-mentions, like `clearAllUnreadCount`
   * (seed `clearTotalUnreadCount`, 2.3.5, deprecated: its replacement clears each conversation).
   */
  clearTotalUnreadCount(): Promise<null>
  /**
   * Saves the text draft of a conversation (seed `saveTextMessageDraft`); drafts live in the
   * user's database and survive restarts. 33003 for a draft over 128 KB.
   */
  saveTextMessageDraft(conversationType: SaveTextMessageDraft['conversationType'], targetId: SaveTextMessageDraft['targetId'], draft: SaveTextMessageDraft['draft']): Promise<null>
  /**
   * The text draft of a conversation, `""` when none (seed `getTextMessageDraft`).
   */
  getTextMessageDraft(conversationType: GetTextMessageDraft['conversationType'], targetId: GetTextMessageDraft['targetId']): Promise<string>
  /**
   * Removes the text draft of a conversation (seed `clearTextMessageDraft`).
   */
  clearTextMessageDraft(conversationType: ClearTextMessageDraft['conversationType'], targetId: ClearTextMessageDraft['targetId']): Promise<null>
  /**
   * One page of every saved draft, in key order (conversation type, then id): at most `count`
   * (1–100, else 33003), those after the conversation `after` only when given; pass the last
   * entry of a full page as `after` for the next one.
   */
  getTextMessageDrafts(count: GetTextMessageDrafts['count'], after?: GetTextMessageDrafts['after']): Promise<Array<ImDraft>>
  /**
   * A page of the server's cloud history of a conversation (seed `getRemoteHistoryMessages`);
   * the messages are stored locally too and returned as stored, in ascending `sentTime` order.
   * 33003 for a count outside 1–100 or a negative timestamp.
   */
  getRemoteHistoryMessages(conversationType: GetRemoteHistoryMessages['conversationType'], targetId: GetRemoteHistoryMessages['targetId'], timestamp: GetRemoteHistoryMessages['timestamp'], count: GetRemoteHistoryMessages['count'], order: GetRemoteHistoryMessages['order']): Promise<ImHistoryPage>
  /**
   * The conversation list the server keeps for this user, merged into the local list (each
   * conversation's latest message is stored and the conversation shown); resolves to the local
   * list afterwards, at most `count` (1–1000).
   */
  getRemoteConversationList(count: GetRemoteConversationList['count']): Promise<Array<ImConversation>>
  /**
   * Deletes 1–100 messages of a conversation from the server's cloud history of this user and
   * from the local database (seed `deleteRemoteMessages`).
   */
  deleteRemoteMessages(conversationType: DeleteRemoteMessages['conversationType'], targetId: DeleteRemoteMessages['targetId'], messages: DeleteRemoteMessages['messages']): Promise<null>
  /**
   * Deletes a conversation's messages sent at or before `timestamp` (0 = all until now) from
   * the server's cloud history of this user and from the local database (seed
   * `clearRemoteHistoryMessages`). 33003 for a negative timestamp.
   */
  clearRemoteHistoryMessages(conversationType: ClearRemoteHistoryMessages['conversationType'], targetId: ClearRemoteHistoryMessages['targetId'], timestamp: ClearRemoteHistoryMessages['timestamp']): Promise<null>
  /**
   * Conversations of `types` (absent = all) whose messages contain `keyword` (1–256 characters,
   * not only spaces, else 33003), each with `matchCount`, pinned first, then latest first (seed
   * `searchConversationByContent`).
   */
  searchConversationByContent(keyword: SearchConversationByContent['keyword'], types?: SearchConversationByContent['types']): Promise<Array<ImConversation>>
  /**
   * Messages of one conversation containing `keyword`, sent before `timestamp` (0 = from the
   * latest), newest first, at most `count` (1–100; seed `searchMessages` of the desktop SDK).
   */
  searchMessages(conversationType: SearchMessages['conversationType'], targetId: SearchMessages['targetId'], keyword: SearchMessages['keyword'], timestamp: SearchMessages['timestamp'], count: SearchMessages['count']): Promise<Array<ImMessage>>
}

/** The seed's RongIMLib 2.x API over `ImClient` (`require('imcore/rongimlib')`), loaded on first use. */
export declare const RongIMLib: typeof import('./rongimlib');
