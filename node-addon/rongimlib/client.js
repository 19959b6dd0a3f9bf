'use strict';
// `RongIMClient` (seed §1–§3) over `ImClient`'s `call` API: statics, listeners and the instance
// methods core supports; callbacks `{onSuccess, onError(code)}` called once, asynchronously.
const { ImClient } = require('../index.js');
const enums = require('./enums');
const { Registry, MessageTag, MentionedInfo } = require('./messages');

const INVALID = 33003;
const NOT_INITIALIZED = 33001;

/** Seed methods the product lacks, with the feature named in the error. */
const MISSING = {
  tags: ['createTag', 'removeTag', 'updateTag', 'getTagList', 'addTagForConversations',
    'removeTagForConversations', 'removeTagsForConversation', 'getTagsForConversation',
    'getConversationListByTag', 'getUnreadCountByTag', 'setConversationStatusInTag'],
  recall: ['sendRecallMessage'],
  'message expansion': ['updateMessageExpansion', 'removeMessageExpansionForKey'],
  chatrooms: ['joinChatRoom', 'quitChatRoom', 'getChatRoomInfo', 'setChatroomEntry', 'setChatRoomEntries',
    'forceSetChatroomEntry', 'removeChatroomEntry', 'forceRemoveChatroomEntry', 'getChatroomEntry',
    'getAllChatroomEntries', 'getChatRoomHistoryMessages'],
  'file upload': ['getFileToken', 'getFileUrl'],
};

