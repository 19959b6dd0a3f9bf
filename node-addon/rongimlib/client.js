'use strict';
// `RongIMLib` (seed §1–§3) over `ImClient`: the namespace, `RongIMClient`'s statics and
// listeners, and the engine's events turned into the seed's listener calls.
const { ImClient } = require('../index.js');
const enums = require('./enums');
const { Host } = require('./callbacks');
const { Registry, MessageTag, MentionedInfo } = require('./messages');
const { Drafts } = require('./drafts');
const { createInstance } = require('./instance');

const { LogLevel } = enums;

/** Listeners of features not built yet: accepted, logged, never called. */
const UNBUILT_LISTENERS = {
  setMessageBlockedListener: 'sensitive-word blocking',
  setChatRoomStatusListener: 'chatrooms',
  setTagListener: 'conversation tags',
  setConversationTagListener: 'conversation tags',
  setMessageExpansionListener: 'message expansion',
};

/** The seed's RCConnectionStatus of a core connection status: 3 (reconnecting by itself) is SUSPENDED. */
function rcStatus(status) {
  const { RCConnectionStatus: RC } = enums;
  return { 0: RC.CONNECTED, 1: RC.CONNECTING, 3: RC.SUSPENDED }[status] ?? RC.DISCONNECTED;
}

/**
 * A fresh `RongIMLib` namespace: one engine, like one page of the seed. `defaults` are `init`
 * options used when `init` leaves them out (e.g. `{navi, dbPath}` of a desktop app).
 */
function createNamespace(defaults = {}) {
  const host = new Host();
  const registry = new Registry();
  const drafts = new Drafts(host);
  const listeners = {};
  let client = null;
  let initialised = false;
  const ctx = { host, registry, drafts, client: () => (client ??= new ImClient()) };
  const instance = createInstance(ctx);

  /** Calls `listeners[name][fn]` (the first of `fns` it has) with `args`. */
  function emit(name, fns, ...args) {
    const l = listeners[name];
    const fn = l && fns.find((f) => typeof l[f] === 'function');
    if (fn) host.guard(`${name} listener ${fn}`, l[fn], l, args);
  }

  function onEvent(e) {
    switch (e.type) {
      case 'connectionStatus':
        emit('status', ['onChange', 'onChanged'], e.status);
        emit('rcStatus', ['onChange'], rcStatus(e.status), e.code);
        break;
      case 'message': emit('message', ['onReceived'], registry.message(e.message), 0, false); break;
      case 'pullOfflineFinished': emit('pullOffline', ['onFinish']); break;
      case 'conversationStatus': emit('conversationStatus', ['onChangeed', 'onChanged'], e.statuses); break;
      case 'log': host.log(e.level, e.content); break;
      case 'databaseRecovered': host.log(LogLevel.WARN, `the database was damaged and moved to ${e.movedTo}`); break;
      case 'eventsDropped': host.log(LogLevel.WARN, `${e.count} events were dropped (the listener was too slow)`); break;
      default: host.log(LogLevel.DEBUG, `event ${e.type} has no seed listener`);
    }
  }

  /** Connects (`connect`/`reconnect`) and loads the user's drafts before `onSuccess`. */
  const connecting = (name, run) => (args, slot) => host.settle(name, args, slot, async () => {
    const userId = await run(ctx.client());
    await drafts.load(ctx.client());
    return userId;
  }, (userId) => [userId], true);

  const RongIMClient = {
    /**
     * Initialises once (seed §2.1): `navi`, `logLevel`, `logStdout`, `dbPath` (desktop) are used;
     * `checkCA`, `readReceiptTimeout`, `showError`, `api`, `protobuf` are accepted and logged.
     */
    init(appKey, dataAccessProvider, options) {
      if (initialised) { host.log(LogLevel.WARN, 'init: already initialised (once per page); ignored'); return; }
      const o = { ...defaults, ...Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v != null && v !== '')) };
      if (typeof o.logStdout === 'function') host.stdout = o.logStdout;
      if (o.showError) host.level = Math.min(host.level, LogLevel.ERROR);
      if (Number.isInteger(o.logLevel)) host.level = o.logLevel;
      if (dataAccessProvider != null) host.log(LogLevel.WARN, 'init: dataAccessProvider is ignored (deprecated since 2.6.0)');
      if (o.api !== undefined || o.protobuf !== undefined) host.log(LogLevel.WARN, 'init: the deprecated api/protobuf options are ignored');
      if (o.checkCA === false) host.log(LogLevel.WARN, 'init: checkCA false is not supported; certificates are always checked');
      if (o.readReceiptTimeout !== undefined) host.log(LogLevel.INFO, 'init: readReceiptTimeout has no effect (read-receipt state is not kept)');
      const native = { navi: o.navi, dbPath: o.dbPath, logLevel: host.level, logToHost: host.stdout !== null };
      try {
        ctx.client().init(appKey, Object.fromEntries(Object.entries(native).filter(([, v]) => v !== undefined)));
      } catch (e) {
        host.log(LogLevel.ERROR, `init failed: ${e.code} ${e.message}`);
        return;
      }
      ctx.client().setListener(onEvent);
      initialised = true;
    },
    connect(token, callback) { connecting('connect', (c) => c.connect(token))([token, callback], 1); },
    reconnect(callback, config) {
      if (config != null) host.log(LogLevel.INFO, 'reconnect: the legacy config is ignored (the engine reconnects by itself)');
      connecting('reconnect', (c) => c.reconnect())([callback, config], 0);
    },
    getInstance() { return instance; },
    setConnectionStatusListener(l) { listeners.status = l; },
    onConnectionStatusChange(l) { listeners.rcStatus = l; },
    setOnReceiveMessageListener(l) { listeners.message = l; },
    setConversationStatusListener(l) { listeners.conversationStatus = l; },
    setPullOfflineFinished(l) { listeners.pullOffline = l; },
    /**
     * Registers a custom type for the process (its 4th argument: the searchable content fields)
     * and its class `RegisterMessage[messageName]`; refusals (33003) are logged.
     */
    registerMessageType(messageName, objectName, messageTag, searchProps) {
      try {
        const tag = { isCounted: Boolean(messageTag?.isCounted), isPersited: Boolean(messageTag?.isPersited) };
        ImClient.registerMessageType(messageName, objectName, tag, searchProps ?? undefined);
        registry.register(messageName, objectName);
      } catch (e) {
        host.log(LogLevel.ERROR, `registerMessageType failed: ${e.code} ${e.message}`);
      }
    },
    RegisterMessage: registry.registered,
    MessageType: registry.types,
    /** Product extension: releases the engine (before exit, or to init again). */
    destroy() {
      client?.destroy();
      client = null;
      initialised = false;
      drafts.clear();
    },
  };
  for (const [name, feature] of Object.entries(UNBUILT_LISTENERS)) {
    RongIMClient[name] = () => host.log(LogLevel.WARN, `${name}: ${feature} are not built; the listener is never called`);
  }
  return { RongIMClient, ...enums, ...registry.classes, MessageTag, MentionedInfo, createNamespace };
}

module.exports = { createNamespace };
