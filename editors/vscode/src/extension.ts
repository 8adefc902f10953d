// The VS Code side of switchboard: launches the binary over stdio with
// vscode-languageclient 11 (inline completions come through the client), passes
// switchboard.* settings as initializationOptions and on change, shows a status bar
// item fed by switchboard/status (a click turns inline suggestions off and on), adds
// its commands, and reports what became of inline suggestions (signals.ts). The
// server's own command ids (switchboard.pin, ...) are registered by the language
// client, so the editor commands use other names.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { buildLaunchOptions, resolveServerPath, settingsToInitOptions } from './launch';
import { formatCheck, runCheck } from './check';
import { registerNextEdit } from './nextEdit';
import { formatStatus, StatusPayload } from './status';
import { pinChoices, RouteExplanation } from './pin';
import { addSignals, Send } from './signals';

const TASKS = ['inline', 'refactor', 'fix', 'docs', 'tests', 'review', 'explain', 'architecture', 'next_edit'];

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem | undefined;

function settings(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('switchboard');
  const keys = ['path', 'configFile', 'logLevel', 'inline', 'routes', 'budgets', 'preset'];
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = cfg.get(key);
  return out;
}

export async function startClient(context: vscode.ExtensionContext): Promise<LanguageClient | undefined> {
  const s = settings();
  const command = resolveServerPath(s.path as string | undefined);
  if (!command) {
    void vscode.window.showErrorMessage(
      'switchboard: binary not found. Build it with `make` and put it on PATH, or set "switchboard.path".');
    return undefined;
  }
  const serverOptions: ServerOptions = buildLaunchOptions(command, s);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    initializationOptions: settingsToInitOptions(s),
    synchronize: { configurationSection: 'switchboard' },
    outputChannelName: 'switchboard',
  };
  const c = new LanguageClient('switchboard', 'switchboard', serverOptions, clientOptions);
  c.onNotification('switchboard/status', (payload: StatusPayload) => updateStatus(payload));
  installInlineSignals((command, args) => {
    if (client) void client.sendRequest('workspace/executeCommand', { command, arguments: args }).catch(() => undefined);
  });
  await c.start();
  context.subscriptions.push(c);
  if (vscode.workspace.getConfiguration('switchboard').get('nextEdit.enabled'))
    context.subscriptions.push(...registerNextEdit(c));
  return c;
}

// vscode-languageclient registers its inline completion provider itself; the signal
// methods must be on it before VS Code sees it, so registration goes through here.
// (Each extension has its own vscode API object: this changes nothing for others.)
let signalsInstalled = false;
function installInlineSignals(send: Send): void {
  const languages = vscode.languages as unknown as Record<string, unknown>;
  const original = languages?.registerInlineCompletionItemProvider;
  if (signalsInstalled || typeof original !== 'function') return;
  try {
    languages.registerInlineCompletionItemProvider = (selector: unknown, provider: object) =>
      (original as (s: unknown, p: object) => vscode.Disposable).call(vscode.languages, selector,
        addSignals(provider, send));
    signalsInstalled = true;
  } catch {
    // A frozen API object: no signals, everything else as before.
  }
}

function updateStatus(payload: StatusPayload | undefined): void {
  if (!statusItem) return;
  const view = formatStatus(payload);
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
  statusItem.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  statusItem.show();
}

async function execute(command: string, args: unknown[] = []): Promise<unknown> {
  if (!client) throw new Error('switchboard is not running');
  return client.sendRequest('workspace/executeCommand', { command, arguments: args });
}

async function showText(title: string, result: unknown): Promise<void> {
  const text = typeof result === 'string' ? result
    : (result && typeof (result as { text?: unknown }).text === 'string') ? (result as { text: string }).text
    : JSON.stringify(result, null, 2);
  const doc = await vscode.workspace.openTextDocument({ content: `# ${title}\n\n${text}\n`, language: 'markdown' });
  await vscode.window.showTextDocument(doc, { preview: true });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  statusItem.command = 'switchboard.toggleInlineSuggestions';
  context.subscriptions.push(statusItem);
  updateStatus(undefined);

  context.subscriptions.push(
    vscode.commands.registerCommand('switchboard.showStats', async () =>
      showText('switchboard stats', await execute('switchboard.stats', [{ format: 'text' }]))),
    vscode.commands.registerCommand('switchboard.showRoute', async () => {
      const task = await vscode.window.showQuickPick(TASKS, { placeHolder: 'Task kind to explain' });
      if (!task) return;
      const editor = vscode.window.activeTextEditor;
      await showText(`route for ${task}`, await execute('switchboard.explainRoute', [{
        task, uri: editor?.document.uri.toString(), language: editor?.document.languageId,
      }]));
    }),
    vscode.commands.registerCommand('switchboard.check', async () => {
      const s = settings();
      const command = resolveServerPath(s.path as string | undefined);
      if (!command) {
        void vscode.window.showErrorMessage('switchboard: binary not found; set "switchboard.path".');
        return;
      }
      const doc = await runCheck(command, s.configFile as string | undefined);
      await showText('switchboard check', formatCheck(doc));
      if (!doc.valid) void vscode.window.showErrorMessage('switchboard: the configuration is invalid');
    }),
    vscode.commands.registerCommand('switchboard.pinModel', async () => {
      const task = await vscode.window.showQuickPick(TASKS, { placeHolder: 'Task to pin a model for' });
      if (!task) return;
      const editor = vscode.window.activeTextEditor;
      const route = await execute('switchboard.explainRoute', [{
        task, uri: editor?.document.uri.toString(), language: editor?.document.languageId,
      }]) as RouteExplanation;
      const choice = await vscode.window.showQuickPick(pinChoices(route),
        { placeHolder: `Model for ${task} (until unpinned or reload; budgets still apply)` });
      if (!choice) return;
      await execute('switchboard.pin', [{ task, model: choice.model }]);
      void vscode.window.showInformationMessage(`switchboard: ${task} pinned to ${choice.model}`);
    }),
    vscode.commands.registerCommand('switchboard.unpinModel', async () => {
      const task = await vscode.window.showQuickPick(TASKS, { placeHolder: 'Task to unpin' });
      if (!task) return;
      await execute('switchboard.pin', [{ task, model: null }]);
      void vscode.window.showInformationMessage(`switchboard: ${task} follows the routing rules again`);
    }),
    vscode.commands.registerCommand('switchboard.toggleInlineSuggestions', async () => {
      const result = await execute('switchboard.toggleInline', [{}]) as { enabled?: boolean } | undefined;
      void vscode.window.showInformationMessage(
        `switchboard: inline suggestions ${result?.enabled === false ? 'off' : 'on'}`);
    }),
    vscode.commands.registerCommand('switchboard.reload', async () => {
      await execute('switchboard.reloadConfig');
      void vscode.window.showInformationMessage('switchboard: configuration reloaded');
    }),
    vscode.commands.registerCommand('switchboard.restart', async () => {
      if (client) await client.restart();
      else client = await startClient(context);
    }),
  );
  client = await startClient(context);
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
