/* Next-edit answer parsing (see answer.h). */
#include "nes/answer.h"
#include "nes/prompt.h"
#include "base/buf.h"
#include <string.h>

#define GROWTH_LINES 20   /* lines an answer may add before it counts as rewriting more */

static const char *find(const char *s, size_t len, const char *needle)
{
    return memmem(s, len, needle, strlen(needle));
}

static size_t count_lines(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += s[i] == '\n';
    return n;
}

/* Copies text without cursor markers, with \r\n and \n both written as eol. */
static void normalise(struct buf *out, const char *s, size_t len, const char *eol)
{
    size_t cursor_len = strlen(NES_CURSOR);
    for (size_t i = 0; i < len;) {
        if (len - i >= cursor_len && memcmp(s + i, NES_CURSOR, cursor_len) == 0) {
            i += cursor_len;
        } else if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
            buf_puts(out, eol);
            i += 2;
        } else if (s[i] == '\n') {
            buf_puts(out, eol);
            i++;
        } else {
            buf_putc(out, s[i++]);
        }
    }
}

static bool ends_with_newline(const char *s, size_t len) { return len && s[len - 1] == '\n'; }

char *nes_answer_parse(const char *answer, size_t len, const char *region, size_t region_len,
                       const char *eol, size_t *out_len, const char **why)
{
    const size_t start_len = strlen(NES_REGION_START);
    const char *start = answer ? find(answer, len, NES_REGION_START) : NULL;
    if (!start) { *why = "the answer has no region start marker"; return NULL; }
    const char *body = start + start_len;
    size_t rest = len - (size_t)(body - answer);
    if (find(body, rest, NES_REGION_START)) { *why = "the answer has more than one region"; return NULL; }
    const char *end = find(body, rest, NES_REGION_END);
    if (!end) { *why = "the answer has no region end marker (cut short?)"; return NULL; }
    /* the marker's own line break is not part of the region */
    if (body < end && body[0] == '\r' && body + 1 < end && body[1] == '\n') body += 2;
    else if (body < end && body[0] == '\n') body++;
    size_t body_len = (size_t)(end - body);
    if (count_lines(body, body_len) > count_lines(region, region_len) + GROWTH_LINES) {
        *why = "the answer rewrites more than the region";
        return NULL;
    }
    struct buf out = {0};
    normalise(&out, body, body_len, eol);
    /* the prompt puts the end marker on its own line: a region without a final line
     * break (the end of the file) loses the one before the marker */
    if (!ends_with_newline(region, region_len) && ends_with_newline(out.data, out.len)) {
        out.len -= out.len >= 2 && out.data[out.len - 2] == '\r' ? 2 : 1;
        out.data[out.len] = '\0';
    } else if (ends_with_newline(region, region_len) && !ends_with_newline(out.data, out.len) && out.len) {
        buf_puts(&out, eol);
    }
    *out_len = out.len;
    return buf_steal(&out);
}
