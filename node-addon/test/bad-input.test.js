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
const INSERT = { senderUserId: 'bob', messageDirection: 2, objectName: 'RC:TxtMsg', content: { content: 'x' } };
const REMOTE = [{ messageUId: 'BKNA-0000-0000-0000', sentTime: 1_795_657_291_000, messageDirection: 1 }];

/** Every conversation, unread, local message, search and remote method, with valid arguments. */
const NEW_CALLS = [
  ['getConversationList', (c) => c.getConversationList(null, 10)],
  ['getConversation', (c) => c.getConversation(1, 'bob')],
  ['removeConversation', (c) => c.removeConversation(1, 'bob')],
  ['clearConversations', (c) => c.clearConversations()],
  ['setConversationStatus', (c) => c.setConversationStatus(1, 'bob', { isTop: true })],
  ['getTotalUnreadCount', (c) => c.getTotalUnreadCount()],
  ['getUnreadCount', (c) => c.getUnreadCount(1, 'bob')],
  ['getConversationUnreadCount', (c) => c.getConversationUnreadCount([1, 3])],
  ['clearUnreadCount', (c) => c.clearUnreadCount(1, 'bob')],
  ['clearAllUnreadCount', (c) => c.clearAllUnreadCount()],
  ['clearTotalUnreadCount', (c) => c.clearTotalUnreadCount()],
  ['getMessage', (c) => c.getMessage(1)],
  ['insertMessage', (c) => c.insertMessage(1, 'bob', INSERT)],
  ['insertMessages', (c) => c.insertMessages(1, 'bob', [INSERT])],
  ['setMessageContent', (c) => c.setMessageContent(1, { content: 'edited' })],
  ['setMessageReceivedStatus', (c) => c.setMessageReceivedStatus(1, 1)],
  ['setMessageSentStatus', (c) => c.setMessageSentStatus(1, 30)],
  ['deleteMessages', (c) => c.deleteMessages([1, 2])],
  ['clearHistoryMessages', (c) => c.clearHistoryMessages(1, 'bob', 0)],
  ['searchConversationByContent', (c) => c.searchConversationByContent('hi', [1])],
  ['searchMessages', (c) => c.searchMessages(1, 'bob', 'hi', 0, 10)],
  ['getRemoteHistoryMessages', (c) => c.getRemoteHistoryMessages(1, 'bob', 0, 10, 0)],
  ['getRemoteConversationList', (c) => c.getRemoteConversationList(10)],
  ['deleteRemoteMessages', (c) => c.deleteRemoteMessages(1, 'bob', REMOTE)],
  ['clearRemoteHistoryMessages', (c) => c.clearRemoteHistoryMessages(1, 'bob', 0)],
];

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

test('registerMessageType refuses bad names, tags and fields with 33003', () => {
  const tag = { isCounted: true, isPersited: true };
  ImClient.registerMessageType('BadInputOk', 's:bad-input-ok', tag, ['title']);
  ImClient.registerMessageType('BadInputOk', 's:bad-input-ok', { isCounted: false, isPersisted: false });
  for (const args of [
    ['X', 'RC:X', tag],
    ['X', '', tag],
    ['TextMessage', 's:x', tag],
    ['X', 's:x', tag, ['a', 'a']],
    ['X', 's:x', tag, 'title'],
    ['X', 's:x', { isCounted: true }],
    ['X', 's:x', null],
    [42, 's:x', tag],
    ['X', 7, tag],
    [],
  ]) {
    throwsCode(() => ImClient.registerMessageType(...args), 33003);
  }
});

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
  await rejectsCode(c.getTextMessageDrafts(10), 33001);
  for (const [name, call] of NEW_CALLS) await rejectsCode(call(c), 33001).catch((e) => assert.fail(`${name}: ${e}`));
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
  await rejectsCode(c.getTextMessageDrafts(0), 33003);
  await rejectsCode(c.getTextMessageDrafts(10, { targetId: 'bob' }), 33003); // `after` lacks its type
  await rejectsCode(c.getTextMessageDrafts(10), 30001);
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
  await rejectsCode(c.getHistoryMessages(1, 'bob', 0, 5, 0, 7), 33003);
  await rejectsCode(c.getHistoryMessages(1, 'bob', 0, 5, 0, ''), 33003);
  await rejectsCode(c.getHistoryMessages(1, 'bob', -5, 10, 0), 33003);
  await rejectsCode(c.getHistoryMessages(1, 'bob', 0, 10, 2), 33003); // unknown order
  await rejectsCode(c.getHistoryMessages(1, 'bob', '0', 10, 0), 33003);
  await rejectsCode(c.getHistoryMessages(1, 'bob', 0, 10), 33003);
  await rejectsCode(c.getHistoryMessages(9, 'bob', 0, 10, 0), 33003);
  // Valid arguments but no connection: core's own code.
  await rejectsCode(c.sendMessage(1, 'bob', TEXT), 30001);
});

