/* Next-edit task building (see request.h). Only a window of lines around the cursor is
 * copied out of the document, so the cost does not grow with the file. */
#include "nes/request.h"
#include "nes/prompt.h"
#include "nes/region.h"
#include "lsp/privacy.h"
#include "lsp/uri.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

char *nes_uri_to_path(const char *uri, const char *root)
{
    return uri_display_path(uri, root);
}

static char *redacted(const char *text, size_t len, bool redact, size_t *out_len)
{
    if (!redact) {
        *out_len = len;
        return xstrndup(text, len);
    }
    int count = 0;
    return privacy_redact(text, len, out_len, &count);
}

static unsigned long long affinity(const char *uri, size_t region_start)
{
    unsigned long long h = 1469598103934665603ULL;   /* FNV-1a */
    for (const char *p = uri; *p; p++) { h ^= (unsigned char)*p; h *= 1099511628211ULL; }
    h ^= region_start / 4096;
    h *= 1099511628211ULL;
    return h ? h : 1;
}

/* The window of whole lines the region and its context can come from. */
static char *window_of(const struct document *doc, size_t cursor, unsigned lines, size_t *start,
                       size_t *len)
{
    struct lsp_position at = document_position_at(doc, cursor, ENCODING_UTF8);
    uint32_t first = at.line > lines ? at.line - lines : 0;
    uint32_t last = at.line + lines + 1 < at.line ? UINT32_MAX : at.line + lines + 1;
    *start = document_offset_at(doc, (struct lsp_position){ first, 0 }, ENCODING_UTF8);
    size_t end = document_offset_at(doc, (struct lsp_position){ last, 0 }, ENCODING_UTF8);
    return document_slice(doc, *start, end, len);
}

static void fill_task(struct nes_request *out, const struct nes_request_input *in,
                      const struct nes_prompt_input *prompt, const char *path)
{
    struct task *t = &out->task;
    memset(t, 0, sizeof *t);
    t->kind = TASK_NEXT_EDIT;
    t->trigger = TRIGGER_AUTOMATIC;
    t->language = xstrdup(document_language(in->doc));
    t->path = xstrdup(path);
    t->system = xstrdup(nes_prompt_chat_system());
    t->instructions = nes_prompt_chat_user(prompt);
    t->completion_prompt = nes_prompt_zeta(prompt);
    /* room for the whole region plus what the model adds */
    long region_tokens = (long)(out->region_len / 4) + 64;
    long cap = in->cfg->next_edit.max_output_tokens;
    t->max_output_tokens = (int)(region_tokens * 2 < cap ? region_tokens * 2 : cap);
    t->affinity = affinity(document_uri(in->doc), out->region_start);
    task_estimate_tokens(t);
}

/* Other files' edits in the prompt: never an excluded file's; a local-only file's only
 * when this request is local-only too (lsp/privacy.h privacy_uri_verdict). */
static bool only_anywhere(void *cfg, const char *uri)
{
    return privacy_uri_verdict(cfg, uri) == PRIVACY_ANYWHERE;
}

static bool only_sendable(void *cfg, const char *uri)
{
    return privacy_uri_verdict(cfg, uri) != PRIVACY_EXCLUDED;
}

int nes_request_build(const struct nes_request_input *in, struct nes_request *out, const char **why)
{
    memset(out, 0, sizeof *out);
    const struct next_edit_settings *s = &in->cfg->next_edit;
    enum privacy_verdict verdict = privacy_uri_verdict(in->cfg, document_uri(in->doc));
    if (verdict == PRIVACY_EXCLUDED) {
        *why = "the file is excluded by the privacy globs";
        return -1;
    }
    char *path = nes_uri_to_path(document_uri(in->doc), in->root);
    unsigned around = (unsigned)(s->region_lines > 0 ? s->region_lines : 0);
    unsigned context = (unsigned)(s->context_lines > 0 ? s->context_lines : 0);
    size_t wstart = 0, wlen = 0;
    char *w = window_of(in->doc, in->cursor, around + context, &wstart, &wlen);
    struct nes_region r;
    nes_region_find(w, wlen, in->cursor - wstart, around, context, NES_CONTEXT_MAX_BYTES, &r);
    if (r.end - r.start > NES_REGION_MAX_BYTES) {
        free(w); free(path);
        *why = "the lines around the cursor are too long";
        return -1;
    }
    bool redact = in->cfg->redact_secrets;
    size_t region_len = 0, before_len = 0, after_len = 0, edits_len = 0;
    char *region = redacted(w + r.start, r.end - r.start, redact, &region_len);
    if (region_len != r.end - r.start || memcmp(region, w + r.start, region_len) != 0) {
        free(region); free(w); free(path);
        *why = "the region holds a secret";
        return -1;
    }
    char *before = redacted(w + r.context_start, r.start - r.context_start, redact, &before_len);
    char *after = redacted(w + r.end, r.context_end - r.end, redact, &after_len);
    struct buf diffs = {0};
    if (in->history)
        nes_history_render_filtered(in->history, document_uri(in->doc), &diffs,
                                    verdict == PRIVACY_LOCAL_ONLY ? only_sendable : only_anywhere,
                                    (void *)in->cfg);
    char *edits = redacted(buf_str(&diffs), diffs.len, redact, &edits_len);
    buf_free(&diffs);
    out->region_start = wstart + r.start;
    out->region_end = wstart + r.end;
    out->region = region;
    out->region_len = region_len;
    struct nes_prompt_input prompt = {
        .path = path, .language = document_language(in->doc), .edits = edits,
        .before = before, .before_len = before_len, .region = region, .region_len = region_len,
        .cursor = r.cursor - r.start, .after = after, .after_len = after_len,
        .at_file_start = wstart + r.context_start == 0,
    };
    fill_task(out, in, &prompt, path);
    out->task.local_only = verdict == PRIVACY_LOCAL_ONLY;
    free(before); free(after); free(edits); free(w); free(path);
    return 0;
}

void nes_request_free(struct nes_request *r)
{
    free(r->region);
    task_free(&r->task);
    memset(r, 0, sizeof *r);
}
