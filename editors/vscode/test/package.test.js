'use strict';
// What `make vsix` packages: the compiled extension and its runtime dependency
// (vscode-languageclient), not the sources, tests or build tools.
const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const { execFileSync } = require('child_process');

test('the packaged extension carries vscode-languageclient and no tests', { timeout: 60000 }, () => {
  const vsce = path.join(__dirname, '..', 'node_modules', '.bin', 'vsce');
  const files = execFileSync(vsce, ['ls'], {
    cwd: path.join(__dirname, '..'), encoding: 'utf8',
  }).split('\n').map((l) => l.trim()).filter(Boolean);
  assert.ok(files.includes('out/extension.js'), 'compiled extension');
  assert.ok(files.includes('node_modules/vscode-languageclient/package.json'), 'runtime dependency');
  assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('src/')), 'no tests or sources');
  assert.ok(!files.some((f) => f.startsWith('node_modules/typescript/')), 'no build tools');
  // `vsce package --no-dependencies` would drop the runtime dependency listed above.
  const pkg = require('../package.json');
  assert.ok(!/--no-dependencies/.test(pkg.scripts.package), 'make vsix keeps dependencies');
});
