/* Next-edit session (see session.h). */
#include "nes/session.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

void nes_session_init(struct nes_session *s, size_t start, size_t end, const char *target,
                      size_t target_len, const char *attempt_id, const char *model)
{
    memset(s, 0, sizeof *s);
    s->start = start;
    s->end = end;
    s->target = xmemdup0(target, target_len);
    s->target_len = target_len;
    s->attempt_id = xstrdup(attempt_id);
    s->model = xstrdup(model);
}

void nes_session_clear(struct nes_session *s)
{
    free(s->target); free(s->expected); free(s->attempt_id); free(s->model);
    memset(s, 0, sizeof *s);
}

bool nes_session_follow(struct nes_session *s, size_t start, size_t end, size_t new_len)
{
    if (start >= s->start && end <= s->end) {       /* inside, edges included */
        s->end = s->end - (end - start) + new_len;
        s->touched = true;
        return true;
    }
    if (end <= s->start) {                          /* before: the region moves */
        s->start = s->start - (end - start) + new_len;
        s->end = s->end - (end - start) + new_len;
        return true;
    }
    return start >= s->end;                         /* after: no effect; else straddles */
}

static bool equals(const char *a, size_t alen, const char *b, size_t blen)
{
    return a && alen == blen && memcmp(a, b, alen) == 0;
}

enum nes_session_verdict nes_session_check(struct nes_session *s, const char *region, size_t len)
{
    if (!s->touched) return NES_SESSION_UNCHANGED;
    s->touched = false;
    if (equals(s->target, s->target_len, region, len)) return NES_SESSION_COMPLETE;
    if (equals(s->expected, s->expected_len, region, len)) {
        free(s->expected);
        s->expected = NULL;
        return NES_SESSION_APPLIED;
    }
    return NES_SESSION_DIVERGED;
}

size_t nes_session_remaining(struct nes_session *s, const char *region, size_t len,
                             struct nes_edits *out)
{
    nes_diff(region, len, s->target, s->target_len, out);
    free(s->expected);
    s->expected = NULL;
    s->expected_len = 0;
    if (!out->count) return 0;
    nes_session_show(s, region, len, &out->items[0]);
    return out->count;
}

void nes_session_show(struct nes_session *s, const char *region, size_t len, const struct nes_edit *e)
{
    free(s->expected);
    s->expected_len = len - (e->end - e->start) + e->text_len;
    s->expected = xmalloc(s->expected_len + 1);
    memcpy(s->expected, region, e->start);
    memcpy(s->expected + e->start, e->text, e->text_len);
    memcpy(s->expected + e->start + e->text_len, region + e->end, len - e->end);
    s->expected[s->expected_len] = '\0';
}
