'use strict';
// The extension's launch options start the real binary, which answers initialize over stdio.
const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const { spawn } = require('child_process');
const { buildLaunchOptions, resolveServerPath } = require('../out/launch');
const { connect } = require('./lsp_process');

const BIN = process.env.SWITCHBOARD_BIN || path.resolve(__dirname, '../../../switchboard');

test('launch options start the real server and it answers initialize', { timeout: 15000 }, async (t) => {
  const command = resolveServerPath(BIN);
  assert.ok(command, `server binary not found at ${BIN}`);
  const opts = buildLaunchOptions(command, { logLevel: 'error' });
  // vscode-languageclient appends --stdio for the stdio transport.
  const child = spawn(opts.command, [...opts.args, '--stdio'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, SWITCHBOARD_NO_PROBE_LOCAL: '1', XDG_STATE_HOME: require('os').tmpdir() },
  });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  const lsp = connect(child);
  const response = lsp.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  const msg = await response;
  assert.ok(msg.result && msg.result.capabilities, 'initialize result has capabilities');
  assert.strictEqual(msg.result.serverInfo.name, 'switchboard');
  assert.strictEqual(await lsp.close(), 0);
});
