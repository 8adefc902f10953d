// What became of an inline suggestion, reported to the server for the ledger's
// signal lines (docs/inline.md): switchboard.shown, switchboard.partialAccept (the
// characters of the item's text accepted so far) and switchboard.rejected. VS Code
// tells an InlineCompletionItemProvider through optional methods
// (handleDidShowCompletionItem, handleDidPartiallyAcceptCompletionItem,
// handleEndOfLifetime); vscode-languageclient's provider has none, so addSignals puts
// them on it before it is registered. VS Code calls them where its
// inlineCompletionsAdditions API is enabled; elsewhere they are never called and
// nothing changes. Accepting in full still runs the item's own switchboard.accept.
// The server also reads partial accepts and typed-over suggestions from the document
// (docs/inline.md), which is all stable VS Code gets; it writes each outcome once per
// attempt, so reporting here as well never doubles a ledger line.
// No vscode import: the logic is tested with plain objects.

export type Send = (command: string, args: unknown[]) => void;

interface ItemLike {
  insertText?: string | { value?: string };
  command?: { command?: string; arguments?: unknown[] };
}

const KEEP = 64;   // attempts remembered

// The optional InlineCompletionItemProvider methods VS Code calls (inlineCompletionsAdditions).
export interface SignalMethods {
  handleDidShowCompletionItem(item: ItemLike): void;
  handleDidPartiallyAcceptCompletionItem(item: ItemLike, info: number | { acceptedLength?: number }): void;
  handleEndOfLifetime(item: ItemLike, reason: { kind?: number } | undefined): void;
}

export function attemptOf(item: ItemLike | undefined): string | undefined {
  const cmd = item?.command;
  const id = cmd && cmd.command === 'switchboard.accept' && Array.isArray(cmd.arguments) ? cmd.arguments[0] : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function text(item: ItemLike): string {
  const t = item.insertText;
  return typeof t === 'string' ? t : (t && typeof t.value === 'string' ? t.value : '');
}

// VS Code counts accepted length in UTF-16 code units; the server counts characters.
export function codePoints(s: string, utf16Length: number): number {
  return Array.from(s.slice(0, Math.max(0, utf16Length))).length;
}

export function addSignals<P extends object>(provider: P, send: Send): P & SignalMethods {
  const shown = new Set<string>();
  const accepted = new Map<string, number>();
  // Oldest first out: Sets and Maps iterate in insertion order.
  const evict = (m: Set<string> | Map<string, number>) => {
    const first = m.size >= KEEP ? m.keys().next().value : undefined;
    if (first !== undefined) m.delete(first);
  };
  const p = provider as P & SignalMethods;
  p.handleDidShowCompletionItem = (item: ItemLike) => {
    const id = attemptOf(item);
    if (!id || shown.has(id)) return;
    evict(shown);
    shown.add(id);
    send('switchboard.shown', [id]);
  };
  p.handleDidPartiallyAcceptCompletionItem = (item: ItemLike, info: number | { acceptedLength?: number }) => {
    const id = attemptOf(item);
    const length = typeof info === 'number' ? info : info?.acceptedLength;
    if (!id || typeof length !== 'number') return;
    const chars = codePoints(text(item), length);
    if (chars <= (accepted.get(id) ?? 0)) return;
    if (!accepted.has(id)) evict(accepted);
    accepted.set(id, chars);
    send('switchboard.partialAccept', [id, chars]);
  };
  // reason.kind: 0 accepted, 1 rejected, 2 ignored (InlineCompletionEndOfLifeReasonKind).
  p.handleEndOfLifetime = (item: ItemLike, reason: { kind?: number } | undefined) => {
    const id = attemptOf(item);
    if (id && reason?.kind === 1 && !accepted.has(id)) send('switchboard.rejected', [id]);
  };
  return p;
}