/** A fresh `RongIMLib` namespace (one engine, like one page of the seed). */
function createNamespace() {
  const registry = new Registry();
  const state = { client: null, listeners: {}, drafts: new Map(), logLevel: enums.LogLevel.WARN, logStdout: null };

  function log(level, text) {
    if (level < state.logLevel) return;
    if (state.logStdout) guard(() => state.logStdout(level, text));
    else console.error(`[RongIMLib] ${text}`);
  }

  /** Runs host code; a throw is logged and goes no further. */
  function guard(fn) {
    try { fn(); } catch (e) { console.error('[RongIMLib] a callback or listener threw:', e); }
  }

  function fail(code, message) { return Object.assign(new Error(message), { code }); }

  /** Settles `callback` once, asynchronously, with `run()`'s outcome. */
  function settle(method, callback, run, onSuccessArgs = (r) => [r]) {
    const ok = callback && typeof callback === 'object' && typeof callback.onSuccess === 'function';
    const hasError = callback && typeof callback === 'object' && typeof callback.onError === 'function';
    Promise.resolve().then(() => {
      if (!ok) throw fail(INVALID, `${method}: a callback {onSuccess, onError} is required`);
      if (!state.client) throw fail(NOT_INITIALIZED, `${method}: init has not been called`);
      return run(state.client);
    }).then((result) => guard(() => callback.onSuccess(...onSuccessArgs(result))), (e) => {
      const code = typeof e.code === 'number' ? e.code : -1;
      log(enums.LogLevel.ERROR, `${method} failed: ${code} ${e.message}`);
      if (method === 'connect' && (code === 31004 || code === 31010) && typeof callback.onTokenIncorrect === 'function') {
        guard(() => callback.onTokenIncorrect());
      } else if (hasError) {
        guard(() => callback.onError(code, e.failedMessage && registry.message(e.failedMessage)));
      }
    });
  }

  function emit(name, fnNames, ...args) {
    const l = state.listeners[name];
    const fn = l && fnNames.map((f) => l[f]).find((f) => typeof f === 'function');
    if (fn) guard(() => fn.apply(l, args));
  }

  function onEvent(e) {
    if (e.type === 'connectionStatus') {
      emit('status', ['onChange', 'onChanged'], e.status);
      const rc = { 0: 0, 1: 1, 3: 3 }[e.status] ?? 2;
      emit('rcStatus', ['onChange'], rc, e.code);
    } else if (e.type === 'message') emit('message', ['onReceived'], registry.message(e.message), 0, false);
    else if (e.type === 'pullOfflineFinished') emit('pullOffline', ['onFinish']);
    else if (e.type === 'conversationStatus') emit('conversationStatus', ['onChangeed', 'onChanged'], e.statuses);
    else if (e.type === 'log') log(e.level, e.content);
  }

  async function loadDrafts(client) {
    state.drafts.clear();
    for (const c of await client.getConversationList(null, 1000)) {
      if (c.draft) state.drafts.set(`${c.conversationType}:${c.targetId}`, c.draft);
    }
  }

  const draftKey = (type, id) => `${type}:${id}`;
  const validKey = (type, id) => Number.isInteger(type) && typeof id === 'string' && id !== '';

  /** Sync draft write: the cache now, the database (the truth) behind it. */
  function writeDraft(method, type, targetId, params) {
    if (!validKey(type, targetId) || !state.client || state.client.getCurrentUserId() === null) {
      log(enums.LogLevel.ERROR, `${method}: needs a connected client and (conversationType, targetId)`);
      return false;
    }
    if (params.draft) state.drafts.set(draftKey(type, targetId), params.draft);
    else state.drafts.delete(draftKey(type, targetId));
    state.client.call(method, { conversationType: type, targetId, ...params }).catch((e) => {
      log(enums.LogLevel.ERROR, `${method} failed: ${e.code} ${e.message}`);
      return loadDrafts(state.client);
    });
    return true;
  }

  /** The content object to send: a message class instance (own fields are the content). */
  function toContent(msg) {
    if (!msg || typeof msg !== 'object' || typeof msg.objectName !== 'string') {
      throw fail(INVALID, 'message must be an instance of a message class (e.g. new RongIMLib.TextMessage({content}))');
    }
    return { objectName: msg.objectName, content: { ...msg } };
  }

  const types = (t) => (t == null ? undefined : t);
  const list = (l) => l.map((m) => registry.message(m));
  const convs = (l) => l.map((c) => registry.conversation(c));

  const instance = {
    disconnect() { state.client?.disconnect(); },
    logout() { state.client?.logout(); state.drafts.clear(); },
    clearCache() { state.drafts.clear(); },
    getCurrentConnectionStatus() { return state.client ? state.client.getCurrentConnectionStatus() : 2; },
    getCurrentUserId() { return state.client ? state.client.getCurrentUserId() : null; },
    getConversationList(cb, conversationTypes, count) {
      settle('getConversationList', cb, (c) => c.getConversationList(types(conversationTypes), count ?? 1000).then(convs));
    },
    getConversation(type, targetId, cb) { settle('getConversation', cb, (c) => c.getConversation(type, targetId).then((x) => registry.conversation(x))); },
    removeConversation(type, targetId, cb) { settle('removeConversation', cb, (c) => c.removeConversation(type, targetId)); },
    clearConversations(cb, conversationTypes) { settle('clearConversations', cb, (c) => c.clearConversations(types(conversationTypes)).then(() => true)); },
    searchConversationByContent(keyword, cb, conversationTypes) {
      settle('searchConversationByContent', cb, (c) => c.searchConversationByContent(keyword, types(conversationTypes)).then(convs));
    },
    getTextMessageDraft(type, targetId) { return state.drafts.get(draftKey(type, targetId)) ?? ''; },
    saveTextMessageDraft(type, targetId, draft) {
      if (typeof draft !== 'string') { log(enums.LogLevel.ERROR, 'saveTextMessageDraft: draft must be a string'); return false; }
      return writeDraft('saveTextMessageDraft', type, targetId, { draft });
    },
    clearTextMessageDraft(type, targetId) { return writeDraft('clearTextMessageDraft', type, targetId, {}); },
    getTotalUnreadCount(cb, conversationTypes, includeMuted) {
      settle('getTotalUnreadCount', cb, (c) => c.getTotalUnreadCount(types(conversationTypes), includeMuted ?? undefined));
    },
    getUnreadCount(type, targetId, cb) { settle('getUnreadCount', cb, (c) => c.getUnreadCount(type, targetId)); },
    getConversationUnreadCount(conversationTypes, cb) { settle('getConversationUnreadCount', cb, (c) => c.getConversationUnreadCount(conversationTypes)); },
    clearUnreadCount(type, targetId, cb) { settle('clearUnreadCount', cb, (c) => c.clearUnreadCount(type, targetId)); },
    clearAllUnreadCount(cb) { settle('clearAllUnreadCount', cb ?? { onSuccess() {} }, (c) => c.clearAllUnreadCount()); },
    clearTotalUnreadCount(cb) { settle('clearTotalUnreadCount', cb, (c) => c.clearTotalUnreadCount()); },
    setConversationStatus(type, targetId, status, cb) { settle('setConversationStatus', cb, (c) => c.setConversationStatus(type, targetId, status)); },
    sendMessage(type, targetId, msg, cb, isMentioned, pushContent, pushData, methodType, config) {
      if (methodType && typeof methodType === 'object' && config == null) [methodType, config] = [null, methodType];
      settle('sendMessage', cb, (c) => c.call('sendMessage', { conversationType: type, targetId, message: toContent(msg),
        isMentioned: isMentioned ?? undefined, pushContent: pushContent ?? undefined, pushData: pushData ?? undefined,
        methodType: null, config: config ?? undefined }).then((m) => registry.message(m)));
    },
    getHistoryMessages(type, targetId, timestamp, count, cb, objectName, order) {
      settle('getHistoryMessages', cb, (c) => c.getHistoryMessages(type, targetId, timestamp, count, order ?? 0, objectName ?? undefined),
        (page) => [list(page.list), page.hasMore]);
    },
    getRemoteHistoryMessages(type, targetId, timestamp, count, cb, order) {
      settle('getRemoteHistoryMessages', cb, (c) => c.getRemoteHistoryMessages(type, targetId, timestamp, count, order ?? 0),
        (page) => [list(page.list), page.hasMore]);
    },
    deleteRemoteMessages(type, targetId, messages, cb) { settle('deleteRemoteMessages', cb, (c) => c.deleteRemoteMessages(type, targetId, messages)); },
    clearRemoteHistoryMessages(params, cb) {
      settle('clearRemoteHistoryMessages', cb, (c) => c.clearRemoteHistoryMessages(params?.conversationType, params?.targetId, params?.timestamp));
    },
    clearHistoryMessages(params, cb) {
      settle('clearHistoryMessages', cb, (c) => c.clearHistoryMessages(params?.conversationType, params?.targetId, params?.timestamp ?? 0));
    },
    insertMessage(type, targetId, message, cb) {
      settle('insertMessage', cb, (c) => c.insertMessage(type, targetId, { ...message, ...toContent(message?.content) }).then((m) => registry.message(m)));
    },
    getMessage(message, cb) { settle('getMessage', cb, (c) => c.getMessage(message).then((m) => registry.message(m))); },
    deleteMessages(type, targetId, messageIds, cb) { settle('deleteMessages', cb, (c) => c.deleteMessages(messageIds)); },
    deleteLocalMessages(type, targetId, messageIds, cb) { settle('deleteLocalMessages', cb, (c) => c.deleteMessages(messageIds)); },
    setMessageContent(messageId, content, objectName, cb) { settle('setMessageContent', cb, (c) => c.setMessageContent(messageId, { ...content })); },
    setMessageReceivedStatus(messageId, status, cb) { settle('setMessageReceivedStatus', cb, (c) => c.setMessageReceivedStatus(messageId, status)); },
    setMessageSentStatus(messageId, status, cb) { settle('setMessageSentStatus', cb, (c) => c.setMessageSentStatus(messageId, status)); },
    searchMessages(type, targetId, keyword, timestamp, count, cb) {
      settle('searchMessages', cb, (c) => c.searchMessages(type, targetId, keyword, timestamp, count).then(list));
    },
  };
  for (const [feature, names] of Object.entries(MISSING)) {
    for (const name of names) {
      instance[name] = (...args) => {
        const cb = args.find((a) => a && typeof a === 'object' && typeof a.onError === 'function');
        log(enums.LogLevel.ERROR, `${name}: ${feature} are not available in this product (33003)`);
        if (cb) Promise.resolve().then(() => guard(() => cb.onError(INVALID)));
      };
    }
  }

  const RongIMClient = {
    /** Initialises once (seed §2.1); `dbPath` is the desktop database directory. */
    init(appKey, dataAccessProvider, options = {}) {
      if (state.client) { log(enums.LogLevel.WARN, 'init: already initialised; ignored'); return; }
      const { navi, dbPath, logLevel, logStdout, checkCA, readReceiptTimeout, showError, api, protobuf } = options ?? {};
      if (api !== undefined || protobuf !== undefined) log(enums.LogLevel.WARN, 'init: the deprecated api/protobuf options are ignored');
      if (checkCA === false) log(enums.LogLevel.WARN, 'init: checkCA false is not supported; certificates are checked');
      if (readReceiptTimeout !== undefined) log(enums.LogLevel.INFO, 'init: readReceiptTimeout has no effect (read receipts are not built)');
      if (showError) state.logLevel = Math.min(state.logLevel, enums.LogLevel.ERROR);
      if (logLevel !== undefined) state.logLevel = logLevel;
      if (typeof logStdout === 'function') state.logStdout = logStdout;
      const client = new ImClient();
      try {
        client.init(appKey, { navi, dbPath, logLevel: state.logLevel, logToHost: state.logStdout !== null });
      } catch (e) {
        client.destroy();
        log(enums.LogLevel.ERROR, `init failed: ${e.code} ${e.message}`);
        return;
      }
      client.setListener(onEvent);
      state.client = client;
    },
    connect(token, cb) {
      settle('connect', cb, async (c) => { const userId = await c.connect(token); await loadDrafts(c); return userId; });
    },
    reconnect(cb, config) {
      if (config) log(enums.LogLevel.INFO, 'reconnect: the legacy config is ignored (the engine reconnects by itself)');
      settle('reconnect', cb, async (c) => { const userId = await c.reconnect(); await loadDrafts(c); return userId; });
    },
    getInstance() { return instance; },
    setConnectionStatusListener(l) { state.listeners.status = l; },
    onConnectionStatusChange(l) { state.listeners.rcStatus = l; },
    setOnReceiveMessageListener(l) { state.listeners.message = l; },
    setConversationStatusListener(l) { state.listeners.conversationStatus = l; },
    setPullOfflineFinished(l) { state.listeners.pullOffline = l; },
    /** Registers a custom type (process-wide) and its class `RegisterMessage[messageName]`. */
    registerMessageType(messageName, objectName, messageTag, searchProps, moreSearchProps) {
      try {
        const tag = { isCounted: Boolean(messageTag?.isCounted), isPersited: Boolean(messageTag?.isPersited) };
        ImClient.registerMessageType(messageName, objectName, tag, moreSearchProps ?? searchProps ?? undefined);
        registry.register(messageName, objectName);
      } catch (e) {
        log(enums.LogLevel.ERROR, `registerMessageType failed: ${e.code} ${e.message}`);
      }
    },
    RegisterMessage: registry.registered,
    MessageType: Object.fromEntries(Object.keys(registry.classes).map((n) => [n, n])),
    /** Product extension: releases the engine (process exit, tests). */
    destroy() { state.client?.destroy(); state.client = null; state.drafts.clear(); },
  };
  for (const name of ['setMessageBlockedListener', 'setChatRoomStatusListener', 'setTagListener',
    'setConversationTagListener', 'setMessageExpansionListener']) {
    RongIMClient[name] = () => log(enums.LogLevel.WARN, `${name}: its feature is not built; the listener never fires`);
  }
  return { RongIMClient, ...enums, ...registry.classes, MessageTag, MentionedInfo, createNamespace };
}

module.exports = { createNamespace };
