'use strict';
// Test helper: runs a real imserver child process and issues tokens through its Server API.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const readline = require('node:readline');

/**
 * Starts `bin` on 127.0.0.1:0 (with `extraArgs`, e.g. `['--multi-device']`) and resolves once
 * it printed its ready line.
 */
async function startServer(bin, dataDir, extraArgs = [], appKey = 'node-app', appSecret = 'node-secret') {
  const proc = spawn(bin, ['--data-dir', dataDir, '--listen', '127.0.0.1:0',
    '--app-key', appKey, '--app-secret', appSecret, ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: proc.stdout });
  const addr = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('imserver did not start within 10 s')), 10_000);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`imserver exited with ${code}`)); });
    lines.on('line', (line) => {
      const m = /imserver listening on (\S+)/.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  lines.on('line', () => {}); // keep draining stdout
  const url = `http://${addr}`;
  return {
    url,
    appKey,
    appSecret,
    /**
     * POSTs the signed Server API call `path` with the form `params` (an object, or pairs for
     * repeated fields such as `userId`); resolves to the answer's JSON.
     */
    async post(path, params) {
      const nonce = String(Math.floor(Math.random() * 1e9));
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = crypto.createHash('sha1').update(appSecret + nonce + timestamp).digest('hex');
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'App-Key': appKey, Nonce: nonce, Timestamp: timestamp, Signature: signature,
          'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      });
      return res.json();
    },
    /** POST /user/getToken.json; resolves to the token. */
    async getToken(userId, name = userId) {
      const body = await this.post('/user/getToken.json', { userId, name });
      if (body.code !== 200) throw new Error(`getToken ${userId}: ${JSON.stringify(body)}`);
      return body.token;
    },
    stop() {
      return new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill();
      });
    },
  };
}

module.exports = { startServer };
