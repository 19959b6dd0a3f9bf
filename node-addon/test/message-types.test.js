'use strict';
// Every built-in message type between two users, from the table the Rust, C and Python tests
// share (tests/fixtures/message_types.json, made from improto::message_types), and the sending
// options as Message fields. Against a real imserver: set IMSERVER_BIN.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ImClient } = require('..');
const { startServer } = require('./helpers/imserver');

const bin = process.env.IMSERVER_BIN;
const skip = bin ? false : 'IMSERVER_BIN is not set: skipping end-to-end tests against a real imserver';
const PRIVATE = 1;
const SAMPLES = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'fixtures', 'message_types.json'), 'utf8'));

/** Alice and bob connected to a fresh imserver without send limits; bob's events in `events`. */
async function aliceAndBob(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imcore-types-'));
  const server = await startServer(bin, path.join(dir, 'server'), ['--max-sends-per-second', '0', '--max-requests-per-second', '0']);
  t.after(async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  const options = { navi: server.url, dbPath: path.join(dir, 'clients') };
  const [a, b] = [new ImClient(), new ImClient()];
  t.after(() => { a.destroy(); b.destroy(); });
  a.init(server.appKey, options);
  b.init(server.appKey, options);
  const events = [];
  let wake = () => {};
  b.setListener((e) => { events.push(e); wake(); });
  await a.connect(await server.getToken('alice'));
  await b.connect(await server.getToken('bob'));
  /** Resolves once `count` messages arrived at bob (after his offline pull), or rejects after 10 s. */
  const messages = (count) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('messages did not arrive')), 10_000);
    const check = () => {
      const got = events.filter((e) => e.type === 'message').map((e) => e.message);
      if (got.length >= count) { clearTimeout(timer); resolve(got); }
    };
    wake = check;
    check();
  });
  return { a, b, messages };
}

const names = (list) => list.map((m) => m.objectName);
const flagged = (flag) => names(SAMPLES.filter((s) => s[flag]));

test('every built-in type travels and reads back as its flags say', { skip, timeout: 60_000 }, async (t) => {
  const { a, b, messages } = await aliceAndBob(t);
  for (const s of SAMPLES) {
    const sent = await a.sendMessage(PRIVATE, 'bob', { objectName: s.objectName, content: s.content });
    assert.deepEqual(sent.content, s.content, s.objectName);
    assert.equal(sent.messageId !== 0, s.persisted, s.objectName);
  }
  const got = await messages(SAMPLES.length);
  assert.deepEqual(names(got), names(SAMPLES));
  got.forEach((m, i) => assert.deepEqual(m.content, SAMPLES[i].content, m.objectName));
  for (const [client, peer] of [[a, 'bob'], [b, 'alice']]) {
    for (const [read, count] of [['getHistoryMessages', 20], ['getRemoteHistoryMessages', 100]]) {
      const { list } = await client[read](PRIVATE, peer, 0, count, 1);
      assert.deepEqual(names(list), flagged('persisted'), `${peer} ${read}`);
      for (const m of list) assert.deepEqual(m.content, SAMPLES.find((s) => s.objectName === m.objectName).content);
    }
  }
  for (const s of SAMPLES.filter((x) => x.keyword)) {
    assert.deepEqual(names(await b.searchMessages(PRIVATE, 'alice', s.keyword, 0, 10)), [s.objectName], s.keyword);
  }
  assert.equal(await b.getUnreadCount(PRIVATE, 'alice'), flagged('counted').length);
});

test('sending options become the Message fields of sender and recipient', { skip, timeout: 60_000 }, async (t) => {
  const { a, b, messages } = await aliceAndBob(t);
  const pushConfig = { pushTitle: 'title', iOSConfig: { apnsCollapseId: 'c' }, androidConfig: { typeVivo: '0' } };
  const text = { objectName: 'RC:TxtMsg', content: { content: 'silent' } };
  const config = { disableNotification: true, isVoipPush: true, pushConfig };
  const sent = await a.sendMessage(PRIVATE, 'bob', text, true, 'push text', 'push data', null, config);
  const [got] = await messages(1);
  const { list: [stored] } = await b.getHistoryMessages(PRIVATE, 'alice', 0, 20, 1);
  for (const [who, m] of [['sender', sent], ['recipient', got], ['history', stored]]) {
    assert.equal(m.disableNotification, true, who);
    // The send's pushContent and pushData fill in the config's.
    assert.deepEqual(m.pushConfig, { ...pushConfig, pushContent: 'push text', pushData: 'push data' }, who);
  }
  assert.equal(sent.isMentioned, true);
  const status = await a.sendMessage(PRIVATE, 'bob', text, null, null, null, null, { isStatusMessage: true });
  assert.equal(status.messageId, 0);
  const [, live] = await messages(2);
  assert.equal(live.isStatusMessage, true);
  await assert.rejects(a.sendMessage(PRIVATE, 'bob', text, null, null, null, null, { pushConfig: { badge: 1 } }), (e) => e.code === 33003);
  await assert.rejects(a.sendMessage(PRIVATE, 'bob', text, null, null, null, null, { userIds: ['bob'] }), (e) => e.code === 33003);
});
