'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { resolveServerPath, buildLaunchOptions, settingsToInitOptions, findOnPath } = require('../out/launch');

test('resolveServerPath finds switchboard on PATH and honours an explicit path', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-'));
  const bin = path.join(dir, 'switchboard');
  fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 });
  assert.strictEqual(resolveServerPath('', `/nonexistent:${dir}`), bin);
  assert.strictEqual(resolveServerPath(bin, ''), bin);
  assert.strictEqual(resolveServerPath('', '/nonexistent'), undefined);
  fs.chmodSync(bin, 0o644);
  assert.strictEqual(findOnPath('switchboard', dir), undefined, 'non-executable files are not servers');
});

test('buildLaunchOptions passes config file and log level, stdio transport', () => {
  const o = buildLaunchOptions('/bin/sb', { configFile: '/c.json', logLevel: 'debug' });
  assert.deepStrictEqual(o, { command: '/bin/sb', args: ['--config', '/c.json', '--log-level', 'debug'], transport: 0 });
  assert.deepStrictEqual(buildLaunchOptions('/bin/sb', { logLevel: 'loud' }).args, []);
});

test('settingsToInitOptions keeps server settings and drops client-only and empty ones', () => {
  const init = settingsToInitOptions({
    path: '/x', configFile: '/c', logLevel: 'info', trace: { server: 'off' },
    inline: { debounce_ms: 80 }, routes: [], budgets: [{ scope: 'overall', daily_usd: 1 }], preset: '',
  });
  assert.deepStrictEqual(init, { inline: { debounce_ms: 80 }, budgets: [{ scope: 'overall', daily_usd: 1 }] });
});
