'use strict';
// Next-edit suggestions: how an edit is offered (inline at the cursor, a code action and
// a CodeLens elsewhere), and the providers registered when switchboard.nextEdit.enabled
// is set.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const register = require('./stub/register');
register.stub('vscode-languageclient/node', path.join(__dirname, 'stub', 'languageclient.js'));
const vscode = require('vscode');
const lc = require('vscode-languageclient/node');
const logic = require('../out/nextEditLogic');
const { registerNextEdit } = require('../out/nextEdit');

const edit = (line, s, e, text) => ({
  range: { start: { line, character: s }, end: { line, character: e } }, text,
  textDocument: { uri: 'file:///a.py', version: 3 },
  command: { title: 'Accept', command: 'switchboard.acceptNextEdit', arguments: ['att-1', 'file:///a.py', 'fast'] },
});

test('parseEdits keeps well-formed edits and reads anything else as none', () => {
  assert.deepStrictEqual(logic.parseEdits(null), []);
  assert.deepStrictEqual(logic.parseEdits({ edits: 'x' }), []);
  assert.deepStrictEqual(logic.parseEdits({ edits: [{ text: 'a' }, edit(1, 0, 1, 'b')] }), [edit(1, 0, 1, 'b')]);
});

test('an edit at or after the cursor on its line is an inline completion from the cursor', () => {
  const line = '    return h + a';
  assert.deepStrictEqual(logic.asInlineCompletion(line, { line: 4, character: 4 }, edit(4, 11, 12, 'height')),
    { insertText: 'return height', range: { start: { line: 4, character: 4 }, end: { line: 4, character: 12 } } });
  assert.strictEqual(logic.asInlineCompletion(line, { line: 4, character: 13 }, edit(4, 11, 12, 'height')), undefined);
  assert.strictEqual(logic.asInlineCompletion(line, { line: 3, character: 0 }, edit(4, 11, 12, 'height')), undefined);
});

test('lenses go to every edit but the one shown inline at the cursor', () => {
  const edits = [edit(4, 11, 12, 'height'), edit(6, 0, 1, 'x')];
  const line = '    return h + a';
  assert.deepStrictEqual(logic.lensEdits(edits, line, { line: 4, character: 4 }), [edits[1]]);
  assert.deepStrictEqual(logic.lensEdits(edits, line, { line: 0, character: 0 }), edits);
  assert.deepStrictEqual(logic.lensEdits([], line, { line: 0, character: 0 }), []);
});

test('a lens title names the model from the accept command', () => {
  assert.strictEqual(logic.lensTitle('h', edit(4, 11, 12, 'height')), 'Apply next edit (fast): h → height');
  const anonymous = { ...edit(4, 11, 11, 'x'), command: undefined };
  assert.strictEqual(logic.lensTitle('', anonymous), 'Apply next edit: insert x');
  assert.strictEqual(logic.editModel(anonymous), undefined);
});

test('code actions offer the last answer\'s edits on the asked lines', async () => {
  const answers = [{ edits: [edit(2, 12, 13, 'height'), edit(3, 10, 11, 'height')] }];
  const client = { sent: [], async sendRequest(method, params) { this.sent.push({ method, params }); return answers.shift() || { edits: [] }; } };
  vscode.recorded.providers.inline.length = 0;
  vscode.recorded.providers.codeActions.length = 0;
  registerNextEdit(client);
  const [inline] = vscode.recorded.providers.inline;
  const [actions] = vscode.recorded.providers.codeActions;
  const lines = ['def area(width, height):', '', '    a = width * h', '    print(h)'];
  const doc = { uri: { toString: () => 'file:///a.py' }, version: 3,
    lineAt: (n) => ({ text: lines[n] }), getText: () => 'h' };
  // the cursor is on line 0: the edit is elsewhere, so no inline item, but it is remembered
  const items = await inline.provideInlineCompletionItems(doc, { line: 0, character: 24 }, {}, undefined);
  assert.deepStrictEqual(items, []);
  assert.deepStrictEqual(client.sent[0], { method: 'textDocument/copilotInlineEdit', params: {
    textDocument: { uri: 'file:///a.py', version: 3 }, position: { line: 0, character: 24 } } });
  const offered = actions.provideCodeActions(doc, { start: { line: 2 }, end: { line: 2 } });
  assert.strictEqual(offered.length, 1);
  assert.strictEqual(offered[0].title, 'AI: Apply next edit: h → height');
  assert.deepStrictEqual(offered[0].edit.replaced[0].text, 'height');
  assert.strictEqual(offered[0].command.command, 'switchboard.acceptNextEdit');
  // a newer document version: the answer is stale, nothing offered
  assert.deepStrictEqual(actions.provideCodeActions({ ...doc, version: 4 }, { start: { line: 2 }, end: { line: 2 } }), []);
  // at the cursor: an inline item carrying the accept command
  const at = await inline.provideInlineCompletionItems(doc, { line: 2, character: 4 }, {}, undefined);
  assert.strictEqual(at.length, 0);   // the second answer is empty
});

