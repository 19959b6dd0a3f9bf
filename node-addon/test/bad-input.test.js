'use strict';
// Bad input never crashes: it throws (sync methods) or rejects (async methods) an Error whose
// `code` is the seed's numeric status code. No server needed.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ImClient } = require('..');

const TEXT = { objectName: 'RC:TxtMsg', content: { content: 'hi' } };

function throwsCode(fn, code) {
  assert.throws(fn, (e) => e instanceof Error && e.code === code && typeof e.message === 'string');
}

async function rejectsCode(promise, code) {
  assert.ok(promise instanceof Promise, 'async methods return a Promise even for bad input');
  await assert.rejects(promise, (e) => e instanceof Error && e.code === code);
}

function tmpDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imcore-node-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('calls before init are 33001', async () => {
  const c = new ImClient();
  throwsCode(() => c.getConnectionStatus(), 33001);
  throwsCode(() => c.getCurrentUserId(), 33001);
  throwsCode(() => c.disconnect(), 33001);
  throwsCode(() => c.logout(), 33001);
  await rejectsCode(c.connect('token'), 33001);
  await rejectsCode(c.reconnect(), 33001);
  await rejectsCode(c.sendMessage(1, 'bob', TEXT), 33001);
  await rejectsCode(c.getHistoryMessages(1, 'bob', 0, 10, 0), 33001);
  await rejectsCode(c.resendMessage(1), 33001);
  await rejectsCode(c.getTextMessageDraft(1, 'bob'), 33001);
  c.setListener(() => {}); // allowed before init
  c.destroy();
  c.destroy(); // idempotent
});

test('init rejects wrong types and invalid options with 33003', (t) => {
  const dbPath = tmpDir(t);
  const c = new ImClient();
  t.after(() => c.destroy());
  const navi = 'http://127.0.0.1:1';
  throwsCode(() => c.init(), 33003);
  throwsCode(() => c.init(42, { navi, dbPath }), 33003);
  throwsCode(() => c.init('', { navi, dbPath }), 33003);
  throwsCode(() => c.init('key', null), 33003);
  throwsCode(() => c.init('key', 'options'), 33003);
  throwsCode(() => c.init('key', {}), 33003);
  throwsCode(() => c.init('key', { navi: 'ftp://x', dbPath }), 33003);
  throwsCode(() => c.init('key', { navi, dbPath, logLevel: 9 }), 33003);
  throwsCode(() => c.init('key', { navi, dbPath, platform: 'web' }), 33003);
  throwsCode(() => c.init('key', { navi, dbPath, bogus: true }), 33003);
  throwsCode(() => c.init('key', { navi, dbPath, requestTimeoutMs: () => 1 }), 33003);
  throwsCode(() => c.init('key', { navi, dbPath, heartbeatTimeoutMs: 0 }), 33003);
  c.init('key', { navi, dbPath, logLevel: undefined });
  throwsCode(() => c.init('key', { navi, dbPath }), 33003); // only once
  assert.equal(c.getConnectionStatus(), 2);
  assert.equal(c.getCurrentUserId(), null);
});

test('async methods reject bad arguments with 33003', async (t) => {
  const c = new ImClient();
  t.after(() => c.destroy());
  c.init('key', { navi: 'http://127.0.0.1:1', dbPath: tmpDir(t) });
  await rejectsCode(c.connect(), 33003);
  await rejectsCode(c.connect(12), 33003);
  await rejectsCode(c.connect(''), 33003);
  await rejectsCode(c.sendMessage('1', 'bob', TEXT), 33003);
  await rejectsCode(c.sendMessage(2, 'bob', TEXT), 33003); // unknown conversation type
  await rejectsCode(c.sendMessage(1.5, 'bob', TEXT), 33003);
  await rejectsCode(c.resendMessage('1'), 33003);
  await rejectsCode(c.resendMessage(1), 30001); // needs a connection
  await rejectsCode(c.saveTextMessageDraft(2, 'bob', 'x'), 33003);
  await rejectsCode(c.saveTextMessageDraft(1, 'bob', 5), 33003);
  await rejectsCode(c.clearTextMessageDraft(1, ''), 33003);
  await rejectsCode(c.getTextMessageDraft(1, 'bob'), 30001); // drafts live in the user's database
  await rejectsCode(c.sendMessage(1, 7, TEXT), 33003);
  await rejectsCode(c.sendMessage(1, '', TEXT), 33003);
  await rejectsCode(c.sendMessage(1, 'bob'), 33003);
  await rejectsCode(c.sendMessage(1, 'bob', 'hi'), 33003);
  await rejectsCode(c.sendMessage(1, 'bob', { content: { content: 'hi' } }), 33003);
  await rejectsCode(c.sendMessage(1, 'bob', { objectName: 'RC:Nope', content: {} }), 33003);
  await rejectsCode(c.sendMessage(1, 'bob', { objectName: 'RC:TxtMsg', content: { content: 5 } }), 33003);
  await rejectsCode(c.sendMessage(1, 'bob', { objectName: 'RC:TxtMsg', content: { content: 'x', f() {} } }), 33003);
  await rejectsCode(c.getHistoryMessages(1, 'bob', 0, 0, 0), 33003);
  await rejectsCode(c.getHistoryMessages(1, 'bob', 0, 21, 0), 33003);
  await rejectsCode(c.getHistoryMessages(1, 'bob', 0, -1, 0), 33003);
  await rejectsCode(c.getHistoryMessages(1, 'bob', -5, 10, 0), 33003);
  await rejectsCode(c.getHistoryMessages(1, 'bob', 0, 10, 2), 33003); // unknown order
  await rejectsCode(c.getHistoryMessages(1, 'bob', '0', 10, 0), 33003);
  await rejectsCode(c.getHistoryMessages(1, 'bob', 0, 10), 33003);
  await rejectsCode(c.getHistoryMessages(9, 'bob', 0, 10, 0), 33003);
  // Valid arguments but no connection: core's own code.
  await rejectsCode(c.sendMessage(1, 'bob', TEXT), 30001);
});

test('setListener checks its argument', (t) => {
  const c = new ImClient();
  t.after(() => c.destroy());
  throwsCode(() => c.setListener(5), 33003);
  throwsCode(() => c.setListener({}), 33003);
  c.setListener(() => {});
  c.setListener(null);
  c.setListener(undefined);
});

test('a failed connect reports connecting then disconnected', async (t) => {
  const c = new ImClient();
  t.after(() => c.destroy());
  c.init('key', { navi: 'http://127.0.0.1:1', dbPath: tmpDir(t) });
  const events = [];
  c.setListener((e) => events.push(e));
  await assert.rejects(c.connect('token'), (e) => typeof e.code === 'number' && e.code >= 30000);
  await new Promise((r) => setTimeout(r, 200));
  const statuses = events.filter((e) => e.type === 'connectionStatus').map((e) => e.status);
  assert.deepEqual(statuses, [1, 2]);
  assert.equal(c.getConnectionStatus(), 2);
});

test('destroy is idempotent and the client can be initialised again', async (t) => {
  const c = new ImClient();
  t.after(() => c.destroy());
  c.init('key', { navi: 'http://127.0.0.1:1', dbPath: tmpDir(t) });
  c.destroy();
  throwsCode(() => c.getConnectionStatus(), 33001);
  c.init('key', { navi: 'http://127.0.0.1:1', dbPath: tmpDir(t) });
  assert.equal(c.getConnectionStatus(), 2);
});
