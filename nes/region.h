/* The editable region of a next-edit request: whole lines around the cursor's line
 * (lines_around before and after, clamped to the text), with context lines outside it
 * that the model sees but may not rewrite. Works on a window of the document that
 * starts at a line start (the caller slices it); pure. */
#ifndef NES_REGION_H
#define NES_REGION_H
#include <stddef.h>

struct nes_region {
    size_t start, end;                   /* editable bytes [start, end), whole lines with endings */
    size_t context_start, context_end;   /* shown around it; context_start <= start, end <= context_end */
    size_t cursor;                       /* the cursor, start <= cursor <= end */
};

/* cursor is clamped to the text and moved off the middle of a CRLF or UTF-8 sequence.
 * Context takes up to context_lines lines on each side, dropping far lines to stay
 * within context_bytes per side. */
void nes_region_find(const char *text, size_t len, size_t cursor, unsigned lines_around,
                     unsigned context_lines, size_t context_bytes, struct nes_region *out);

#endif
