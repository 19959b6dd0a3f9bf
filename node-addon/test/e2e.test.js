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
  await a.clearTextMessageDraft(PRIVATE, 'bob');
  assert.equal(await a.getTextMessageDraft(PRIVATE, 'bob'), '');

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
