// Next-edit suggestions, the parts that need no VS Code: reading a
// textDocument/copilotInlineEdit result, and deciding how an edit is offered. An edit at
// or after the cursor on the cursor's line becomes an inline suggestion starting at the
// cursor (the text between the cursor and the edit is kept as it is); any other edit is
// offered as a code action on its lines. Positions are LSP UTF-16, as VS Code's are.

export interface LspPosition { line: number; character: number }
export interface LspRange { start: LspPosition; end: LspPosition }
export interface LspCommand { title: string; command: string; arguments?: unknown[] }
export interface NextEdit {
  range: LspRange;
  text: string;
  textDocument?: { uri: string; version?: number };
  command?: LspCommand;
}

function isPosition(p: unknown): p is LspPosition {
  const o = p as LspPosition;
  return !!o && typeof o.line === 'number' && typeof o.character === 'number';
}

/** The edits of a result; [] for anything that is not {edits: [...]}. */
export function parseEdits(result: unknown): NextEdit[] {
  const edits = (result as { edits?: unknown })?.edits;
  if (!Array.isArray(edits)) return [];
  return edits.filter((e): e is NextEdit =>
    !!e && typeof e.text === 'string' && !!e.range && isPosition(e.range.start) && isPosition(e.range.end));
}

/** The edit as an inline completion from the cursor, or undefined when it is elsewhere. */
export function asInlineCompletion(lineText: string, cursor: LspPosition, edit: NextEdit):
    { insertText: string; range: LspRange } | undefined {
  const r = edit.range;
  if (r.start.line !== cursor.line || r.end.line !== cursor.line) return undefined;
  if (r.start.character < cursor.character) return undefined;
  const kept = lineText.slice(cursor.character, r.start.character);
  return { insertText: kept + edit.text, range: { start: cursor, end: r.end } };
}

/** The edits that start on one of the lines first..last (a code action's range). */
export function editsOnLines(edits: NextEdit[], first: number, last: number): NextEdit[] {
  return edits.filter((e) => e.range.start.line >= first && e.range.start.line <= last);
}

/** A short title: "AI: Apply next edit: h → height". */
export function actionTitle(oldText: string, edit: NextEdit): string {
  const clip = (s: string) => (s.length > 40 ? s.slice(0, 39) + '…' : s).replace(/\r?\n/g, '⏎');
  return oldText ? `AI: Apply next edit: ${clip(oldText)} → ${clip(edit.text)}`
                 : `AI: Apply next edit: insert ${clip(edit.text)}`;
}
