#!/usr/bin/env node
'use strict';
// imcore from an Electron-main-process-style script (runs under plain `node` too).
//
//   node example.js NAVI APP_KEY TOKEN_A USER_A TOKEN_B USER_B DB_DIR
//
// Two clients A and B connect; A sends B a text; B's listener receives it; B's local history
// holds it. Then A sends a custom type registered before connecting, which B's history finds
// by its ObjectName. Exits 0 on success, 1 on failure, 2 after a 20 s timeout, and in every case returns
// promptly after destroy(): the addon keeps nothing alive once its clients are destroyed.
// Build the addon first: `cd node-addon && npm ci && npm run build`.
const path = require('node:path');

const addon = process.env.IMCORE_NODE_ADDON || path.join(__dirname, '..', '..', 'node-addon');
const { ImClient } = require(addon);

const PRIVATE = 1; // ConversationType.PRIVATE
const TIMEOUT_MS = 20_000;

function log(step) {
  console.log(`[example] ${step}`);
}

async function main(argv) {
  if (argv.length !== 7) {
    console.error('usage: node example.js NAVI APP_KEY TOKEN_A USER_A TOKEN_B USER_B DB_DIR');
    return 64;
  }
  const [navi, appKey, tokenA, userA, tokenB, userB, dbDir] = argv;
  const a = new ImClient();
  const b = new ImClient();
  // The watchdog is unref'd: it must not be what keeps the process alive.
  const watchdog = setTimeout(() => {
    console.error('[example] FAILED: timed out after 20 s');
    a.destroy();
    b.destroy();
    process.exit(2);
  }, TIMEOUT_MS);
  watchdog.unref();
  try {
    // Custom message types are registered once per process, before connecting.
    ImClient.registerMessageType('PollMessage', 'js:poll', { isCounted: true, isPersited: true }, ['question']);
    a.init(appKey, { navi, dbPath: path.join(dbDir, 'a') });
    b.init(appKey, { navi, dbPath: path.join(dbDir, 'b') });
    log('initialised clients A and B');

    const text = `hello ${userB}, it is ${new Date().toISOString()}`;
    let resolveReceived;
    const received = new Promise((resolve) => { resolveReceived = resolve; });
    a.setListener((event) => {
      if (event.type === 'connectionStatus') log(`A status ${event.status} (code ${event.code})`);
    });
    b.setListener((event) => {
      if (event.type === 'connectionStatus') log(`B status ${event.status} (code ${event.code})`);
      if (event.type === 'message' && event.message.content.content === text) resolveReceived(event.message);
    });

    log(`A connected as ${await a.connect(tokenA)}`);
    log(`B connected as ${await b.connect(tokenB)}`);

    const sent = await a.sendMessage(PRIVATE, userB, { objectName: 'RC:TxtMsg', content: { content: text } });
    log(`A sent ${sent.messageUId} to ${userB}`);

    const message = await received;
    log(`B's listener got ${message.messageUId} from ${message.senderUserId}: "${message.content.content}"`);
    if (message.senderUserId !== userA || message.messageUId !== sent.messageUId) {
      throw new Error('the received message does not match the sent one');
    }

    const history = await b.getHistoryMessages(PRIVATE, userA, 0, 20, 0);
    if (!history.list.some((m) => m.messageUId === sent.messageUId)) {
      throw new Error("the message is missing from B's local history");
    }
    log(`B's history with ${userA} holds it (${history.list.length} message(s))`);

    const poll = await a.sendMessage(PRIVATE, userB, { messageType: 'PollMessage', content: { question: 'Lunch?' } });
    let polls = [];
    for (let tries = 0; polls.length === 0 && tries < 100; tries += 1) {
      polls = (await b.getHistoryMessages(PRIVATE, userA, 0, 20, 0, 'js:poll')).list;
      if (polls.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (polls.length !== 1 || polls[0].messageUId !== poll.messageUId || polls[0].messageType !== 'PollMessage') {
      throw new Error("the PollMessage is missing from B's history of that type");
    }
    log(`A sent a registered PollMessage; B's history of type js:poll holds it`);
    log('OK');
    return 0;
  } catch (e) {
    console.error(`[example] FAILED: ${e.message}${e.code !== undefined ? ` (code ${e.code})` : ''}`);
    return 1;
  } finally {
    a.destroy();
    b.destroy();
    clearTimeout(watchdog);
    log('destroyed both clients');
  }
}

main(process.argv.slice(2)).then((code) => {
  // No process.exit(): the process ends by itself, proving nothing keeps the loop alive.
  process.exitCode = code;
});
