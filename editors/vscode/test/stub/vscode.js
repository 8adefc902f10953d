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

recorded.providers = { inline: [], codeActions: [], codeLenses: [] };
recorded.applied = [];            // WorkspaceEdits given to workspace.applyEdit
recorded.executed = [];           // commands.executeCommand calls: [id, ...args]
recorded.docListeners = [];       // workspace.onDidChangeTextDocument listeners

class Range {
  constructor(sl, sc, el, ec) { this.start = { line: sl, character: sc }; this.end = { line: el, character: ec }; }
}
class InlineCompletionItem { constructor(insertText, range) { this.insertText = insertText; this.range = range; } }
class CodeAction { constructor(title, kind) { this.title = title; this.kind = kind; } }
const CodeActionKind = { QuickFix: 'quickfix' };
class CodeLens { constructor(range, command) { this.range = range; this.command = command; } }
class EventEmitter {
  constructor() { this.listeners = []; this.event = (fn) => { this.listeners.push(fn); return { dispose() {} }; }; }
  fire(e) { for (const fn of this.listeners) fn(e); }
  dispose() { this.listeners = []; }
}
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
  CodeLens,
  EventEmitter,
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
    registerCodeLensProvider: (selector, provider) => {
      recorded.providers.codeLenses.push(provider); return { dispose() {} };
    },
  },
  commands: {
    registerCommand: (id, fn) => { recorded.commands[id] = fn; return { dispose() {} }; },
    executeCommand: async (id, ...args) => { recorded.executed.push([id, ...args]); },
  },
  workspace: {
    getConfiguration: (section) => ({ get: (key) => recorded.config[`${section}.${key}`] }),
    openTextDocument: async (o) => o,
    textDocuments: [],
    applyEdit: async (edit) => { recorded.applied.push(edit); return true; },
    onDidChangeTextDocument: (fn) => { recorded.docListeners.push(fn); return { dispose() {} }; },
  },
};
