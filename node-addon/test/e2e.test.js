'use strict';
// End to end against a real imserver: set IMSERVER_BIN to its binary (e.g. target/debug/imserver).
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ImClient } = require('..');
const { startServer } = require('./helpers/imserver');

const bin = process.env.IMSERVER_BIN;
const skip = bin ? false : 'IMSERVER_BIN is not set: skipping end-to-end tests against a real imserver';
const PRIVATE = 1;

/** Resolves with the first event matching `pred`, or rejects after `ms`. */
function nextEvent(queue, pred, ms = 10_000) {
  return new Promise((resolve, reject) => {
    const found = queue.events.find(pred);
    if (found) return resolve(found);
    const timer = setTimeout(() => reject(new Error('timed out waiting for an event')), ms);
    queue.waiters.push((e) => {
      if (!pred(e)) return false;
      clearTimeout(timer);
      resolve(e);
      return true;
    });
  });
}

function listen(client) {
  const queue = { events: [], waiters: [] };
  client.setListener((e) => {
    queue.events.push(e);
    queue.waiters = queue.waiters.filter((w) => !w(e));
  });
  return queue;
}

/**
 * A fresh imserver and two connected clients, alice (`a`) and bob (`b`, listened to as
 * `eventsB`, past his offline pull); all torn down after the test.
 */
