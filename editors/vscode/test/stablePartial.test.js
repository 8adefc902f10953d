'use strict';
// Stable VS Code never calls the signal methods of src/signals.ts (they need the
// proposed inlineCompletionsAdditions API): accepting a word of a suggestion only edits
// the document. The real server, answering from the fake model server, must still
// write the partial accept to the ledger, read from that edit ("inferred": true).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { addSignals } = require('../out/signals');
const { connect } = require('./lsp_process');

const ROOT = path.resolve(__dirname, '../../..');
const BIN = process.env.SWITCHBOARD_BIN || path.join(ROOT, 'switchboard');
const KEY_ENV = 'SB_TEST_FAKE_KEY';

function startFakeModel(t, dir) {
  const cfg = path.join(dir, 'fake.json');
  fs.writeFileSync(cfg, JSON.stringify({ default: { text: 'value + 1', token_size: 4 } }));
  const child = spawn('python3', [path.join(ROOT, 'tests/fake_server/fake_model_server.py'),
    '--port', '0', '--port-file', path.join(dir, 'port'), '--config', cfg], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { if (child.exitCode === null) child.kill('SIGTERM'); });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n');
      if (line.length > 1) resolve(Number(line[0]));
    });
    child.on('exit', (code) => reject(new Error(`fake model server exited with ${code}`)));
  });
}

function ledgerLines(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

async function waitLine(file, pred) {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const found = ledgerLines(file).find(pred);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`no such ledger line in ${JSON.stringify(ledgerLines(file))}`);
}

test('stable VS Code: accepting a word reaches the ledger as an inferred partial accept', { timeout: 30000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vscode-partial-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const port = await startFakeModel(t, dir);
  const ledger = path.join(dir, 'ledger.jsonl');
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify({
    providers: { fake: { kind: 'openai-completions', base_url: `http://127.0.0.1:${port}`, api_key_env: KEY_ENV } },
    models: { fast: { provider: 'fake', model: 'model-fast', price: { input: 1.0, output: 2.0 } } },
    routes: [{ when: {}, targets: ['fast'] }],
    inline: { debounce_ms: 0, candidates: 1, snippets: false },
    ledger: { path: ledger },
  }));
  const child = spawn(BIN, ['--stdio', '--config', config], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, [KEY_ENV]: 'test-key-not-real-0001', XDG_STATE_HOME: dir, XDG_CONFIG_HOME: dir,
      SWITCHBOARD_NO_PROBE_LOCAL: '1' },
  });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  const lsp = connect(child);
  // What vscode-languageclient announces on stable VS Code: inline completion, no more.
  const init = await lsp.request('initialize', { processId: process.pid, rootUri: null,
    capabilities: { textDocument: { inlineCompletion: {} } } });
  assert.ok(init.result.capabilities.inlineCompletionProvider);
  lsp.notify('initialized', {});

  const uri = 'file:///tmp/sb-vscode-ws/partial.py';
  lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: '# partial\nx = ' } });
  const answer = await lsp.request('textDocument/inlineCompletion', { textDocument: { uri },
    position: { line: 1, character: 4 }, context: { triggerKind: 1 } });
  const item = answer.result.items[0];
  assert.strictEqual(item.insertText, 'value + 1');
  const aid = item.command.arguments[0];

  // The extension's provider on stable VS Code: the signal methods exist but VS Code
  // never calls them, so the extension sends nothing.
  const sent = [];
  addSignals({}, (c, a) => sent.push([c, ...a]));
  // Ctrl+Right (accept word) inserts "value": a plain edit, sent as didChange.
  lsp.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [
    { range: { start: { line: 1, character: 4 }, end: { line: 1, character: 4 } }, text: 'value' }] });
  const partial = await waitLine(ledger, (o) => o.signal === 'partial' && o.attempt_id === aid);
  assert.strictEqual(partial.chars, 5);
  assert.strictEqual(partial.inferred, true);
  assert.deepStrictEqual(sent, []);
  assert.strictEqual(await lsp.close(), 0);
});
