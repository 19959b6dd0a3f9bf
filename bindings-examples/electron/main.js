#!/usr/bin/env node
'use strict';
// RongIMLib (the seed's v2 API) in an Electron main process, served to renderers over IPC.
//
// In Electron (`electron main.js`): `serve(ipcMain, send)` once the app is ready; renderers call
// `ipcRenderer.invoke('rongimlib:call', {method, args, callbackAt})` (README.md).
// Under plain node (the tests): `node main.js NAVI APP_KEY TOKEN_A USER_A TOKEN_B USER_B DB_DIR`
// runs the same bridge with an in-process IPC (arguments and answers structured-cloned as
// Electron's are): A, behind the bridge, sends B a text; B's RongIMLib receives it and
// answers; A's renderer gets the answer as an event; A's history holds both. Exits 0 on
// success, 1 on failure, 2 after a 20 s timeout.
const path = require('node:path');

const addon = process.env.IMCORE_NODE_ADDON || path.join(__dirname, '..', '..', 'node-addon');
const { createNamespace } = require(path.join(addon, 'rongimlib', 'client.js'));

/** A value as it can cross IPC: message content classes become plain objects. */
const plain = (value) => JSON.parse(JSON.stringify(value ?? null));

/**
 * Serves the namespace `RongIMLib` on `ipcMain`: `rongimlib:init` (appKey, options),
 * `rongimlib:connect` (token) and `rongimlib:call` ({method, args, callbackAt}: the instance
 * method, its arguments, the position of its callback — absent for synchronous methods; an
 * argument `{$message: 'TextMessage', content}` becomes an instance of that class). Each
 * answers onSuccess's values (an array) or rejects with `{code}`. Events go to `send(channel, payload)`:
 * `rongimlib:message` (a Message) and `rongimlib:status` (a ConnectionStatus).
 */
function serve(RongIMLib, ipcMain, send) {
  const { RongIMClient } = RongIMLib;
  const settle = (run) => new Promise((resolve, reject) => run({
    onSuccess: (...values) => resolve(plain(values)),
    onError: (code) => reject(Object.assign(new Error(`RongIMLib error ${code}`), { code })),
    onTokenIncorrect: () => reject(Object.assign(new Error('token incorrect'), { code: 31004 })),
  }));
  const argument = (a) => (a && typeof a === 'object' && typeof a.$message === 'string'
    ? new (RongIMLib[a.$message] ?? RongIMClient.RegisterMessage[a.$message])(a.content)
    : a);
  RongIMClient.setOnReceiveMessageListener({ onReceived: (message) => send('rongimlib:message', plain(message)) });
  RongIMClient.setConnectionStatusListener({ onChange: (status) => send('rongimlib:status', status) });
  ipcMain.handle('rongimlib:init', (_event, appKey, options) => RongIMClient.init(appKey, null, options));
  ipcMain.handle('rongimlib:connect', (_event, token) => settle((cb) => RongIMClient.connect(token, cb)));
  ipcMain.handle('rongimlib:call', (_event, { method, args = [], callbackAt }) => {
    const im = RongIMClient.getInstance();
    if (typeof im[method] !== 'function') return Promise.reject(Object.assign(new Error(`no method ${method}`), { code: 33003 }));
    const values = args.map(argument);
    if (callbackAt === undefined) return plain(im[method](...values));
    return settle((cb) => { values.splice(callbackAt, 0, cb); im[method](...values); });
  });
}

/** Electron's `ipcMain.handle`/`ipcRenderer.invoke` in one process, cloning as IPC does. */
function inProcessIpc() {
  const handlers = new Map();
  return {
    ipcMain: { handle: (channel, fn) => handlers.set(channel, fn) },
    invoke: async (channel, ...args) => structuredClone(await handlers.get(channel)({}, ...structuredClone(args))),
  };
}

async function selfTest([navi, appKey, tokenA, userA, tokenB, userB, dbDir]) {
  const events = [];
  const { ipcMain, invoke } = inProcessIpc();
  const a = createNamespace();
  serve(a, ipcMain, (channel, payload) => events.push({ channel, payload }));
  const b = createNamespace();
  try {
    await invoke('rongimlib:init', appKey, { navi, dbPath: path.join(dbDir, 'a') });
    b.RongIMClient.init(appKey, null, { navi, dbPath: path.join(dbDir, 'b') });
    b.RongIMClient.setOnReceiveMessageListener({
      onReceived(message) {
        if (!(message.content instanceof b.TextMessage)) return;
        b.RongIMClient.getInstance().sendMessage(b.ConversationType.PRIVATE, message.senderUserId,
          new b.TextMessage({ content: `re: ${message.content.content}` }), { onSuccess() {}, onError: (code) => console.error(code) });
      },
    });
    await new Promise((resolve, reject) => b.RongIMClient.connect(tokenB, { onSuccess: resolve, onError: reject, onTokenIncorrect: reject }));
    const [me] = await invoke('rongimlib:connect', tokenA);
    if (me !== userA) throw new Error(`connected as ${me}`);
    const [sent] = await invoke('rongimlib:call', {
      method: 'sendMessage', args: [1, userB, { $message: 'TextMessage', content: { content: 'hello from the main process' } }], callbackAt: 3,
    });
    console.log(`[electron-example] sent ${sent.messageUId}`);
    const end = Date.now() + 10_000;
    while (!events.some((e) => e.channel === 'rongimlib:message' && e.payload.content.content === 're: hello from the main process')) {
      if (Date.now() > end) throw new Error('no answer reached the renderer');
      await new Promise((r) => setTimeout(r, 20));
    }
    const [list] = await invoke('rongimlib:call', { method: 'getHistoryMessages', args: [1, userB, 0, 20], callbackAt: 4 });
    if (list.length !== 2) throw new Error(`history holds ${list.length} messages`);
    if (await invoke('rongimlib:call', { method: 'getCurrentConnectionStatus' }) !== 0) throw new Error('not connected');
    console.log('[electron-example] OK');
    return 0;
  } finally {
    a.RongIMClient.destroy();
    b.RongIMClient.destroy();
  }
}

if (process.versions.electron) {
  const { app, ipcMain, BrowserWindow } = require('electron');
  app.whenReady().then(() => {
    serve(createNamespace(), ipcMain, (channel, payload) => {
      for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, payload);
    });
    new BrowserWindow({ webPreferences: { preload: path.join(__dirname, 'preload.js') } }).loadFile(path.join(__dirname, 'index.html'));
  });
} else if (require.main === module) {
  if (process.argv.length !== 9) {
    console.error('usage: node main.js NAVI APP_KEY TOKEN_A USER_A TOKEN_B USER_B DB_DIR');
    process.exit(64);
  }
  const watchdog = setTimeout(() => { console.error('[electron-example] timed out after 20 s'); process.exit(2); }, 20_000);
  watchdog.unref();
  selfTest(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error('[electron-example] FAILED:', e);
    process.exitCode = 1;
  });
}

module.exports = { serve };
