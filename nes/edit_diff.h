/* The smallest edits that turn the current region into the model's rewrite, each a
 * complete change on its own: clients of textDocument/copilotInlineEdit show and apply
 * only the first edit, then ask again, so an edit is whole words inside one line (a
 * rename's every use is its own edit) or whole lines, never character pieces. Lines are
 * matched by a longest-common-subsequence diff; inside a changed line that has a partner
 * line, words (identifier runs, whitespace runs, single punctuation) are matched the same
 * way. A line with many scattered changes becomes one whole-line edit. Pure. */
#ifndef NES_EDIT_DIFF_H
#define NES_EDIT_DIFF_H
#include <stddef.h>

struct nes_edit {
    size_t start, end;   /* bytes [start, end) of the old text replaced */
    char *text;          /* the replacement, NUL-terminated */
    size_t text_len;
};

struct nes_edits {
    struct nes_edit *items;   /* in document order, never overlapping */
    size_t count;
};

/* Fills out (count 0 when the texts are equal). */
void nes_diff(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
              struct nes_edits *out);
void nes_edits_free(struct nes_edits *edits);

/* An LSP client cannot place an edit on the empty line after a text's last line break:
 * an insertion there of text ending in a line break is rotated to start just before
 * that line break ("a\n" + insert "b\n" at 2 == insert "\nb" at 1). old_text is the
 * whole text the offsets refer to. */
void nes_edits_avoid_last_line(struct nes_edits *edits, const char *old_text, size_t old_len);

#endif
