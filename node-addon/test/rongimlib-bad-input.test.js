'use strict';
// RongIMLib facade: bad input and calls out of order answer the seed's codes through onError
// (once, asynchronously), as the addon does; missing features answer 33003; host code that
// throws is contained. No server needed except where named.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createNamespace } = require('../rongimlib/client');
const { MISSING } = require('../rongimlib/instance');
const { ImClient } = require('..');
const { startServer } = require('./helpers/imserver');

const bin = process.env.IMSERVER_BIN;

/** A namespace logging into `logs`, released after the test. */
function namespace(t, defaults = {}) {
  const logs = [];
  const ns = createNamespace({ logStdout: (level, text) => logs.push(text), ...defaults });
  t.after(() => ns.RongIMClient.destroy());
  return { ns, im: ns.RongIMClient.getInstance(), logs };
}

/** Runs `call(cb)`; resolves with `[outcome, ...args]` of the first callback, checking none follows and none was synchronous. */
async function outcome(call) {
  const calls = [];
  const cb = {
    onSuccess: (...a) => calls.push(['success', ...a]),
    onError: (...a) => calls.push(['error', ...a]),
  };
  call(cb);
  assert.equal(calls.length, 0, 'callbacks are asynchronous');
  const end = Date.now() + 5000;
  while (calls.length === 0) {
    assert.ok(Date.now() < end, 'a callback within 5 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(calls.length, 1, `exactly one callback: ${JSON.stringify(calls)}`);
  return calls[0];
}

const errorCode = async (call) => {
  const [kind, code] = await outcome(call);
  assert.equal(kind, 'error');
  return code;
};

test('calls before init answer 33001 like the addon', async (t) => {
  const { im, ns } = namespace(t);
  assert.equal(await errorCode((cb) => im.getConversationList(cb, null)), 33001);
  assert.equal(await errorCode((cb) => im.sendMessage(1, 'bob', new ns.TextMessage({ content: 'x' }), cb)), 33001);
  assert.equal(await errorCode((cb) => ns.RongIMClient.connect('token', cb)), 33001);
  assert.equal(await errorCode((cb) => im.getUnreadCount(1, 'bob', cb)), 33001);
  const native = new ImClient();
  await assert.rejects(native.getUnreadCount(1, 'bob'), (e) => e.code === 33001);
  assert.equal(im.getCurrentConnectionStatus(), ns.ConnectionStatus.DISCONNECTED);
  assert.equal(im.getCurrentUserId(), null);
  assert.equal(im.getTextMessageDraft(1, 'bob'), '');
  assert.equal(im.saveTextMessageDraft(1, 'bob', 'x'), false);
});

test('calls before connect answer the addon\'s codes (30001 for sends)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongimlib-bad-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { ns, im, logs } = namespace(t, { navi: 'http://127.0.0.1:9', dbPath: dir });
  ns.RongIMClient.init('appKey', null, { api: 'x', protobuf: 'y', checkCA: false, readReceiptTimeout: 2, showError: true, logLevel: 0 });
  assert.ok(logs.some((l) => /api\/protobuf options are ignored/.test(l)));
  ns.RongIMClient.init('again');
  assert.ok(logs.some((l) => /already initialised/.test(l)));
  const code = await errorCode((cb) => im.sendMessage(1, 'bob', new ns.TextMessage({ content: 'x' }), cb));
  const native = new ImClient();
  t.after(() => native.destroy());
  native.init('appKey', { navi: 'http://127.0.0.1:9', dbPath: path.join(dir, 'n') });
  await assert.rejects(native.sendMessage(1, 'bob', { objectName: 'RC:TxtMsg', content: { content: 'x' } }), (e) => e.code === code);
  assert.equal(code, 30001);
  assert.equal(im.saveTextMessageDraft(1, 'bob', 'x'), false);
});

test('wrong argument types, counts and enum values answer 33003 through onError', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongimlib-bad-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { ns, im, logs } = namespace(t, { navi: 'http://127.0.0.1:9', dbPath: dir });
  ns.RongIMClient.init('appKey');
  const cases = [
    ['getUnreadCount type', (cb) => im.getUnreadCount('1', 'bob', cb)],
    ['getUnreadCount unknown type', (cb) => im.getUnreadCount(99, 'bob', cb)],
    ['getUnreadCount callback misplaced', (cb) => im.getUnreadCount(1, cb)],
    ['getConversationList types', (cb) => im.getConversationList(cb, 'all')],
    ['getHistoryMessages count', (cb) => im.getHistoryMessages(1, 'bob', 0, 'ten', cb)],
    ['sendMessage plain object', (cb) => im.sendMessage(1, 'bob', { content: 'x' }, cb)],
    ['setConversationStatus', (cb) => im.setConversationStatus(1, 'bob', 'top', cb)],
    ['clearRemoteHistoryMessages', (cb) => im.clearRemoteHistoryMessages(null, cb)],
    ['insertMessage', (cb) => im.insertMessage(1, 'bob', null, cb)],
    ['deleteMessages', (cb) => im.deleteMessages(1, 'bob', 'all', cb)],
  ];
  for (const [name, call] of cases) assert.equal(await errorCode(call), 33003, name);
  // No callback: nothing to call, the failure is logged; a callback without onSuccess gets onError.
  im.getUnreadCount(1, 'bob');
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(logs.some((l) => /getUnreadCount failed: 33003/.test(l)));
  assert.equal(await errorCode((cb) => im.getUnreadCount(1, 'bob', { onError: cb.onError })), 33003);
  assert.equal(im.saveTextMessageDraft(1, 'bob', 7), false);
  assert.equal(im.getTextMessageDraft('1', 'bob'), '');
  ns.RongIMClient.registerMessageType('Bad', 'RC:Bad', new ns.MessageTag(true, true), []);
  assert.equal(ns.RongIMClient.RegisterMessage.Bad, undefined);
  assert.ok(logs.some((l) => /registerMessageType failed: 33003/.test(l)));
});

