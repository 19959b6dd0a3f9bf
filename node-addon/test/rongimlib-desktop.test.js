'use strict';
// RongIMLib's desktop methods over the local database, against a real imserver: insertMessage,
// getConversationList, deleteLocalMessages/deleteMessages, clearTotalUnreadCount,
// getCurrentConnectionStatus, clearCache, and drafts that survive a new session (those of
// conversations without messages too).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ImClient } = require('..');
const { createNamespace } = require('../rongimlib/client');
const { startServer } = require('./helpers/imserver');

const bin = process.env.IMSERVER_BIN;
const skip = bin ? false : 'IMSERVER_BIN is not set: skipping end-to-end tests against a real imserver';

/** The facade's `im[name](...args, callback)` as a Promise of onSuccess's first value. */
function ask(im, name, ...args) {
  return new Promise((resolve, reject) => {
    const cb = { onSuccess: resolve, onError: (code) => reject(Object.assign(new Error(`${name}: ${code}`), { code })) };
    const slot = { getConversationList: 0, getTotalUnreadCount: 0, clearTotalUnreadCount: 0 }[name] ?? args.length;
    args.splice(slot, 0, cb);
    im[name](...args);
  });
}

async function until(pred, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('desktop methods work on the local database', { skip, timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongimlib-desktop-'));
  const server = await startServer(bin, path.join(dir, 'server'));
  t.after(async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  const dbPath = path.join(dir, 'alice');
  const token = await server.getToken('alice');
  const connect = (ns) => new Promise((resolve, reject) => ns.RongIMClient.connect(token, { onSuccess: resolve, onError: reject }));

  const ns = createNamespace();
  t.after(() => ns.RongIMClient.destroy());
  ns.RongIMClient.init(server.appKey, null, { navi: server.url, dbPath });
  const im = ns.RongIMClient.getInstance();
  assert.equal(im.getCurrentConnectionStatus(), ns.ConnectionStatus.DISCONNECTED);
  assert.equal(await connect(ns), 'alice');
  assert.equal(im.getCurrentConnectionStatus(), ns.ConnectionStatus.CONNECTED);

  const tip = await ask(im, 'insertMessage', 1, 'bob', {
    senderUserId: 'bob', messageDirection: ns.MessageDirection.RECEIVE,
    content: new ns.InformationNotificationMessage({ message: 'tip' }),
  });
  assert.ok(tip.content instanceof ns.InformationNotificationMessage && tip.messageId > 0);
  const [conv] = await ask(im, 'getConversationList', null);
  assert.equal(conv.targetId, 'bob');
  assert.ok(conv.latestMessage.content instanceof ns.InformationNotificationMessage);
  assert.equal(await ask(im, 'deleteLocalMessages', 1, 'bob', [tip.messageId]), true);
  assert.equal(await ask(im, 'getMessage', tip.messageId), null);
  const again = await ask(im, 'insertMessage', 1, 'bob', { senderUserId: 'bob', messageDirection: 2, objectName: 'RC:TxtMsg', content: { content: 'plain' } });
  assert.ok(again.content instanceof ns.TextMessage);
  assert.equal(await ask(im, 'getTotalUnreadCount'), 1, 'a received text inserted unread counts, as in the seed desktop');
  await ask(im, 'clearTotalUnreadCount');
  assert.equal(await ask(im, 'deleteMessages', 1, 'bob', [again]), true);

  const bob = new ImClient();
  t.after(() => bob.destroy());
  bob.init(server.appKey, { navi: server.url, dbPath: path.join(dir, 'bob') });
  await bob.connect(await server.getToken('bob'));
  await bob.sendMessage(1, 'alice', { objectName: 'RC:TxtMsg', content: { content: 'unread' } });
  await until(async () => (await ask(im, 'getTotalUnreadCount')) === 1, 'one unread');
  await ask(im, 'clearTotalUnreadCount');
  assert.equal(await ask(im, 'getTotalUnreadCount'), 0);

  // Remote deletion with the seed's spelling `messageUid`: gone from the cloud history too.
  const sent = await ask(im, 'sendMessage', 1, 'bob', new ns.TextMessage({ content: 'to delete' }));
  await ask(im, 'deleteRemoteMessages', 1, 'bob', [{ messageUid: sent.messageUId, sentTime: sent.sentTime, messageDirection: 1 }]);
  const cloud = await ask(im, 'getRemoteHistoryMessages', 1, 'bob', 0, 20);
  assert.ok(!cloud.some((m) => m.messageUId === sent.messageUId));

  assert.equal(im.saveTextMessageDraft(1, 'bob', 'kept'), true);
  await until(async () => (await ask(im, 'getConversation', 1, 'bob')).draft === 'kept', 'the draft in the database');
  im.clearCache();
  assert.equal(im.getTextMessageDraft(1, 'bob'), '');
  ns.RongIMClient.destroy();

  // Drafts of conversations without messages (no conversation-list row), more than one
  // page of getTextMessageDrafts, saved by another client on the same database.
  const writer = new ImClient();
  writer.init(server.appKey, { navi: server.url, dbPath });
  await writer.connect(token);
  const quiet = Array.from({ length: 120 }, (_, i) => `quiet-${i}`);
  await Promise.all(quiet.map((id) => writer.saveTextMessageDraft(3, id, `draft of ${id}`)));
  writer.destroy();

  // A new session on the same database: the drafts are read back from it at connect.
  const later = createNamespace();
  t.after(() => later.RongIMClient.destroy());
  later.RongIMClient.init(server.appKey, null, { navi: server.url, dbPath });
  await connect(later);
  const laterIm = later.RongIMClient.getInstance();
  assert.equal(laterIm.getTextMessageDraft(1, 'bob'), 'kept');
  for (const id of quiet) assert.equal(laterIm.getTextMessageDraft(3, id), `draft of ${id}`);
});
