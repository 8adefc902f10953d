// Stand-in for vscode-languageclient/node: records construction and start.
'use strict';
const instances = [];
class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, started: false, handlers: {}, requests: [] });
    instances.push(this);
  }
  onNotification(method, fn) { this.handlers[method] = fn; }
  async start() { this.started = true; }
  async stop() { this.started = false; }
  async restart() { this.restarted = true; }
  async sendRequest(method, params) { this.requests.push({ method, params }); return { text: 'ok' }; }
  dispose() {}
}
module.exports = { LanguageClient, instances, TransportKind: { stdio: 0 } };
