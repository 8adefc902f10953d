// Next-edit suggestions in VS Code (setting switchboard.nextEdit.enabled): asks the
// server's textDocument/copilotInlineEdit when VS Code asks for inline completions,
// shows an edit at or after the cursor on its line as an inline suggestion, and offers
// the last answer's other edits as "Apply next edit" code actions on their lines and as
// a CodeLens above each of them (gone once the document changes: the answer no longer
// applies). The edit's command (switchboard.acceptNextEdit) is the one
// vscode-languageclient registered for the server, so running it records the
// acceptance; a lens runs APPLY_COMMAND, which applies the edit and then runs it.
import * as vscode from 'vscode';
import { actionTitle, asInlineCompletion, editsOnLines, lensEdits, lensTitle, NextEdit, parseEdits }
  from './nextEditLogic';

/** The client-side command a lens runs: [uri, version, edit]. Not a server command id. */
export const APPLY_COMMAND = 'switchboard.applyNextEdit';

export interface NextEditClient {
  sendRequest(method: string, params: unknown, token?: vscode.CancellationToken): Promise<unknown>;
}

interface LastAnswer { uri: string; version: number; edits: NextEdit[]; lensed: NextEdit[] }

function toRange(edit: NextEdit): vscode.Range {
  return new vscode.Range(edit.range.start.line, edit.range.start.character,
                          edit.range.end.line, edit.range.end.character);
}

export function registerNextEdit(client: NextEditClient): vscode.Disposable[] {
  let last: LastAnswer | undefined;
  const lensesChanged = new vscode.EventEmitter<void>();

  const current = (doc: vscode.TextDocument) =>
    !!last && last.uri === doc.uri.toString() && last.version === doc.version;

  async function ask(doc: vscode.TextDocument, pos: vscode.Position,
                     token?: vscode.CancellationToken): Promise<NextEdit[]> {
    const result = await client.sendRequest('textDocument/copilotInlineEdit', {
      textDocument: { uri: doc.uri.toString(), version: doc.version },
      position: { line: pos.line, character: pos.character },
    }, token);
    const edits = parseEdits(result);
    const cursor = { line: pos.line, character: pos.character };
    last = { uri: doc.uri.toString(), version: doc.version, edits,
             lensed: lensEdits(edits, doc.lineAt(pos.line).text, cursor) };
    lensesChanged.fire();
    return edits;
  }

  const inline: vscode.InlineCompletionItemProvider = {
    async provideInlineCompletionItems(doc, pos, _context, token) {
      const edits = await ask(doc, pos, token);
      const edit = edits[0];
      const item = edit && asInlineCompletion(doc.lineAt(pos.line).text, pos, edit);
      if (!edit || !item) return [];
      const range = new vscode.Range(item.range.start.line, item.range.start.character,
                                     item.range.end.line, item.range.end.character);
      const out = new vscode.InlineCompletionItem(item.insertText, range);
      if (edit.command) out.command = edit.command;
      return [out];
    },
  };

  // From the last answer only: the lightbulb asks on every cursor move, and a model
  // call each time would cost more than the suggestion is worth.
  const actions: vscode.CodeActionProvider = {
    provideCodeActions(doc, range) {
      if (!last || !current(doc)) return [];
      return editsOnLines(last.edits, range.start.line, range.end.line).map((edit) => {
        const r = toRange(edit);
        const action = new vscode.CodeAction(actionTitle(doc.getText(r), edit), vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(doc.uri, r, edit.text);
        if (edit.command) action.command = edit.command;
        return action;
      });
    },
  };

  // Above each edit's line; from the last answer only, like the code actions.
  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    provideCodeLenses(doc) {
      if (!last || !current(doc)) return [];
      const answer = last;
      return answer.lensed.map((edit) => new vscode.CodeLens(
        new vscode.Range(edit.range.start.line, 0, edit.range.start.line, 0), {
          title: lensTitle(doc.getText(toRange(edit)), edit),
          command: APPLY_COMMAND,
          arguments: [answer.uri, answer.version, edit],
        }));
    },
  };

  // A lens clicked: the edit, if the document is still the one answered, then its
  // accept command (the server records the acceptance).
  async function apply(uri: string, version: number, edit: NextEdit): Promise<boolean> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (!doc || doc.version !== version) return false;
    const change = new vscode.WorkspaceEdit();
    change.replace(doc.uri, toRange(edit), edit.text);
    if (!(await vscode.workspace.applyEdit(change))) return false;
    if (edit.command) await vscode.commands.executeCommand(edit.command.command, ...(edit.command.arguments ?? []));
    return true;
  }

  // The answer no longer applies once its document changes: its lenses go.
  const changes = vscode.workspace.onDidChangeTextDocument((e) => {
    if (last && last.uri === e.document.uri.toString() && last.version !== e.document.version) {
      last = undefined;
      lensesChanged.fire();
    }
  });

  return [
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, inline),
    vscode.languages.registerCodeLensProvider({ pattern: '**' }, lenses),
    vscode.commands.registerCommand(APPLY_COMMAND, apply),
    changes,
    lensesChanged,
    vscode.languages.registerCodeActionsProvider({ pattern: '**' }, actions,
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  ];
}
