// Next-edit suggestions, the parts that need no VS Code: reading a
// textDocument/copilotInlineEdit result, and deciding how an edit is offered. An edit at
// or after the cursor on the cursor's line becomes an inline suggestion starting at the
// cursor (the text between the cursor and the edit is kept as it is); any other edit is
// offered as a code action on its lines and as a CodeLens above them. Positions are
// LSP UTF-16, as VS Code's are.

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

/** What the edit does, short: "h → height", "insert height". */
function change(oldText: string, edit: NextEdit): string {
  const clip = (s: string) => (s.length > 40 ? s.slice(0, 39) + '…' : s).replace(/\r?\n/g, '⏎');
  return oldText ? `${clip(oldText)} → ${clip(edit.text)}` : `insert ${clip(edit.text)}`;
}

/** A short title: "AI: Apply next edit: h → height". */
export function actionTitle(oldText: string, edit: NextEdit): string {
  return `AI: Apply next edit: ${change(oldText, edit)}`;
}

/** The model that predicted the edit: its accept command's arguments[2], or undefined. */
export function editModel(edit: NextEdit): string | undefined {
  const model = edit.command?.arguments?.[2];
  return typeof model === 'string' && model ? model : undefined;
}

/** A CodeLens title naming the model: "Apply next edit (fast): h → height". */
export function lensTitle(oldText: string, edit: NextEdit): string {
  const model = editModel(edit);
  return `Apply next edit${model ? ` (${model})` : ''}: ${change(oldText, edit)}`;
}

/** The edits that get a CodeLens: all but the one shown inline at the cursor (the
 * first, when it is at or after the cursor on the cursor's line). */
export function lensEdits(edits: NextEdit[], cursorLineText: string, cursor: LspPosition): NextEdit[] {
  const inline = edits.length > 0 && asInlineCompletion(cursorLineText, cursor, edits[0]) !== undefined;
  return inline ? edits.slice(1) : edits.slice();
}