test('conversation, message, search and remote methods reject bad arguments with 33003', async (t) => {
  const c = new ImClient();
  t.after(() => c.destroy());
  c.init('key', { navi: 'http://127.0.0.1:1', dbPath: tmpDir(t) });
  // Valid arguments before the first connect: the user's database is not open yet.
  for (const [name, call] of NEW_CALLS) {
    await rejectsCode(call(c), 30001).catch((e) => assert.fail(`${name}: ${e.message}`));
  }
  const bad = [
    // Conversation types: wrong JS types, unknown numbers; counts out of range.
    () => c.getConversationList([2], 10),
    () => c.getConversationList('1', 10),
    () => c.getConversationList([1.5], 10),
    () => c.getConversationList(null, 0),
    () => c.getConversationList(null, 1001),
    () => c.getConversationList(null, -1),
    () => c.getConversationList(null, '10'),
    () => c.getConversationList(null),
    () => c.clearConversations([1, 'x']),
    () => c.getTotalUnreadCount([9]),
    () => c.getTotalUnreadCount(null, 'yes'),
    () => c.getConversationUnreadCount(null),
    () => c.getConversationUnreadCount(),
    () => c.searchConversationByContent('hi', [0]),
    () => c.searchConversationByContent(''),
    () => c.searchConversationByContent('   '),
    () => c.searchConversationByContent(5),
    () => c.getRemoteConversationList(0),
    () => c.getRemoteConversationList(1.5),
    // Conversation keys.
    () => c.getConversation(2, 'bob'),
    () => c.getConversation(1, ''),
    () => c.removeConversation(1, 7),
    () => c.getUnreadCount('1', 'bob'),
    () => c.clearUnreadCount(1),
    () => c.clearHistoryMessages(1, 'bob', -1),
    () => c.clearHistoryMessages(1, 'bob'),
    () => c.clearRemoteHistoryMessages(5, 'bob', 0),
    // Objects core parses.
    () => c.setConversationStatus(1, 'bob', {}),
    () => c.setConversationStatus(1, 'bob', { pinned: true }),
    () => c.setConversationStatus(1, 'bob', { notificationStatus: 3 }),
    () => c.setConversationStatus(1, 'bob', 'top'),
    () => c.insertMessage(1, 'bob', { ...INSERT, messageDirection: 3 }),
    () => c.insertMessage(1, 'bob', { ...INSERT, senderUserId: '' }),
    () => c.insertMessage(1, 'bob', { ...INSERT, objectName: 'RC:Nope' }),
    () => c.insertMessage(1, 'bob', { ...INSERT, sentTime: -1 }),
    () => c.insertMessage(1, 'bob', null),
    () => c.insertMessages(1, 'bob', []),
    () => c.insertMessages(1, 'bob', Array.from({ length: 501 }, () => INSERT)),
    () => c.insertMessages(1, 'bob', [INSERT, { ...INSERT, sentTime: -1 }]),
    () => c.insertMessages(1, null, [INSERT]),
    () => c.insertMessages(null, null, [INSERT]),
    () => c.insertMessages(1, 'bob', [{ ...INSERT, targetId: 'ann' }]),
    () => c.insertMessages(1, 'bob', INSERT),
    () => c.getMessage(null),
    () => c.getMessage(''),
    () => c.getMessage(1.5),
    () => c.getMessage({ messageId: 1 }),
    () => c.setMessageContent(1, 'text'),
    () => c.setMessageContent('1', { content: 'x' }),
    () => c.setMessageReceivedStatus(1, 256),
    () => c.setMessageSentStatus(1, 31),
    () => c.deleteMessages([]),
    () => c.deleteMessages(Array.from({ length: 101 }, (_, i) => i + 1)),
    () => c.deleteMessages([1.5]),
    () => c.deleteMessages(1),
    () => c.deleteRemoteMessages(1, 'bob', []),
    () => c.deleteRemoteMessages(1, 'bob', [{ messageUId: 'x' }]),
    () => c.deleteRemoteMessages(1, 'bob', [{ ...REMOTE[0], sentTime: 1.5 }]),
    // Searches and pages.
    () => c.searchMessages(1, 'bob', 'hi', 0, 101),
    () => c.searchMessages(1, 'bob', 'hi', -1, 10),
    () => c.searchMessages(1, 'bob', null, 0, 10),
    () => c.searchMessages(1, 'bob', 'x'.repeat(257), 0, 10),
    () => c.getRemoteHistoryMessages(1, 'bob', 0, 101, 0),
    () => c.getRemoteHistoryMessages(1, 'bob', 0, 10, 2),
  ];
  for (const call of bad) {
    await rejectsCode(call(), 33003).catch((e) => assert.fail(`${call}: ${e.message}`));
  }
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
