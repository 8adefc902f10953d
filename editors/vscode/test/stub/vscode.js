// A minimal stand-in for the 'vscode' module: records what the extension does.
'use strict';
const recorded = { commands: {}, statusItems: [], errors: [], infos: [], config: {}, inlineProviders: [] };

class ThemeColor { constructor(id) { this.id = id; } }
const StatusBarAlignment = { Left: 1, Right: 2 };

function createStatusBarItem(alignment, priority) {
  const item = { alignment, priority, text: '', tooltip: '', shown: false,
    show() { this.shown = true; }, hide() { this.shown = false; }, dispose() {} };
  recorded.statusItems.push(item);
  return item;
}

recorded.providers = { inline: [], codeActions: [] };

class Range {
  constructor(sl, sc, el, ec) { this.start = { line: sl, character: sc }; this.end = { line: el, character: ec }; }
}
class InlineCompletionItem { constructor(insertText, range) { this.insertText = insertText; this.range = range; } }
class CodeAction { constructor(title, kind) { this.title = title; this.kind = kind; } }
const CodeActionKind = { QuickFix: 'quickfix' };
class WorkspaceEdit {
  constructor() { this.replaced = []; }
  replace(uri, range, text) { this.replaced.push({ uri, range, text }); }
}

module.exports = {
  recorded,
  Range,
  InlineCompletionItem,
  CodeAction,
  CodeActionKind,
  WorkspaceEdit,
  ThemeColor,
  StatusBarAlignment,
  window: {
    createStatusBarItem,
    showErrorMessage: (m) => { recorded.errors.push(m); return Promise.resolve(); },
    showInformationMessage: (m) => { recorded.infos.push(m); return Promise.resolve(); },
    showQuickPick: async (items) => items[0],
    showTextDocument: async () => ({}),
    activeTextEditor: undefined,
  },
  languages: {
    registerInlineCompletionItemProvider: (selector, provider) => {
      recorded.inlineProviders.push(provider);
      recorded.providers.inline.push(provider);
      return { dispose() {} };
    },
    registerCodeActionsProvider: (selector, provider) => {
      recorded.providers.codeActions.push(provider); return { dispose() {} };
    },
  },
  commands: {
    registerCommand: (id, fn) => { recorded.commands[id] = fn; return { dispose() {} }; },
  },
  workspace: {
    getConfiguration: (section) => ({ get: (key) => recorded.config[`${section}.${key}`] }),
    openTextDocument: async (o) => o,
  },
};
