'use strict';
// `RongIMClient.getInstance()`: the seed's instance methods (§2) as calls of `ImClient`, with
// the seed's positional arguments and callback objects; methods of features not built yet
// answer 33003 and log which feature is missing.
const { LogLevel } = require('./enums');
const { Code, failure, isCallback } = require('./callbacks');

/** Seed methods of features the product does not have yet, by feature. */
const MISSING = {
  'conversation tags': ['createTag', 'removeTag', 'updateTag', 'getTagList', 'addTagForConversations',
    'removeTagForConversations', 'removeTagsForConversation', 'getTagsForConversation',
    'getConversationListByTag', 'getUnreadCountByTag', 'setConversationStatusInTag'],
  'message recall': ['sendRecallMessage'],
  'message expansion': ['updateMessageExpansion', 'removeMessageExpansionForKey'],
  chatrooms: ['joinChatRoom', 'quitChatRoom', 'getChatRoomInfo', 'setChatroomEntry', 'setChatRoomEntries',
    'forceSetChatroomEntry', 'removeChatroomEntry', 'forceRemoveChatroomEntry', 'getChatroomEntry',
    'getAllChatroomEntries', 'getChatRoomHistoryMessages'],
  'file upload': ['getFileToken', 'getFileUrl'],
};

/** `null`/`undefined` → absent (core's default), anything else as given. */
const opt = (v) => (v == null ? undefined : v);

/** A message reference of the seed (`{messageUid | messageUId, sentTime, messageDirection}`) as core takes it. */
function remoteRef(m) {
  if (m === null || typeof m !== 'object') return m;
  const { messageUid, messageUId, sentTime, messageDirection } = m;
  return { messageUId: messageUId ?? messageUid, sentTime, messageDirection };
}

/** A local message id from a number or a Message object. */
const localId = (m) => (m !== null && typeof m === 'object' ? m.messageId : m);

/** The fields of the seed's `insertMessage` message that core stores; `content` a class instance or plain. */
function insertable(registry, m) {
  if (m === null || typeof m !== 'object') throw failure(Code.INVALID, 'insertMessage: the message must be an object');
  const { senderUserId, messageDirection, sentStatus, receivedStatus, sentTime } = m;
  const body = m.content !== null && typeof m.content === 'object' && !Object.hasOwn(m.content, 'objectName')
    && typeof m.content.objectName === 'string'
    ? registry.content(m.content)
    : { objectName: m.objectName, content: m.content };
  return { senderUserId, messageDirection, sentStatus, receivedStatus, sentTime, ...body };
}

/**
 * The instance object over `ctx` (`host`, `registry`, `client()` → the ImClient, `drafts`).
 * Methods do not use `this`: the seed's samples call them detached.
 */
