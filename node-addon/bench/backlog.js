'use strict';
// `npm run bench`: the JS event loop's longest stall while an offline backlog of 100,000
// messages (1,000 in each of 100 conversations) lands through the addon, measured with
// perf_hooks.monitorEventLoopDelay. Prints one JSON line. Needs the release binaries:
// `cargo build --release -p imbench -p imserver` (imbench prepares the backlog on imserver).
// Also the process's resident memory (MiB): before the client, once the backlog has landed,
// and after a garbage collection then (`node --expose-gc`), with the JS heap's share.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { ImClient } = require('..');

const imbench = path.join(__dirname, '..', '..', 'target', 'release', 'imbench');
const conversations = Number(process.env.BACKLOG_CONVERSATIONS || 100);
const perConversation = Number(process.env.BACKLOG_PER_CONVERSATION || 1000);

/** Starts `imbench backlog-server` and resolves to its connection details and the child. */
function prepareBacklog() {
  if (!fs.existsSync(imbench)) {
    throw new Error(`${imbench} is missing: run cargo build --release -p imbench -p imserver`);
  }
  const child = spawn(imbench, ['backlog-server', '--conversations', String(conversations),
    '--per-conversation', String(perConversation)], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = readline.createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`imbench backlog-server exited with ${code}`)));
    lines.once('line', (line) => resolve({ child, backlog: JSON.parse(line) }));
  });
}

async function main() {
  const { child, backlog } = await prepareBacklog();
  const mib = (bytes) => Math.round(bytes / 1048576 * 10) / 10;
  const rssBefore = process.memoryUsage().rss;
  const dbPath = fs.mkdtempSync(path.join(os.tmpdir(), 'imcore-node-bench-'));
  const client = new ImClient();
  client.init(backlog.appKey, { navi: backlog.navi, dbPath });
  let messages = 0;
  let dropped = 0;
  const finished = new Promise((resolve) => {
    client.setListener((event) => {
      if (event.type === 'message') messages += 1;
      else if (event.type === 'eventsDropped') dropped += event.count;
      else if (event.type === 'pullOfflineFinished') resolve();
    });
  });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = process.hrtime.bigint();
  await client.connect(backlog.token);
  await finished;
  // Let the last queued events reach the listener.
  while (messages + dropped < backlog.messages) await new Promise((r) => setTimeout(r, 5));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  delay.disable();
  const landed = process.memoryUsage();
  if (global.gc) global.gc();
  const collected = process.memoryUsage();
  client.destroy();
  child.stdin.end();
  fs.rmSync(dbPath, { recursive: true, force: true });
  console.log(JSON.stringify({
    bench: 'node-backlog',
    messages: backlog.messages,
    events: messages,
    events_dropped: dropped,
    seconds: Math.round(seconds * 1000) / 1000,
    rate_msgs_per_s: Math.round(backlog.messages / seconds),
    max_stall_ms: Math.round(delay.max / 1e4) / 100,
    p99_stall_ms: Math.round(delay.percentile(99) / 1e4) / 100,
    target_max_stall_ms: 16,
    rss_before_client_mib: mib(rssBefore),
    rss_landed_mib: mib(landed.rss),
    heap_landed_mib: mib(landed.heapTotal),
    rss_after_gc_mib: mib(collected.rss),
    heap_after_gc_mib: mib(collected.heapTotal),
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
