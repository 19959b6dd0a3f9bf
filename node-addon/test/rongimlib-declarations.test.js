'use strict';
// rongimlib.d.ts (hand-written) declares every runtime export of the RongIMLib namespace, every
// RongIMClient static, every instance method, and the enums with their runtime numbers.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const RongIMLib = require('../rongimlib');

const dts = fs.readFileSync(path.join(__dirname, '..', 'rongimlib.d.ts'), 'utf8');

/** The member names of `export interface name { … }`. */
function members(name) {
  const body = dts.split(`export interface ${name} {`)[1].split('\n}\n')[0];
  return [...body.matchAll(/^ {2}(?:readonly )?(\w+)[(:?]/gm)].map((m) => m[1]).sort();
}

test('every export of the namespace is declared', () => {
  const declared = [...dts.matchAll(/^export declare (?:const|class|function) (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(declared, Object.keys(RongIMLib).sort());
});

test('every RongIMClient static and instance method is declared', () => {
  assert.deepEqual(members('RongIMClientStatic'), Object.keys(RongIMLib.RongIMClient).sort());
  assert.deepEqual(members('RongIMClientInstance'), Object.keys(RongIMLib.RongIMClient.getInstance()).sort());
});

test('the declared enums have the runtime numbers', () => {
  for (const [, name, body] of dts.matchAll(/^export declare const (\w+): Readonly<\{([^}]*)\}>/gm)) {
    const declared = Object.fromEntries([...body.matchAll(/(\w+): (\d+)/g)].map(([, k, v]) => [k, Number(v)]));
    assert.deepEqual(declared, { ...RongIMLib[name] }, name);
  }
});

test('the package exports RongIMLib and its declarations', () => {
  const pkg = require('../package.json');
  assert.equal(require('..').RongIMLib, RongIMLib);
  assert.deepEqual(pkg.exports['./rongimlib'], { types: './rongimlib.d.ts', default: './rongimlib.js' });
});

test('a sample using the seed API type-checks against rongimlib.d.ts (tsc of the lock)', { timeout: 60_000 }, () => {
  const { execFileSync } = require('node:child_process');
  const tsc = path.join(__dirname, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--lib', 'es2022', '--target', 'es2022', '--module', 'nodenext',
    path.join(__dirname, 'fixtures', 'rongimlib-usage.ts')], { stdio: 'pipe' });
});