function createInstance(ctx) {
  const { host, registry, drafts } = ctx;
  const message = (m) => registry.message(m);
  const messages = (l) => l.map(message);
  const conversations = (l) => l.map((c) => registry.conversation(c));
  const page = (p) => [messages(p.list), p.hasMore];

  /** An async method: `slot` is the callback's position, `run(client, ...args)` a Promise. */
  const async = (name, slot, run, success) => (...args) => host.settle(name, args, slot, () => run(ctx.client(), ...args), success);
  /** A fire-and-forget method whose callback (at `slot`) is optional. */
  const optional = (name, slot, run) => (...args) => {
    if (isCallback(args[slot])) return host.settle(name, args, slot, () => run(ctx.client(), ...args));
    Promise.resolve().then(() => run(ctx.client(), ...args))
      .catch((e) => host.log(LogLevel.ERROR, `${name} failed: ${e.code} ${e.message}`));
    return undefined;
  };
  /** A synchronous method: `run()`'s value, or `fallback` (logged) when it throws. */
  const sync = (name, fallback, run) => (...args) => {
    try {
      return run(ctx.client(), ...args);
    } catch (e) {
      host.log(LogLevel.ERROR, `${name} failed: ${e.code} ${e.message}`);
      return fallback;
    }
  };

  const instance = {
    disconnect: sync('disconnect', undefined, (c) => { c.disconnect(); }),
    logout: sync('logout', undefined, (c) => { c.logout(); drafts.clear(); }),
    /** Drops the facade's cached data of the current user (the drafts cache; the database stays). */
    clearCache: sync('clearCache', undefined, () => { drafts.clear(); }),
    getCurrentConnectionStatus: sync('getCurrentConnectionStatus', 2, (c) => c.getCurrentConnectionStatus()),
    getCurrentUserId: sync('getCurrentUserId', null, (c) => c.getCurrentUserId()),

    getConversationList: async('getConversationList', 0,
      (c, _cb, types, count) => c.getConversationList(opt(types), count ?? 1000), (l) => [conversations(l)]),
    getConversation: async('getConversation', 2,
      (c, type, targetId) => c.getConversation(type, targetId), (x) => [registry.conversation(x)]),
    removeConversation: async('removeConversation', 2, (c, type, targetId) => c.removeConversation(type, targetId)),
    clearConversations: async('clearConversations', 0, (c, _cb, types) => c.clearConversations(opt(types)), () => [true]),
    searchConversationByContent: async('searchConversationByContent', 1,
      (c, keyword, _cb, types) => c.searchConversationByContent(keyword, opt(types)), (l) => [conversations(l)]),

    getTextMessageDraft: sync('getTextMessageDraft', '', (c, type, targetId) => drafts.get(c, type, targetId)),
    saveTextMessageDraft: sync('saveTextMessageDraft', false, (c, type, targetId, draft) => drafts.save(c, type, targetId, draft)),
    clearTextMessageDraft: sync('clearTextMessageDraft', false, (c, type, targetId) => drafts.save(c, type, targetId, '')),

    getTotalUnreadCount: async('getTotalUnreadCount', 0,
      (c, _cb, types, includeMuted) => c.getTotalUnreadCount(opt(types), opt(includeMuted))),
    getUnreadCount: async('getUnreadCount', 2, (c, type, targetId) => c.getUnreadCount(type, targetId)),
    getConversationUnreadCount: async('getConversationUnreadCount', 1, (c, types) => c.getConversationUnreadCount(types)),
    clearUnreadCount: async('clearUnreadCount', 2, (c, type, targetId) => c.clearUnreadCount(type, targetId)),
    clearAllUnreadCount: optional('clearAllUnreadCount', 0, (c) => c.clearAllUnreadCount()),
    clearTotalUnreadCount: async('clearTotalUnreadCount', 0, (c) => c.clearTotalUnreadCount()),
    setConversationStatus: async('setConversationStatus', 3,
      (c, type, targetId, status) => c.setConversationStatus(type, targetId, status)),

    // Slot 8 holding an object is `config` (the media samples pass it there, seed-api §10.2).
    sendMessage: async('sendMessage', 3, (c, type, targetId, msg, _cb, isMentioned, pushContent, pushData, methodType, config) => {
      const slot8Config = methodType !== null && typeof methodType === 'object' && config == null;
      return c.call('sendMessage', {
        conversationType: type, targetId, message: registry.content(msg), isMentioned: opt(isMentioned),
        pushContent: opt(pushContent), pushData: opt(pushData), methodType: null,
        config: opt(slot8Config ? methodType : config),
      }).catch((e) => {
        if (e.failedMessage) e.failedMessage = message(e.failedMessage);
        throw e;
      });
    }, (m) => [message(m)]),
    getHistoryMessages: async('getHistoryMessages', 4, (c, type, targetId, timestamp, count, _cb, objectName, order) =>
      c.getHistoryMessages(type, targetId, timestamp, count, order ?? 0, opt(objectName)), page),
    getRemoteHistoryMessages: async('getRemoteHistoryMessages', 4, (c, type, targetId, timestamp, count, _cb, order) =>
      c.getRemoteHistoryMessages(type, targetId, timestamp, count, order ?? 0), page),
    deleteRemoteMessages: async('deleteRemoteMessages', 3, (c, type, targetId, list) =>
      c.deleteRemoteMessages(type, targetId, Array.isArray(list) ? list.map(remoteRef) : list)),
    clearRemoteHistoryMessages: async('clearRemoteHistoryMessages', 1, (c, params) =>
      c.clearRemoteHistoryMessages(params?.conversationType, params?.targetId, params?.timestamp)),
    clearHistoryMessages: async('clearHistoryMessages', 1, (c, params) =>
      c.clearHistoryMessages(params?.conversationType, params?.targetId, params?.timestamp ?? 0), () => [true]),
    insertMessage: async('insertMessage', 3, (c, type, targetId, m) => c.insertMessage(type, targetId, insertable(registry, m)),
      (m) => [message(m)]),
    getMessage: async('getMessage', 1, (c, ref) => c.getMessage(ref), (m) => [message(m)]),
    deleteMessages: async('deleteMessages', 3, (c, _type, _targetId, list) =>
      c.deleteMessages(Array.isArray(list) ? list.map(localId) : list), () => [true]),
    deleteLocalMessages: async('deleteLocalMessages', 3, (c, _type, _targetId, list) =>
      c.deleteMessages(Array.isArray(list) ? list.map(localId) : list), () => [true]),
    // The callback is the 4th argument since adapter 5.5.5; before it there was none.
    setMessageContent: optional('setMessageContent', 3, (c, messageId, content) =>
      c.setMessageContent(messageId, content !== null && typeof content === 'object' ? { ...content } : content)),
    setMessageReceivedStatus: async('setMessageReceivedStatus', 2,
      (c, messageId, status) => c.setMessageReceivedStatus(messageId, status)),
    setMessageSentStatus: async('setMessageSentStatus', 2, (c, messageId, status) => c.setMessageSentStatus(messageId, status)),
    searchMessages: async('searchMessages', 5, (c, type, targetId, keyword, timestamp, count) =>
      c.searchMessages(type, targetId, keyword, timestamp, count), (l) => [messages(l)]),
  };
  for (const [feature, names] of Object.entries(MISSING)) {
    for (const name of names) {
      instance[name] = (...args) => {
        host.log(LogLevel.ERROR, `${name}: ${feature} are not built in this product (${Code.INVALID})`);
        const callback = args.find(isCallback);
        if (typeof callback?.onError === 'function') {
          Promise.resolve().then(() => host.guard(`${name} onError`, callback.onError, callback, [Code.INVALID]));
        }
      };
    }
  }
  return Object.freeze(instance);
}

module.exports = { createInstance, MISSING };
