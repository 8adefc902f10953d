'use strict';
// A minimal LSP connection over a child process's stdio, for tests that drive the real
// server: Content-Length framing both ways, requests matched to responses by id.

function frame(obj) {
  const body = Buffer.from(JSON.stringify(obj), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
}

function connect(child) {
  let buf = Buffer.alloc(0);
  let nextId = 1;
  const waiting = new Map();
  let exited = null;
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
      // Responses only; notifications (window/showMessage, status) are not needed here.
      if (msg.id !== undefined && msg.method === undefined && waiting.has(msg.id)) {
        waiting.get(msg.id).resolve(msg);
        waiting.delete(msg.id);
      }
    }
  });
  child.on('exit', (code) => {
    exited = code;
    for (const w of waiting.values()) w.reject(new Error(`server exited with ${code}`));
    waiting.clear();
  });
  return {
    notify(method, params) { child.stdin.write(frame({ jsonrpc: '2.0', method, params })); },
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (exited !== null) { reject(new Error(`server exited with ${exited}`)); return; }
        waiting.set(id, { resolve, reject });
        child.stdin.write(frame({ jsonrpc: '2.0', id, method, params }));
      });
    },
    // shutdown + exit; resolves with the exit code.
    async close() {
      await this.request('shutdown');
      this.notify('exit');
      return new Promise((resolve) => {
        if (child.exitCode !== null) resolve(child.exitCode); else child.on('exit', resolve);
      });
    },
  };
}

module.exports = { connect };
