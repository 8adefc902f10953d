/* Editable region (see region.h): line arithmetic on a byte window. */
#include "nes/region.h"

static size_t line_start(const char *text, size_t at)
{
    while (at > 0 && text[at - 1] != '\n') at--;
    return at;
}

/* The offset just after the line ending of the line holding `at` (len at the end). */
static size_t next_line(const char *text, size_t len, size_t at)
{
    while (at < len && text[at] != '\n') at++;
    return at < len ? at + 1 : len;
}

static size_t lines_back(const char *text, size_t from, unsigned n, size_t floor)
{
    while (n-- > 0 && from > floor) from = line_start(text, from - 1);
    return from;
}

static size_t lines_forward(const char *text, size_t len, size_t from, unsigned n)
{
    while (n-- > 0 && from < len) from = next_line(text, len, from);
    return from;
}

static size_t safe_cursor(const char *text, size_t len, size_t cursor)
{
    if (cursor > len) cursor = len;
    while (cursor > 0 && cursor < len && ((unsigned char)text[cursor] & 0xC0) == 0x80) cursor--;
    if (cursor > 0 && cursor < len && text[cursor - 1] == '\r' && text[cursor] == '\n') cursor--;
    return cursor;
}

void nes_region_find(const char *text, size_t len, size_t cursor, unsigned lines_around,
                     unsigned context_lines, size_t context_bytes, struct nes_region *out)
{
    cursor = safe_cursor(text, len, cursor);
    size_t here = line_start(text, cursor);
    out->cursor = cursor;
    out->start = lines_back(text, here, lines_around, 0);
    out->end = lines_forward(text, len, next_line(text, len, cursor), lines_around);
    size_t before = lines_back(text, out->start, context_lines, 0);
    /* far lines go first when the byte bound is hit */
    while (before < out->start && out->start - before > context_bytes)
        before = next_line(text, len, before);
    size_t after = lines_forward(text, len, out->end, context_lines);
    while (after > out->end && after - out->end > context_bytes)
        after = line_start(text, after - 1 > out->end ? after - 1 : out->end);
    out->context_start = before;
    out->context_end = after;
}
