/* The smallest single edit that turns one text into another: the common prefix and
 * suffix are kept, the middle is replaced. Cuts never fall inside a UTF-8 sequence or
 * between the \r and \n of a CRLF, so the byte offsets always convert to valid LSP
 * positions (document_position_at) in any encoding. Pure. */
#ifndef LSP_TEXT_DIFF_H
#define LSP_TEXT_DIFF_H
#include <stdbool.h>
#include <stddef.h>

struct text_edit {
    size_t start, end;        /* bytes of the old text replaced: [start, end) */
    size_t new_start, new_end;/* bytes of the new text inserted instead */
};

/* Fills edit; returns false when the texts are equal (no edit needed). */
bool text_diff(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
               struct text_edit *edit);

#endif
