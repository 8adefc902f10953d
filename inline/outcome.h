/* What the editor did with an offered inline suggestion, read from the document's
 * changes alone: for clients that insert a suggestion without running its
 * switchboard.accept command, and for signals stable VS Code cannot send (partial
 * accept, typed over). Pure: byte offsets and texts in, a verdict out; the caller
 * (inline/retention.c) converts LSP positions and writes the ledger.
 *
 * The suggestion is `text` offered at byte `start` of the document; `done` bytes of it
 * are already there (typed through, accepted in part, or the word a completion item
 * replaces), so the next of its characters would go at start + done. Each change
 * [cs, ce) -> ins, before it is applied, is judged:
 *   - before the suggestion's line: moves it;
 *   - after start + done: no effect;
 *   - at the suggestion (start <= cs <= start + done) inserting what the suggestion
 *     holds from cs on: one character (or a newline and its indentation) is typing
 *     through (so is an opening bracket or quote the editor closes at once, "()");
 *     two or more that reach the end are an acceptance, fewer a partial one (accept
 *     word / line); deleting back is neither;
 *   - anything else on the suggestion's line or at its place: it no longer applies
 *     (rejected, typed over). */
#ifndef INLINE_OUTCOME_H
#define INLINE_OUTCOME_H
#include <stdbool.h>
#include <stddef.h>

struct inline_outcome {
    const char *text;       /* the offered insert text (borrowed) */
    size_t len;
    size_t start;           /* byte offset of its start in the document */
    size_t line_start;      /* byte offset of the start of that line */
    size_t done;            /* bytes of text already in the document at start */
};

enum outcome_verdict {
    OUTCOME_NONE,           /* still applies: moved, typed through, or untouched */
    OUTCOME_PARTIAL,        /* a part was inserted at once; chars says how much so far */
    OUTCOME_ACCEPTED,       /* the rest was inserted at once: the whole text is there */
    OUTCOME_TYPED_THROUGH,  /* typed to its end by hand: over, neither accepted nor rejected */
    OUTCOME_REJECTED,       /* typed over, or its line edited: it no longer applies */
};

/* done: bytes of text found at start (the longest common prefix with what the
 * document holds there, whole characters only). */
void outcome_init(struct inline_outcome *o, const char *text, size_t len, size_t start,
                  size_t line_start, const char *present, size_t present_len);

/* One change of the document: bytes [cs, ce) (cs <= ce) replaced by ins. Updates o; *chars gets
 * the characters (code points) of text in place when the verdict is PARTIAL or
 * ACCEPTED. After ACCEPTED, TYPED_THROUGH or REJECTED the outcome is over. */
enum outcome_verdict outcome_change(struct inline_outcome *o, size_t cs, size_t ce, const char *ins,
                                    size_t ins_len, long *chars);

#endif
