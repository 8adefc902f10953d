// Next-edit suggestions in VS Code (setting switchboard.nextEdit.enabled): asks the
// server's textDocument/copilotInlineEdit when VS Code asks for inline completions,
// shows an edit at or after the cursor on its line as an inline suggestion, and offers
// the last answer's other edits as "Apply next edit" code actions on their lines. The
// edit's command (switchboard.acceptNextEdit) is the one vscode-languageclient
// registered for the server, so running it records the acceptance.
import * as vscode from 'vscode';
import { actionTitle, asInlineCompletion, editsOnLines, NextEdit, parseEdits } from './nextEditLogic';

export interface NextEditClient {
  sendRequest(method: string, params: unknown, token?: vscode.CancellationToken): Promise<unknown>;
}

interface LastAnswer { uri: string; version: number; edits: NextEdit[] }

export function registerNextEdit(client: NextEditClient): vscode.Disposable[] {
  let last: LastAnswer | undefined;

  async function ask(doc: vscode.TextDocument, pos: vscode.Position,
                     token?: vscode.CancellationToken): Promise<NextEdit[]> {
    const result = await client.sendRequest('textDocument/copilotInlineEdit', {
      textDocument: { uri: doc.uri.toString(), version: doc.version },
      position: { line: pos.line, character: pos.character },
    }, token);
    const edits = parseEdits(result);
    last = { uri: doc.uri.toString(), version: doc.version, edits };
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
      if (!last || last.uri !== doc.uri.toString() || last.version !== doc.version) return [];
      return editsOnLines(last.edits, range.start.line, range.end.line).map((edit) => {
        const r = new vscode.Range(edit.range.start.line, edit.range.start.character,
                                   edit.range.end.line, edit.range.end.character);
        const action = new vscode.CodeAction(actionTitle(doc.getText(r), edit), vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(doc.uri, r, edit.text);
        if (edit.command) action.command = edit.command;
        return action;
      });
    },
  };

  return [
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, inline),
    vscode.languages.registerCodeActionsProvider({ pattern: '**' }, actions,
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  ];
}
