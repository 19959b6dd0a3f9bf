'use strict';
// The committed index.d.ts must be what `napi build` generates from the Rust source now.
// Regenerates the declarations into a temporary directory (a no-op cargo build after
// `npm run build`) and compares them with the version in git's index (= HEAD on a fresh
// clone), or with the working-tree file outside a git checkout.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');

function committedDeclarations() {
  try {
    return execFileSync('git', ['show', ':./index.d.ts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return fs.readFileSync(path.join(root, 'index.d.ts'), 'utf8');
  }
}

test('index.d.ts is up to date with the Rust source', { timeout: 900_000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'imcore-dts-'));
  try {
    const napi = path.join(root, 'node_modules', '.bin', 'napi');
    execFileSync(napi, ['build', '--platform', '--release', '--output-dir', out],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const generated = fs.readFileSync(path.join(out, 'index.d.ts'), 'utf8');
    assert.equal(committedDeclarations(), generated,
      'index.d.ts is stale: run `npm run build` and commit node-addon/index.d.ts');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
