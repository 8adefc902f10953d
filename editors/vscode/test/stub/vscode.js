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

module.exports = {
  recorded,
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
      return { dispose() {} };
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
