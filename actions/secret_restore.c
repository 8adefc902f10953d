/* Redact-and-restore of secrets for code actions (see the header). The originals are
 * recovered by aligning the redacted text with the original: the redacted text is the
 * original with some spans replaced by the placeholder, so the literal runs between
 * placeholders appear in the original in order and what lies between them is the
 * secret. */
#include "actions/secret_restore.h"
#include "lsp/privacy.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

static void list_add(struct secret_list *l, const char *s, size_t n)
{
    l->values = xrealloc(l->values, (l->count + 1) * sizeof *l->values);
    l->values[l->count++] = xstrndup(s, n);
}

char *secret_redact(const char *text, struct secret_list *out)
{
    memset(out, 0, sizeof *out);
    if (!text) return xstrdup("");
    size_t len = strlen(text), red_len;
    int count = 0;
    char *red = privacy_redact(text, len, &red_len, &count);
    if (count <= 0) return red;
    const size_t ph = strlen(PRIVACY_PLACEHOLDER);
    const char *orig = text, *r = red;
    for (;;) {
        const char *mark = strstr(r, PRIVACY_PLACEHOLDER);
        if (!mark) break;
        size_t literal = (size_t)(mark - r);   /* same text before the secret */
        orig += literal;
        r = mark + ph;
        const char *next = strstr(r, PRIVACY_PLACEHOLDER);
        size_t following = next ? (size_t)(next - r) : strlen(r);
        const char *end;
        if (following == 0) {
            if (next) break;            /* adjacent placeholders: cannot split them */
            end = text + len;
        } else {
            /* The literal run after the secret, found in the original. */
            char *run = xstrndup(r, following);
            end = strstr(orig, run);
            free(run);
            if (!end) break;
        }
        list_add(out, orig, (size_t)(end - orig));
        orig = end;
    }
    /* Alignment failed (e.g. two secrets side by side): restore nothing rather than
     * guess; an answer that keeps placeholders is then refused. */
    if (out->count != (size_t)count) out->unmatched = true;
    return red;
}

char *secret_restore(const char *answer, size_t len, const struct secret_list *secrets,
                     size_t *out_len)
{
    const size_t ph = strlen(PRIVACY_PLACEHOLDER);
    size_t found = 0;
    for (const char *p = answer; (p = memmem(p, len - (size_t)(p - answer), PRIVACY_PLACEHOLDER, ph));
         p += ph)
        found++;
    if (found && (secrets->unmatched || found != secrets->count)) return NULL;
    struct buf b = {0};
    const char *p = answer, *end = answer + len;
    for (size_t i = 0; i < found; i++) {
        const char *mark = memmem(p, (size_t)(end - p), PRIVACY_PLACEHOLDER, ph);
        buf_append(&b, p, (size_t)(mark - p));
        buf_puts(&b, secrets->values[i]);
        p = mark + ph;
    }
    buf_append(&b, p, (size_t)(end - p));
    *out_len = b.len;
    return buf_steal(&b);
}

void secret_list_free(struct secret_list *l)
{
    for (size_t i = 0; i < l->count; i++) free(l->values[i]);
    free(l->values);
    l->values = NULL;
    l->count = 0;
    l->unmatched = false;
}
