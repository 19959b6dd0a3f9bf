'use strict';
// Groups (conversation type 3) and the SYSTEM conversation (type 6) through the addon, against
// a real imserver (set IMSERVER_BIN): groups made and system messages published with the
// Server API, group texts from one member received live by the others and read back in
// history and the conversation list, with unread counts and an @-mention, and the sends the
// server or core refuse.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ImClient } = require('..');
const { startServer } = require('./helpers/imserver');

const bin = process.env.IMSERVER_BIN;
const skip = bin ? false : 'IMSERVER_BIN is not set: skipping end-to-end tests against a real imserver';
const GROUP = 3;
const SYSTEM = 6;

/** Signed `path` with `users` as repeated `userId` and the other `fields`; expects code 200. */
async function serverApi(server, apiPath, users, fields) {
  const answer = await server.post(apiPath, [...users.map((u) => ['userId', u]), ...Object.entries(fields)]);
  assert.equal(answer.code, 200, `${apiPath}: ${JSON.stringify(answer)}`);
}

/** `userId` connected (`im`); `messages(count)` resolves with its first `count` messages (10 s). */
async function member(t, server, dir, userId) {
  const client = new ImClient();
  t.after(() => client.destroy());
  client.init(server.appKey, { navi: server.url, dbPath: path.join(dir, 'clients') });
  const events = [];
  let wake = () => {};
  client.setListener((e) => { events.push(e); wake(); });
  assert.equal(await client.connect(await server.getToken(userId)), userId);
  const messages = (count) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`messages did not arrive at ${userId}`)), 10_000);
    const check = () => {
      const got = events.filter((e) => e.type === 'message').map((e) => e.message);
      if (got.length >= count) { clearTimeout(timer); resolve(got); }
    };
    wake = check;
    check();
  });
  return { im: client, messages };
}

const texts = (list) => list.map((m) => m.content.content);
const unreadAndMentions = (c) => [c.unreadMessageCount, c.hasMentioned, c.mentionedCount];

test('group and system conversations', { skip, timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imcore-groups-'));
  const server = await startServer(bin, path.join(dir, 'server'));
  t.after(async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  await serverApi(server, '/group/create.json', ['alice', 'bob', 'carol'], { groupId: 'team', groupName: 'Team' });
  await serverApi(server, '/group/create.json', ['alice', 'bob'], { groupId: 'staff', groupName: 'Staff' });
  const alice = await member(t, server, dir, 'alice');
  const bob = await member(t, server, dir, 'bob');
  const carol = await member(t, server, dir, 'carol');

  const mention = { content: '@bob', mentionedInfo: { type: 2, userIdList: ['bob'] } };
  for (const content of [{ content: 'hello team' }, mention]) {
    const sent = await alice.im.sendMessage(GROUP, 'team', { objectName: 'RC:TxtMsg', content });
    assert.deepEqual([sent.conversationType, sent.targetId], [GROUP, 'team']);
  }
  for (const client of [bob, carol]) {
    const got = await client.messages(2);
    assert.deepEqual(got.map((m) => [m.conversationType, m.targetId, m.senderUserId]),
      [[GROUP, 'team', 'alice'], [GROUP, 'team', 'alice']]);
    assert.deepEqual(texts(got), ['hello team', '@bob']);
  }
  for (const client of [alice, bob, carol]) {
    assert.deepEqual(texts((await client.im.getHistoryMessages(GROUP, 'team', 0, 20, 1)).list), ['hello team', '@bob']);
  }

  const listed = await bob.im.getConversationList([GROUP], 10);
  assert.deepEqual(listed.map((x) => [x.conversationType, x.targetId]), [[GROUP, 'team']]);
  assert.equal(listed[0].latestMessage.content.content, '@bob');
  assert.deepEqual(unreadAndMentions(listed[0]), [2, true, 1]);
  assert.deepEqual(unreadAndMentions(await carol.im.getConversation(GROUP, 'team')), [2, false, 0]);
  assert.deepEqual(unreadAndMentions(await alice.im.getConversation(GROUP, 'team')), [0, false, 0]);

  // Carol is not in "staff"; nobody may send into a SYSTEM conversation.
  const text = { objectName: 'RC:TxtMsg', content: { content: 'x' } };
  await assert.rejects(carol.im.sendMessage(GROUP, 'staff', text), (e) => e.code === 22406);
  await assert.rejects(alice.im.sendMessage(SYSTEM, 'admin', text), (e) => e.code === 33003);

  await serverApi(server, '/message/system/publish.json', [], {
    fromUserId: 'admin', toUserId: 'bob', objectName: 'RC:TxtMsg', content: JSON.stringify({ content: 'notice' }),
  });
  const [, , notice] = await bob.messages(3);
  assert.deepEqual([notice.conversationType, notice.targetId, notice.senderUserId], [SYSTEM, 'admin', 'admin']);
  assert.deepEqual(texts((await bob.im.getHistoryMessages(SYSTEM, 'admin', 0, 20, 1)).list), ['notice']);
  assert.equal((await bob.im.getConversation(SYSTEM, 'admin')).unreadMessageCount, 1);
  assert.deepEqual((await bob.im.getConversationList([SYSTEM], 10)).map((x) => x.targetId), ['admin']);
});
