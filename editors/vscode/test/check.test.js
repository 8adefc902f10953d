'use strict';
// "switchboard: Check Configuration" reads `switchboard check --json`: against the real
// binary, and the formatting of each kind of finding.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { checkArgs, formatCheck, runCheck } = require('../out/check');

const BIN = process.env.SWITCHBOARD_BIN || path.resolve(__dirname, '../../../switchboard');

function writeConfig(doc) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-check-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

test('checkArgs passes the config file only when set', () => {
  assert.deepStrictEqual(checkArgs(''), ['check', '--json']);
  assert.deepStrictEqual(checkArgs(' /x.json '), ['check', '--json', '--config', '/x.json']);
});

test('runCheck reads a valid configuration from the real binary', { timeout: 15000 }, async () => {
  const file = writeConfig({
    providers: { p: { kind: 'anthropic', api_key_env: 'SB_VSCODE_UNSET_KEY' } },
    models: { m: { provider: 'p', model: 'x' } },
    routes: [{ targets: ['m'] }],
  });
  const doc = await runCheck(BIN, file);
  assert.strictEqual(doc.valid, true);
  assert.deepStrictEqual(doc.config, { path: file, source: '--config' });
  const text = formatCheck(doc);
  assert.match(text, /- p \(anthropic\) https:\/\/api\.anthropic\.com: key missing \(SB_VSCODE_UNSET_KEY\)/);
  assert.match(text, /- warning: `providers\.p\.api_key_env`: key missing: set SB_VSCODE_UNSET_KEY/);
  assert.match(text, /- routes\[0\] -> m \[fallback\]/);
});

test('runCheck resolves an invalid configuration with its error and path', { timeout: 15000 }, async () => {
  const file = writeConfig('{ "providers": { "p": { "kind": "no-such-kind" } } }');
  const doc = await runCheck(BIN, file);
  assert.strictEqual(doc.valid, false);
  const text = formatCheck(doc);
  assert.match(text, /The configuration is invalid/);
  assert.match(text, /- error: `providers\.p\.kind`: .*no-such-kind/);
});

test('runCheck rejects when the binary gives no document', { timeout: 15000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-check-'));
  const bin = path.join(dir, 'switchboard');
  fs.writeFileSync(bin, '#!/bin/sh\necho "not json"\nexit 2\n', { mode: 0o755 });
  await assert.rejects(runCheck(bin, ''), /check --json failed/);
});

test('formatCheck shows a reachable local server and a finding without path', () => {
  const text = formatCheck({
    valid: true, config: { path: null, source: 'defaults' },
    providers: [{ name: 'ollama', kind: 'ollama', base_url: 'http://127.0.0.1:11434',
      key: { needed: false, present: false, source: null }, local: true, reachable: true }],
    models: [], routes: [],
    findings: [{ severity: 'warning', path: null, message: 'advice' }],
  });
  assert.match(text, /Configuration: defaults \(defaults\)/);
  assert.match(text, /no key needed, server reachable/);
  assert.match(text, /^- warning: advice$/m);
});
