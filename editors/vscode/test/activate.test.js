'use strict';
// Activation under a stub vscode module and a stub language client.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const register = require('./stub/register');
register.stub('vscode-languageclient/node', path.join(__dirname, 'stub', 'languageclient.js'));
const vscode = require('vscode');
const lc = require('vscode-languageclient/node');
const ext = require('../out/extension');

test('activate starts the client with settings as initializationOptions and registers commands', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-'));
  const bin = path.join(dir, 'switchboard');
  fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 });
  vscode.recorded.config['switchboard.path'] = bin;
  vscode.recorded.config['switchboard.inline'] = { debounce_ms: 90 };
  vscode.recorded.config['switchboard.logLevel'] = 'debug';
  await ext.activate({ subscriptions: [] });
  assert.strictEqual(lc.instances.length, 1);
  const c = lc.instances[0];
  assert.ok(c.started);
  assert.strictEqual(c.serverOptions.command, bin);
  assert.deepStrictEqual(c.serverOptions.args, ['--log-level', 'debug']);
  assert.deepStrictEqual(c.clientOptions.initializationOptions, { inline: { debounce_ms: 90 } });
  assert.strictEqual(c.clientOptions.synchronize.configurationSection, 'switchboard');
  for (const id of ['switchboard.showStats', 'switchboard.showRoute', 'switchboard.check', 'switchboard.reload', 'switchboard.restart',
    'switchboard.pinModel', 'switchboard.unpinModel', 'switchboard.toggleInlineSuggestions'])
    assert.ok(vscode.recorded.commands[id], id);
  // A click on the status bar item turns inline suggestions off and on.
  assert.strictEqual(vscode.recorded.statusItems[0].command, 'switchboard.toggleInlineSuggestions');

  // The status bar follows switchboard/status.
  c.handlers['switchboard/status']({ model: 'fast', spend_today_usd: 0.5, in_flight: 0 });
  const item = vscode.recorded.statusItems[0];
  assert.match(item.text, /fast \$0\.5000/);

  // Commands go to the server as workspace/executeCommand.
  await vscode.recorded.commands['switchboard.reload']();
  assert.deepStrictEqual(c.requests.at(-1), { method: 'workspace/executeCommand', params: { command: 'switchboard.reloadConfig', arguments: [] } });
  await vscode.recorded.commands['switchboard.toggleInlineSuggestions']();
  assert.deepStrictEqual(c.requests.at(-1), { method: 'workspace/executeCommand', params: { command: 'switchboard.toggleInline', arguments: [{}] } });
  await vscode.recorded.commands['switchboard.unpinModel']();   // the stub picks the first task
  assert.deepStrictEqual(c.requests.at(-1), { method: 'workspace/executeCommand', params: { command: 'switchboard.pin', arguments: [{ task: 'inline', model: null }] } });
  // The inline provider the language client registers gets the signal methods, which
  // report to the server.
  vscode.languages.registerInlineCompletionItemProvider({ scheme: 'file' }, { provideInlineCompletionItems() {} });
  const provider = vscode.recorded.inlineProviders.at(-1);
  assert.strictEqual(typeof provider.handleDidShowCompletionItem, 'function');
  provider.handleDidShowCompletionItem({ insertText: 'x', command: { command: 'switchboard.accept', arguments: ['a-9'] } });
  assert.deepStrictEqual(c.requests.at(-1), { method: 'workspace/executeCommand', params: { command: 'switchboard.shown', arguments: ['a-9'] } });
  await ext.deactivate();
  assert.strictEqual(c.started, false);
});

test('activate reports a missing binary instead of failing silently', async () => {
  lc.instances.length = 0;
  vscode.recorded.config['switchboard.path'] = '/nonexistent/switchboard';
  await ext.activate({ subscriptions: [] });
  assert.strictEqual(lc.instances.length, 0);
  assert.match(vscode.recorded.errors.at(-1), /binary not found/);
});