test('activate registers the providers only with switchboard.nextEdit.enabled', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-'));
  const bin = path.join(dir, 'switchboard');
  fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 });
  const ext = require('../out/extension');
  vscode.recorded.config['switchboard.path'] = bin;
  vscode.recorded.providers.inline.length = 0;
  vscode.recorded.providers.codeActions.length = 0;
  vscode.recorded.providers.codeLenses.length = 0;
  vscode.recorded.config['switchboard.nextEdit.enabled'] = false;
  await ext.activate({ subscriptions: [] });
  assert.strictEqual(vscode.recorded.providers.inline.length, 0);
  await ext.deactivate();
  vscode.recorded.config['switchboard.nextEdit.enabled'] = true;
  await ext.activate({ subscriptions: [] });
  assert.strictEqual(vscode.recorded.providers.inline.length, 1);
  assert.strictEqual(vscode.recorded.providers.codeActions.length, 1);
  assert.strictEqual(vscode.recorded.providers.codeLenses.length, 1);
  await ext.deactivate();
  lc.instances.length = 0;
});

test('a CodeLens above each edit elsewhere applies it and records the acceptance; it goes on change', async () => {
  const answers = [{ edits: [edit(2, 12, 13, 'height'), edit(3, 10, 11, 'height')] }];
  const client = { async sendRequest() { return answers.shift() || { edits: [] }; } };
  vscode.recorded.providers.inline.length = 0;
  vscode.recorded.providers.codeLenses.length = 0;
  vscode.recorded.applied.length = 0;
  vscode.recorded.executed.length = 0;
  vscode.recorded.docListeners.length = 0;
  registerNextEdit(client);
  const [inline] = vscode.recorded.providers.inline;
  const [lenses] = vscode.recorded.providers.codeLenses;
  assert.ok(lenses, 'a CodeLensProvider is registered');
  let changed = 0;
  lenses.onDidChangeCodeLenses(() => { changed++; });
  const lines = ['def area(width, height):', '', '    a = width * h', '    print(h)'];
  const uri = { toString: () => 'file:///a.py' };
  const doc = { uri, version: 3, lineAt: (n) => ({ text: lines[n] }), getText: () => 'h' };
  vscode.workspace.textDocuments.length = 0;
  vscode.workspace.textDocuments.push(doc);
  assert.deepStrictEqual(lenses.provideCodeLenses(doc), [], 'no answer yet');
  // the cursor on line 2 before the edit: the first edit is inline, the second a lens
  const items = await inline.provideInlineCompletionItems(doc, { line: 2, character: 8 }, {}, undefined);
  assert.strictEqual(items.length, 1);
  assert.strictEqual(changed, 1, 'a new answer refreshes the lenses');
  const shown = lenses.provideCodeLenses(doc);
  assert.strictEqual(shown.length, 1);
  assert.deepStrictEqual(shown[0].range.start, { line: 3, character: 0 });
  assert.strictEqual(shown[0].command.title, 'Apply next edit (fast): h → height');
  assert.strictEqual(shown[0].command.command, 'switchboard.applyNextEdit');
  // clicking it: the edit applied, then the accept command run with its arguments
  const apply = vscode.recorded.commands[shown[0].command.command];
  assert.strictEqual(await apply(...shown[0].command.arguments), true);
  assert.strictEqual(vscode.recorded.applied.length, 1);
  const replaced = vscode.recorded.applied[0].replaced[0];
  assert.strictEqual(replaced.text, 'height');
  assert.deepStrictEqual(replaced.range.start, { line: 3, character: 10 });
  assert.deepStrictEqual(vscode.recorded.executed, [['switchboard.acceptNextEdit', 'att-1', 'file:///a.py', 'fast']]);
  // the document changed (the applied edit, or typing): the lenses go, and a stale
  // click applies nothing
  const newer = { ...doc, version: 4 };
  vscode.workspace.textDocuments[0] = newer;
  for (const fn of vscode.recorded.docListeners) fn({ document: newer });
  assert.strictEqual(changed, 2);
  assert.deepStrictEqual(lenses.provideCodeLenses(newer), []);
  assert.strictEqual(await apply(...shown[0].command.arguments), false);
  assert.strictEqual(vscode.recorded.applied.length, 1);
});