async function aliceAndBob(t, prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const server = await startServer(bin, path.join(dir, 'server'));
  t.after(async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  const options = { navi: server.url, dbPath: path.join(dir, 'clients') };
  const a = new ImClient();
  const b = new ImClient();
  t.after(() => { a.destroy(); b.destroy(); });
  a.init(server.appKey, options);
  b.init(server.appKey, options);
  const eventsB = listen(b);
  await a.connect(await server.getToken('alice'));
  await b.connect(await server.getToken('bob'));
  await nextEvent(eventsB, (e) => e.type === 'pullOfflineFinished');
  return { a, b, eventsB };
}

test('A and B exchange messages and keep them in history', { skip, timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imcore-e2e-'));
  const server = await startServer(bin, path.join(dir, 'server'));
  t.after(async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  const options = { navi: server.url, dbPath: path.join(dir, 'clients') };
  const [tokenA, tokenB] = [await server.getToken('alice'), await server.getToken('bob')];

  const a = new ImClient();
  const b = new ImClient();
  t.after(() => { a.destroy(); b.destroy(); }); // safety net if an assertion fails early
  a.init(server.appKey, options);
  b.init(server.appKey, options);
  const eventsA = listen(a);
  const eventsB = listen(b);

  assert.equal(await a.connect(tokenA), 'alice');
  assert.equal(await b.connect(tokenB), 'bob');
  assert.equal(a.getConnectionStatus(), 0);
  assert.equal(a.getCurrentConnectionStatus(), 0);
  assert.equal(a.getCurrentUserId(), 'alice');
  await nextEvent(eventsA, (e) => e.type === 'connectionStatus' && e.status === 0);
  await nextEvent(eventsB, (e) => e.type === 'pullOfflineFinished');

  const sent = await a.sendMessage(PRIVATE, 'bob', { objectName: 'RC:TxtMsg', content: { content: 'hello bob' } });
  assert.equal(sent.targetId, 'bob');
  assert.equal(sent.senderUserId, 'alice');
  assert.equal(sent.objectName, 'RC:TxtMsg');
  assert.equal(sent.content.content, 'hello bob');
  assert.equal(sent.sentStatus, 30);
  assert.ok(sent.messageUId.length > 0);

  const got = await nextEvent(eventsB, (e) => e.type === 'message' && e.message.content.content === 'hello bob');
  assert.equal(got.message.senderUserId, 'alice');
  assert.equal(got.message.targetId, 'alice');
  assert.equal(got.message.messageUId, sent.messageUId);
  assert.equal(got.message.messageDirection, 2);

  const reply = await b.sendMessage(PRIVATE, 'alice', { messageType: 'TextMessage', content: { content: 'hi alice' } });
  await nextEvent(eventsA, (e) => e.type === 'message' && e.message.messageUId === reply.messageUId);

  const historyB = await b.getHistoryMessages(PRIVATE, 'alice', 0, 20, 0);
  assert.deepEqual(historyB.list.map((m) => m.content.content), ['hello bob', 'hi alice']);
  assert.equal(historyB.hasMore, false);
  const historyA = await a.getHistoryMessages(PRIVATE, 'bob', 0, 1, 0);
  assert.deepEqual(historyA.list.map((m) => m.messageUId), [reply.messageUId]);
  assert.equal(historyA.hasMore, true);

  // Drafts persist in the user's database.
  assert.equal(await a.getTextMessageDraft(PRIVATE, 'bob'), '');
  await a.saveTextMessageDraft(PRIVATE, 'bob', 'half-written 草稿');
  assert.equal(await a.getTextMessageDraft(PRIVATE, 'bob'), 'half-written 草稿');
  await a.saveTextMessageDraft(3, 'no-messages', 'group draft');
  const drafts = [{ conversationType: PRIVATE, targetId: 'bob', draft: 'half-written 草稿' },
    { conversationType: 3, targetId: 'no-messages', draft: 'group draft' }];
  assert.deepEqual(await a.getTextMessageDrafts(10), drafts);
  assert.deepEqual(await a.getTextMessageDrafts(10, { conversationType: PRIVATE, targetId: 'bob' }), drafts.slice(1));
  await a.clearTextMessageDraft(3, 'no-messages');
  await a.clearTextMessageDraft(PRIVATE, 'bob');
  assert.equal(await a.getTextMessageDraft(PRIVATE, 'bob'), '');
  assert.deepEqual(await a.getTextMessageDrafts(10), []);

  // Offline delivery: B disconnects, A sends, B reconnects and receives it.
  b.disconnect();
  assert.equal(b.getConnectionStatus(), 2);
  const offline = await a.sendMessage(PRIVATE, 'bob', { objectName: 'RC:TxtMsg', content: { content: 'while away' } });
  assert.equal(await b.reconnect(), 'bob');
  const late = await nextEvent(eventsB, (e) => e.type === 'message' && e.message.messageUId === offline.messageUId);
  assert.equal(late.message.content.content, 'while away');

  // A bad token is the server's refusal, with its numeric code.
  const c = new ImClient();
  try {
    c.init(server.appKey, options);
    await assert.rejects(c.connect('not-a-token'), (e) => e.code === 31004);
  } finally {
    // Before the server stops (t.after), so that no reconnect noise follows.
    for (const client of [a, b, c]) client.destroy();
  }
});

test('conversation list, unread counts, search and local messages after an exchange', { skip, timeout: 60_000 }, async (t) => {
  const { a, b, eventsB } = await aliceAndBob(t, 'imcore-conv-');

  const text = (content) => ({ objectName: 'RC:TxtMsg', content: { content } });
  const first = await a.sendMessage(PRIVATE, 'bob', text('a ripe banana'));
  const second = await a.sendMessage(PRIVATE, 'bob', text('and an apple'));
  await nextEvent(eventsB, (e) => e.type === 'message' && e.message.messageUId === second.messageUId);
  await nextEvent(eventsB, (e) => e.type === 'message' && e.message.messageUId === first.messageUId);

  // The conversation list and the unread counts.
  const [conversation, ...others] = await b.getConversationList(null, 10);
  assert.deepEqual(others, []);
  assert.equal(conversation.conversationType, PRIVATE);
  assert.equal(conversation.targetId, 'alice');
  assert.equal(conversation.unreadMessageCount, 2);
  assert.equal(conversation.latestMessage.messageUId, second.messageUId);
  assert.equal(conversation.isTop, false);
  assert.deepEqual(await b.getConversationList([3], 10), []);
  assert.equal(await b.getTotalUnreadCount(), 2);
  assert.equal(await b.getUnreadCount(PRIVATE, 'alice'), 2);
  assert.equal(await b.getConversationUnreadCount([PRIVATE, 3]), 2);
  assert.equal(await b.getConversationUnreadCount([3]), 0);

  // Muted conversations count only when asked; pinning shows in the conversation.
  await b.setConversationStatus(PRIVATE, 'alice', { notificationStatus: 1, isTop: true });
  assert.equal(await b.getTotalUnreadCount(null), 0);
  assert.equal(await b.getTotalUnreadCount([PRIVATE], true), 2);
  const pinned = await b.getConversation(PRIVATE, 'alice');
  assert.equal(pinned.isTop, true);
  assert.equal(pinned.notificationStatus, 1);
  assert.equal(await b.getConversation(PRIVATE, 'nobody'), null);

  // Search.
  const found = await b.searchMessages(PRIVATE, 'alice', 'banana', 0, 10);
  assert.deepEqual(found.map((m) => m.messageUId), [first.messageUId]);
  const [match, ...noMore] = await b.searchConversationByContent('banana');
  assert.deepEqual([match.targetId, match.matchCount, noMore.length], ['alice', 1, 0]);
  assert.deepEqual(await b.searchConversationByContent('banana', [3]), []);

  // Clearing unread counts.
  assert.equal(await b.clearUnreadCount(PRIVATE, 'alice'), true);
  assert.equal(await b.getTotalUnreadCount(null, true), 0);
  assert.equal(await b.clearUnreadCount(PRIVATE, 'alice'), false);
  await b.clearAllUnreadCount();
  assert.equal(await b.clearTotalUnreadCount(), null);

  // Local messages: insert (never unread), get by id and UID, change, delete.
  const tip = await b.insertMessage(PRIVATE, 'alice', {
    senderUserId: 'alice', messageDirection: 2, objectName: 'RC:InfoNtf', content: { message: 'a tip' },
    sentTime: second.sentTime + 1,
  });
  assert.ok(tip.messageId > 0);
  assert.equal(tip.messageType, 'InformationNotificationMessage');
  assert.equal(tip.sentTime, second.sentTime + 1, 'ms timestamps beyond 32 bits pass through');
  assert.equal(await b.getTotalUnreadCount(null, true), 0);
  assert.deepEqual(await b.getMessage(tip.messageId), tip);
  const received = await b.getMessage(first.messageUId);
  assert.equal(received.content.content, 'a ripe banana');
  assert.equal(await b.setMessageContent(tip.messageId, { message: 'an edited tip' }), true);
  assert.equal(await b.setMessageReceivedStatus(tip.messageId, 1), true);
  assert.equal(await b.setMessageSentStatus(tip.messageId, 50), true);
  const edited = await b.getMessage(tip.messageId);
  assert.deepEqual([edited.content.message, edited.receivedStatus, edited.sentStatus], ['an edited tip', 1, 50]);
  assert.equal(await b.setMessageContent(999_999, { message: 'x' }), false);
  assert.equal((await b.getConversation(PRIVATE, 'alice')).latestMessageId, tip.messageId);
  assert.equal(await b.deleteMessages([tip.messageId, 999_999]), 1);
  assert.equal(await b.getMessage(tip.messageId), null);
  assert.equal((await b.getConversation(PRIVATE, 'alice')).latestMessage.messageUId, second.messageUId);

  // Clearing history up to the first message keeps the second.
  assert.equal(await b.clearHistoryMessages(PRIVATE, 'alice', first.sentTime), 1);
  assert.equal(await b.getMessage(first.messageUId), null);
  assert.deepEqual(await b.searchMessages(PRIVATE, 'alice', 'banana', 0, 10), []);
  assert.equal((await b.getMessage(second.messageUId)).content.content, 'and an apple');

  // Removing conversations (offline, so the removal stays local).
  b.disconnect();
  assert.equal(await b.removeConversation(PRIVATE, 'alice'), true);
  assert.deepEqual(await b.getConversationList(null, 10), []);
  assert.equal(await b.removeConversation(PRIVATE, 'alice'), false);
  await b.insertMessage(PRIVATE, 'carol', { senderUserId: 'carol', messageDirection: 2, ...text('hi') });
  assert.equal(await b.clearConversations([PRIVATE]), 1);
  assert.deepEqual(await b.getConversationList(null, 10), []);
  for (const client of [a, b]) client.destroy();
});

test('a history import is one call, counted as delivery counts, and not stored twice', { skip, timeout: 60_000 }, async (t) => {
  const { a, b, eventsB } = await aliceAndBob(t, 'imcore-import-');
  const live = await a.sendMessage(PRIVATE, 'bob', { objectName: 'RC:TxtMsg', content: { content: 'live' } });
  await nextEvent(eventsB, (e) => e.type === 'message' && e.message.messageUId === live.messageUId);
  const received = (content, messageUId, sentTime) => ({
    senderUserId: 'alice', messageDirection: 2, objectName: 'RC:TxtMsg', content: { content }, sentTime, messageUId,
  });
  const batch = [
    received('live', live.messageUId, live.sentTime),
    received('imported', 'IMP-1', 1_000),
    { conversationType: 3, targetId: 'team', ...received('in a group', 'IMP-2', 2_000) },
  ];
  const stored = await b.insertMessages(PRIVATE, 'alice', batch);
  assert.deepEqual(stored.map((m) => m.content.content), ['live', 'imported', 'in a group']);
  const delivered = await b.getMessage(live.messageUId);
  assert.equal(stored[0].messageId, delivered.messageId, 'the delivered message is not stored twice');
  assert.equal(await b.getUnreadCount(PRIVATE, 'alice'), 2);
  assert.equal(await b.getUnreadCount(3, 'team'), 1);
  assert.deepEqual((await b.insertMessages(PRIVATE, 'alice', batch)).map((m) => m.messageId), stored.map((m) => m.messageId));
  assert.equal(await b.getUnreadCount(PRIVATE, 'alice'), 2);
  const quiet = await b.insertMessages(PRIVATE, 'dan', [{ ...received('read already', 'IMP-3', 3_000), senderUserId: 'dan' }], false);
  assert.equal(quiet.length, 1);
  assert.equal(await b.getUnreadCount(PRIVATE, 'dan'), 0);
  await assert.rejects(b.insertMessages(PRIVATE, 'alice', [received('lost', 'IMP-9', 4_000), { ...received('bad'), content: 5 }]),
    (e) => e.code === 33003 && /messages\[1\]/.test(e.message));
  assert.equal(await b.getMessage('IMP-9'), null, 'all or nothing');
});

test('a registered custom type is sent, counted by its tag and searched by its fields', { skip, timeout: 60_000 }, async (t) => {
  ImClient.registerMessageType('PersonMessage', 's:node-person', { isCounted: true, isPersited: true }, ['name', 'age']);
  ImClient.registerMessageType('PingMessage', 's:node-ping', { isCounted: false, isPersited: false });
  const { a, b, eventsB } = await aliceAndBob(t, 'imcore-custom-');

  const person = await a.sendMessage(PRIVATE, 'bob', { messageType: 'PersonMessage', content: { name: 'Li Lei', age: 33 } });
  assert.equal(person.objectName, 's:node-person');
  await a.sendMessage(PRIVATE, 'bob', { objectName: 's:node-ping', content: {} });
  const received = await nextEvent(eventsB, (e) => e.type === 'message' && e.message.objectName === 's:node-person');
  assert.equal(received.message.messageType, 'PersonMessage');
  assert.deepEqual(received.message.content, { name: 'Li Lei', age: 33 });
  const ping = await nextEvent(eventsB, (e) => e.type === 'message' && e.message.objectName === 's:node-ping');
  assert.equal(ping.message.messageId, 0, 'a type that is not persisted is not stored');
  assert.equal(await b.getUnreadCount(PRIVATE, 'alice'), 1, 'only the counted type counts');
  const found = await b.searchMessages(PRIVATE, 'alice', 'Li Lei', 0, 10);
  assert.deepEqual(found.map((m) => m.messageUId), [person.messageUId]);
  await b.insertMessage(PRIVATE, 'alice', { senderUserId: 'alice', messageDirection: 2, objectName: 'RC:InfoNtf', content: { message: 'a tip' } });
  const people = await b.getHistoryMessages(PRIVATE, 'alice', 0, 20, 0, 's:node-person');
  assert.deepEqual(people.list.map((m) => m.messageUId), [person.messageUId], 'filtered by objectName');
  assert.equal((await b.getHistoryMessages(PRIVATE, 'alice', 0, 20, 0)).list.length, 2);
});

test('a conversation pinned and muted on one device shows so, with an event, on the other', { skip, timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imcore-status-'));
  const server = await startServer(bin, path.join(dir, 'server'), ['--multi-device']);
  t.after(async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  const desktop = new ImClient();
  const phone = new ImClient();
  t.after(() => { desktop.destroy(); phone.destroy(); });
  desktop.init(server.appKey, { navi: server.url, dbPath: path.join(dir, 'desktop') });
  phone.init(server.appKey, { navi: server.url, dbPath: path.join(dir, 'phone'), platform: 2 });
  const onPhone = listen(phone);
  const token = await server.getToken('alice');
  await desktop.connect(token);
  await phone.connect(token);
  await nextEvent(onPhone, (e) => e.type === 'pullOfflineFinished');

  await desktop.setConversationStatus(PRIVATE, 'bob', { isTop: true, notificationStatus: 1 });
  const { statuses } = await nextEvent(onPhone, (e) => e.type === 'conversationStatus');
  assert.deepEqual(statuses, [{ conversationType: PRIVATE, targetId: 'bob', isTop: true, notificationStatus: 1 }]);
  const bob = await phone.getConversation(PRIVATE, 'bob');
  assert.deepEqual([bob.isTop, bob.notificationStatus], [true, 1]);
});

test('a send beyond 5 a second is refused with 20604 and the failed message, which resends', { skip, timeout: 60_000 }, async (t) => {
  const { a, b, eventsB } = await aliceAndBob(t, 'imcore-rate-');
  const text = (content) => ({ objectName: 'RC:TxtMsg', content: { content } });
  const sends = await Promise.allSettled([0, 1, 2, 3, 4, 5, 6].map((i) => a.sendMessage(PRIVATE, 'bob', text(`burst ${i}`))));
  const refused = sends.filter((s) => s.status === 'rejected').map((s) => s.reason);
  assert.ok(refused.length >= 1, 'seven at once exceed the default limit of five a second');
  for (const e of refused) {
    assert.equal(e.code, 20604);
    assert.equal(e.failedMessage.sentStatus, 20, 'stored FAILED');
    assert.match(e.failedMessage.content.content, /^burst \d$/, 'the content object itself');
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
  const resent = await a.resendMessage(refused[0].failedMessage.messageId);
  assert.equal(resent.sentStatus, 30);
  await nextEvent(eventsB, (e) => e.type === 'message' && e.message.messageUId === resent.messageUId);
  assert.equal(b.getConnectionStatus(), 0);
});

/** Content `depth` deep (the content object counting as 1): `d` holds `depth - 1` arrays. */
function nestedText(content, depth) {
  let d = [];
  for (let i = 2; i < depth; i++) d = [d];
  return { content, d };
}

test('content nested at the limit and non-BMP text come back from every read; bad content is refused', { skip, timeout: 60_000 }, async (t) => {
  const { a, b, eventsB } = await aliceAndBob(t, 'imcore-content-');
  const MAX_CONTENT_DEPTH = 32; // improto::limits::MAX_CONTENT_DEPTH
  const send = (objectName, content) => a.sendMessage(PRIVATE, 'bob', { objectName, content });
  for (const [objectName, content] of [
    ['RC:TxtMsg', nestedText('too deep', MAX_CONTENT_DEPTH + 1)],
    ['RC:TxtMsg', { content: 5 }],
    ['RC:TxtMsg', { content: null }],
    ['RC:ImgMsg', { content: 5, imageUri: 'https://x/y.jpg' }],
  ]) {
    await assert.rejects(send(objectName, content), (e) => e.code === 33003, JSON.stringify(content));
  }

  // JS strings are UTF-16: '\ud83d\ude00' is 😀; a lone surrogate reaches core as U+FFFD.
  const accepted = [
    { content: '\ud83d\ude00 é你好 \ud834\udd1e "\\\n', extra: '🎉' },
    { content: 'lone \ud800' },
    nestedText('deep', MAX_CONTENT_DEPTH),
  ];
  for (const content of accepted) await send('RC:TxtMsg', content);
  accepted[1] = { content: 'lone \ufffd' };
  const got = [];
  for (const content of accepted) {
    const { message } = await nextEvent(eventsB, (e) => e.type === 'message' && e.message.content.content === content.content);
    got.push(message.content);
  }
  assert.deepEqual(got, accepted);

  const latest = accepted[2];
  assert.deepEqual((await b.getConversationList(null, 10))[0].latestMessage.content, latest);
  assert.deepEqual((await b.getConversation(PRIVATE, 'alice')).latestMessage.content, latest);
  for (const read of ['getHistoryMessages', 'getRemoteHistoryMessages']) {
    const { list } = await b[read](PRIVATE, 'alice', 0, 10, 0);
    assert.deepEqual(new Set(list.map((m) => JSON.stringify(m.content))), new Set(accepted.map((c) => JSON.stringify(c))), read);
  }
});

/** Runs `script` in a fresh node process; resolves to its exit code, or rejects after `ms`. */
function runNode(script, env, ms) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`node did not exit within ${ms} ms`)); }, ms);
    child.on('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
}

