'use strict';
// Lifecycle without a real server: destroy() with work in flight, and environment teardown
// (a worker thread terminated without destroy(), as on an Electron reload) must not crash,
// hang, or call the listener afterwards.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { ImClient } = require('..');

/** An HTTP server that accepts requests and never answers: connects stay pending. */
async function silentServer(t) {
  const sockets = new Set();
  const server = http.createServer(() => {});
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => { for (const s of sockets) s.destroy(); server.close(); });
  return `http://127.0.0.1:${server.address().port}`;
}

function tmpDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imcore-teardown-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('destroy() settles a pending connect and silences the listener', async (t) => {
  const navi = await silentServer(t);
  const c = new ImClient();
  c.init('key', { navi, dbPath: tmpDir(t) });
  let afterDestroy = 0;
  let destroyed = false;
  c.setListener(() => { if (destroyed) afterDestroy += 1; });
  const pending = c.connect('token');
  await new Promise((r) => setTimeout(r, 100));
  c.destroy();
  destroyed = true;
  // Core cancels the attempt (30002); the Promise must settle, not hang.
  await assert.rejects(pending, (e) => typeof e.code === 'number');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(afterDestroy, 0, 'no listener call after destroy()');
  assert.throws(() => c.getConnectionStatus(), (e) => e.code === 33001);
});

test('replacing the listener delivers later events to the new one only', async (t) => {
  const c = new ImClient();
  t.after(() => c.destroy());
  c.init('key', { navi: 'http://127.0.0.1:1', dbPath: tmpDir(t) });
  const first = [];
  const second = [];
  c.setListener((e) => first.push(e));
  c.setListener((e) => second.push(e));
  await assert.rejects(c.connect('token'));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(first.length, 0);
  assert.ok(second.some((e) => e.type === 'connectionStatus'));
});

test('terminating a worker that holds a connecting client does not crash', { timeout: 30_000 }, async (t) => {
  const navi = await silentServer(t);
  const dbPath = tmpDir(t);
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { ImClient } = require(workerData.addon);
    const clients = [new ImClient(), new ImClient()];
    for (const c of clients) {
      c.init('key', { navi: workerData.navi, dbPath: workerData.dbPath });
      c.setListener(() => {});
      c.connect('token').catch(() => {});
    }
    setInterval(() => {}, 1000); // stay alive until terminated
    parentPort.postMessage('ready');
  `;
  for (let round = 0; round < 3; round += 1) {
    const worker = new Worker(source, { eval: true, workerData: { addon: path.join(__dirname, '..'), navi, dbPath } });
    await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    await new Promise((r) => setTimeout(r, 100));
    const code = await worker.terminate();
    assert.equal(code, 1); // terminated, not crashed
  }
  // The main thread's copy of the addon still works.
  const c = new ImClient();
  c.init('key', { navi, dbPath });
  c.destroy();
});
