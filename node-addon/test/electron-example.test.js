'use strict';
// bindings-examples/electron/main.js (RongIMLib in an Electron main process, served over IPC)
// runs under plain node against a real imserver and exits 0.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer } = require('./helpers/imserver');

const bin = process.env.IMSERVER_BIN;
const skip = bin ? false : 'IMSERVER_BIN is not set: skipping end-to-end tests against a real imserver';
const example = path.join(__dirname, '..', '..', 'bindings-examples', 'electron', 'main.js');

test('the Electron main-process example runs under plain node', { skip, timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongimlib-electron-'));
  const server = await startServer(bin, path.join(dir, 'server'));
  t.after(async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  const args = [server.url, server.appKey, await server.getToken('alice'), 'alice', await server.getToken('bob'), 'bob', dir];
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, [example, ...args], { timeout: 30_000 }, (error, out, err) =>
      resolve({ code: error ? error.code : 0, stdout: out, stderr: err }));
  });
  assert.equal(code, 0, `exit ${code}\n${stdout}\n${stderr}`);
  assert.match(stdout, /\[electron-example\] OK/);
});