test('a connected client keeps Node alive only until disconnect', { skip, timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imcore-alive-'));
  const server = await startServer(bin, path.join(dir, 'server'));
  t.after(async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  const token = await server.getToken('carol');
  // After connect the process stays alive (the timer below fires); after disconnect, with the
  // listener still set and no destroy(), nothing keeps the loop alive and the process exits.
  const script = `
    const { ImClient } = require(${JSON.stringify(path.join(__dirname, '..'))});
    const c = new ImClient();
    c.init(process.env.APP_KEY, { navi: process.env.NAVI, dbPath: process.env.DB });
    c.setListener(() => {});
    let alive = false;
    c.connect(process.env.TOKEN).then(() => {
      setTimeout(() => { alive = true; c.disconnect(); }, 300).unref();
    });
    process.on('exit', () => { process.exitCode = alive ? 0 : 3; });
  `;
  const code = await runNode(script, { APP_KEY: server.appKey, NAVI: server.url, DB: path.join(dir, 'db'), TOKEN: token }, 15_000);
  assert.equal(code, 0, 'the connection kept the process alive until disconnect, then let it exit');
});

test('terminating a worker with connected clients does not crash', { skip, timeout: 60_000 }, async (t) => {
  const { Worker } = require('node:worker_threads');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imcore-worker-'));
  const server = await startServer(bin, path.join(dir, 'server'));
  t.after(async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  const tokens = [await server.getToken('dave'), await server.getToken('erin')];
  // Two connected clients chat continuously inside a worker, which is then terminated without
  // destroy(): the environment cleanup hook must stop event delivery before Node frees it.
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { ImClient } = require(workerData.addon);
    (async () => {
      const [d, e] = [new ImClient(), new ImClient()];
      for (const c of [d, e]) {
        c.init(workerData.appKey, { navi: workerData.navi, dbPath: workerData.dbPath });
        c.setListener(() => {});
      }
      await d.connect(workerData.tokens[0]);
      await e.connect(workerData.tokens[1]);
      parentPort.postMessage('ready');
      for (let i = 0; ; i += 1) {
        await d.sendMessage(1, 'erin', { objectName: 'RC:TxtMsg', content: { content: 'm' + i } });
      }
    })().catch((err) => parentPort.postMessage('error ' + err.message));
  `;
  const worker = new Worker(source, { eval: true, workerData: {
    addon: path.join(__dirname, '..'), navi: server.url, appKey: server.appKey, dbPath: path.join(dir, 'db'), tokens } });
  const first = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  assert.equal(first, 'ready');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await worker.terminate(), 1);
});