test('every seed method of a feature not built answers 33003 and logs the feature', async (t) => {
  const { ns, im, logs } = namespace(t);
  ns.RongIMClient.init('appKey'); // fails (no navi), but sets logStdout
  for (const [feature, names] of Object.entries(MISSING)) {
    for (const name of names) {
      assert.equal(await errorCode((cb) => im[name]('x', cb)), 33003, name);
      assert.ok(logs.some((l) => l.includes(name) && l.includes(feature)), name);
    }
  }
});

test('a callback or listener that throws is logged and later events still flow', { skip: bin ? false : 'IMSERVER_BIN is not set', timeout: 30_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongimlib-throw-'));
  const server = await startServer(bin, path.join(dir, 'server'));
  t.after(async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  const { ns, im, logs } = namespace(t, { navi: server.url, dbPath: path.join(dir, 'a') });
  ns.RongIMClient.init(server.appKey);
  const received = [];
  ns.RongIMClient.setOnReceiveMessageListener({
    onReceived(m) { received.push(m); throw new Error('listener bug'); },
  });
  ns.RongIMClient.setConnectionStatusListener({ onChange() { throw new Error('status bug'); } });
  assert.equal(await errorCode((cb) => ns.RongIMClient.connect('', cb)), 33003);
  const token = await server.getToken('alice');
  let successes = 0;
  let errors = 0;
  await new Promise((resolve) => ns.RongIMClient.connect(token, {
    onSuccess() { successes += 1; setTimeout(resolve, 50); throw new Error('onSuccess bug'); },
    onError() { errors += 1; },
  }));
  assert.deepEqual([successes, errors], [1, 0]);
  assert.ok(logs.some((l) => /connect onSuccess threw: Error: onSuccess bug/.test(l)));
  const bob = new ImClient();
  t.after(() => bob.destroy());
  bob.init(server.appKey, { navi: server.url, dbPath: path.join(dir, 'b') });
  bob.setListener(() => { throw new Error('native listener bug'); });
  await bob.connect(await server.getToken('bob'));
  for (const content of ['one', 'two']) await bob.sendMessage(1, 'alice', { objectName: 'RC:TxtMsg', content: { content } });
  const end = Date.now() + 10_000;
  while (received.length < 2) {
    assert.ok(Date.now() < end, 'both messages reach the throwing listener');
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(received.every((m) => m.content instanceof ns.TextMessage && m.senderUserId === 'bob'));
  assert.ok(logs.some((l) => /listener onReceived threw: Error: listener bug/.test(l)));
  assert.equal(await errorCode((cb) => im.sendMessage(1, 'bob', new ns.TextMessage({ content: 7 }), cb)), 33003);
  const text = new ns.TextMessage({ content: 'x' });
  assert.equal(await errorCode((cb) => im.sendMessage(1, 'bob', text, cb, false, null, null, null, { bogus: true })), 33003);
  assert.equal(await errorCode((cb) => im.sendMessage(99, 'bob', text, cb)), 33003);
});
