/* Fuzz target: a next-edit answer from the model, read against a region of a document
 * taken from the input, through the answer parser, the word/line diff, the end-of-text
 * rotation and the session that serves the rest of the answer.
 *
 * Input: 5 header bytes, then document | answer (split where the header says).
 *   [0] bit 0: the document's line ending is CRLF; bit 1: zeta-style answer (markers at once, a cursor
 *       marker) else chat-style (prose and a fence around the markers); bit 2: the
 *       answer's bytes are used raw (garbled, no markers added)
 *   [1] lines around the cursor (low nibble) and context lines (high nibble)
 *   [2] the cursor, as a fraction of the document
 *   [3..4] where the document ends and the answer begins
 *
 * Checks: the region is whole lines around the cursor inside its context; both prompts
 * build; when the answer parses, the diff's edits lie inside the region, in order and
 * never overlapping, and applying them to the region gives the parsed answer (also
 * after moving insertions off the empty last line); applying the first edit is what
 * the session recognises as the shown edit. The raw answer is diffed too, so the diff
 * sees arbitrary text whether or not it parses. No crash, no leak (ASan). */
#include "nes/answer.h"
#include "nes/edit_diff.h"
#include "nes/prompt.h"
#include "nes/region.h"
#include "nes/session.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* region with every edit applied (offsets all refer to the region as it was). */
static char *apply(const char *old, size_t old_len, const struct nes_edits *e, size_t *out_len)
{
    size_t cap = old_len + 1, len = 0, at = 0;
    for (size_t i = 0; i < e->count; i++) cap += e->items[i].text_len;
    char *out = malloc(cap);
    CHECK(out);
    for (size_t i = 0; i < e->count; i++) {
        const struct nes_edit *x = &e->items[i];
        CHECK(x->start >= at && x->start <= x->end && x->end <= old_len);   /* in order, inside */
        memcpy(out + len, old + at, x->start - at);
        len += x->start - at;
        memcpy(out + len, x->text, x->text_len);
        len += x->text_len;
        at = x->end;
    }
    memcpy(out + len, old + at, old_len - at);
    len += old_len - at;
    *out_len = len;
    return out;
}

/* The edits turn old into new. */
static void check_edits(const char *old, size_t old_len, const char *new_text, size_t new_len,
                        const struct nes_edits *e)
{
    size_t len = 0;
    char *got = apply(old, old_len, e, &len);
    CHECK(len == new_len && memcmp(got, new_text, len) == 0);
    free(got);
}

static void diff_and_check(const char *region, size_t region_len, const char *target, size_t target_len,
                           bool at_end_of_text)
{
    struct nes_edits edits;
    nes_diff(region, region_len, target, target_len, &edits);
    CHECK((edits.count == 0) == (region_len == target_len && memcmp(region, target, region_len) == 0));
    check_edits(region, region_len, target, target_len, &edits);
    if (at_end_of_text) {
        nes_edits_avoid_last_line(&edits, region, region_len);
        check_edits(region, region_len, target, target_len, &edits);
    }
    nes_edits_free(&edits);

    /* The session serves the same edits and recognises the first one applied. */
    struct nes_session s;
    nes_session_init(&s, 0, region_len, target, target_len, "id", "m");
    size_t n = nes_session_remaining(&s, region, region_len, &edits);
    CHECK(n == edits.count);
    if (n) {
        const struct nes_edit *x = &edits.items[0];
        CHECK(nes_session_follow(&s, x->start, x->end, x->text_len));
        struct nes_edits first = { edits.items, 1 };
        size_t len = 0;
        char *now = apply(region, region_len, &first, &len);
        CHECK(s.start == 0 && s.end == len);
        enum nes_session_verdict v = nes_session_check(&s, now, len);
        CHECK(v == (n == 1 ? NES_SESSION_COMPLETE : NES_SESSION_APPLIED) ||
              (v == NES_SESSION_COMPLETE && len == target_len && memcmp(now, target, len) == 0));
        free(now);
    }
    nes_edits_free(&edits);
    nes_session_clear(&s);
}

/* The model's answer around body: zeta-style (markers at once, the cursor marked) or
 * chat-style (prose, a fence, the markers on their own lines). */
static char *wrap(const char *body, size_t len, bool zeta, size_t *out_len)
{
    const char *pre = zeta ? NES_REGION_START "\n" NES_CURSOR
                           : "Here is the edit:\n```python\n" NES_REGION_START "\n";
    const char *post = zeta ? NES_REGION_END : "\n" NES_REGION_END "\n```\nDone.";
    size_t a = strlen(pre), b = strlen(post);
    char *out = malloc(a + len + b + 1);
    CHECK(out);
    memcpy(out, pre, a);
    memcpy(out + a, body, len);
    memcpy(out + a + len, post, b);
    out[a + len + b] = '\0';
    *out_len = a + len + b;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5) return 0;
    bool crlf = data[0] & 1, zeta = data[0] & 2, raw = data[0] & 4;
    unsigned lines = data[1] & 0x0f, context = data[1] >> 4;
    size_t rest = size - 5;
    const char *text = (const char *)data + 5;
    size_t split = ((size_t)data[3] << 8 | data[4]) % (rest + 1);
    size_t doc_len = split;
    /* NUL-terminated copies: the prompt builders and the parser's callers use C strings */
    char *doc = malloc(doc_len + 1);
    CHECK(doc);
    memcpy(doc, text, doc_len);
    doc[doc_len] = '\0';
    const char *body = text + split;
    size_t body_len = rest - split;

    struct nes_region r;
    nes_region_find(doc, doc_len, doc_len * data[2] / 255, lines, context, 256, &r);
    CHECK(r.context_start <= r.start && r.start <= r.cursor && r.cursor <= r.end &&
          r.end <= r.context_end && r.context_end <= doc_len);
    CHECK(r.start == 0 || doc[r.start - 1] == '\n');
    CHECK(r.end == doc_len || doc[r.end - 1] == '\n');

    const char *region = doc + r.start;
    size_t region_len = r.end - r.start;
    struct nes_prompt_input in = {
        "a.py", "python", "", doc + r.context_start, r.start - r.context_start, region, region_len,
        r.cursor - r.start, doc + r.end, r.context_end - r.end, r.context_start == 0,
    };
    free(zeta ? nes_prompt_zeta(&in) : nes_prompt_chat_user(&in));

    size_t answer_len = body_len;
    char *answer = raw ? NULL : wrap(body, body_len, zeta, &answer_len);
    const char *why = NULL;
    size_t parsed_len = 0;
    char *parsed = nes_answer_parse(answer ? answer : body, answer_len, region, region_len,
                                    crlf ? "\r\n" : "\n", &parsed_len, &why);
    if (parsed) {
        CHECK(strlen(parsed) <= parsed_len);
        diff_and_check(region, region_len, parsed, parsed_len, r.end == doc_len);
    } else {
        CHECK(why && *why);
    }
    diff_and_check(region, region_len, body, body_len, r.end == doc_len);
    free(parsed);
    free(answer);
    free(doc);
    return 0;
}
