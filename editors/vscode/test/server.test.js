'use strict';
// The extension's launch options start the real binary, which answers initialize over stdio.
const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const { spawn } = require('child_process');
const { buildLaunchOptions, resolveServerPath } = require('../out/launch');

const BIN = process.env.SWITCHBOARD_BIN || path.resolve(__dirname, '../../../switchboard');

function frame(obj) {
  const body = Buffer.from(JSON.stringify(obj), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
}

test('launch options start the real server and it answers initialize', { timeout: 15000 }, async (t) => {
  const command = resolveServerPath(BIN);
  assert.ok(command, `server binary not found at ${BIN}`);
  const opts = buildLaunchOptions(command, { logLevel: 'error' });
  // vscode-languageclient appends --stdio for the stdio transport.
  const child = spawn(opts.command, [...opts.args, '--stdio'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, SWITCHBOARD_NO_PROBE_LOCAL: '1', XDG_STATE_HOME: require('os').tmpdir() },
  });
  let buf = Buffer.alloc(0);
  // Messages in order; notifications (e.g. window/showMessage) may come before the response.
  const response = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const m = /Content-Length: (\d+)\r\n\r\n/i.exec(buf.toString('latin1'));
        if (!m) return;
        const start = m.index + m[0].length;
        const len = Number(m[1]);
        if (buf.length < start + len) return;
        const msg = JSON.parse(buf.subarray(start, start + len).toString('utf8'));
        buf = buf.subarray(start + len);
        if (msg.id === 1) resolve(msg);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  child.stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } }));
  const msg = await response;
  assert.strictEqual(msg.id, 1);
  assert.ok(msg.result && msg.result.capabilities, 'initialize result has capabilities');
  assert.strictEqual(msg.result.serverInfo.name, 'switchboard');
  child.stdin.write(frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }));
  child.stdin.write(frame({ jsonrpc: '2.0', method: 'exit' }));
  const code = await new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode); else child.on('exit', resolve);
  });
  assert.strictEqual(code, 0);
});
