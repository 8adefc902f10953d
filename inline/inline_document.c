/* inline_context_build: the document-store side of the inline context, kept apart
 * from the pure functions of inline_context.c so those link (and are unit tested)
 * without the document module. */
#include "inline/inline_context.h"
#include "base/xalloc.h"
#include "lsp/privacy.h"
#include <stdlib.h>
#include <string.h>

int inline_context_build(struct task *task, struct document_store *store, struct document *doc,
                         struct lsp_position pos, enum position_encoding enc,
                         const struct config *cfg, const char *root, enum task_trigger trigger,
                         bool multiline, size_t *cursor)
{
    memset(task, 0, sizeof *task);
    const char *uri = document_uri(doc);
    if (privacy_uri_excluded(cfg->exclude_globs, uri)) return -1;
    const struct inline_settings *opts = &cfg->inline_opts;
    size_t offset = document_offset_at(doc, pos, enc);
    *cursor = offset;
    /* One byte more than the budget, so inline_context_task can tell a cut text
     * from a whole one and cut it at a line boundary. */
    size_t pbytes = (size_t)(opts->prefix_tokens > 0 ? opts->prefix_tokens : 0) * INLINE_BYTES_PER_TOKEN;
    size_t sbytes = (size_t)(opts->suffix_tokens > 0 ? opts->suffix_tokens : 0) * INLINE_BYTES_PER_TOKEN;
    size_t plen = 0, slen = 0;
    char *prefix = document_prefix(doc, offset, pbytes + 1, 0, &plen);
    char *suffix = document_suffix(doc, offset, sbytes + 1, 0, &slen);
    struct inline_snippet_source *sources = NULL;
    size_t count = 0;
    size_t n = store ? document_store_count(store) : 0;
    if (opts->snippets && n > 1) {
        sources = xcalloc(n, sizeof *sources);
        size_t sbudget = (size_t)(opts->snippet_tokens > 0 ? opts->snippet_tokens : 0) * INLINE_BYTES_PER_TOKEN;
        const char *lang = document_language(doc);
        struct document *other;
        for (size_t i = 0; (other = document_store_at(store, i)) != NULL; i++) {
            if (other == doc || !lang || !document_language(other) ||
                strcmp(lang, document_language(other)) != 0)
                continue;
            size_t len = document_length(other);
            size_t take = len < sbudget + 1 ? len : sbudget + 1;
            size_t got = 0;
            sources[count].uri = document_uri(other);
            sources[count].text = document_slice(other, 0, take, &got);
            sources[count].len = got;
            sources[count].edited_ms = document_edited_ms(other);
            count++;
        }
    }
    struct inline_context_input in = {
        .prefix = prefix, .prefix_len = plen, .suffix = suffix, .suffix_len = slen,
        .uri = uri, .language = document_language(doc), .root = root, .line = pos.line,
        .trigger = trigger, .multiline = multiline, .redact = cfg->redact_secrets,
    };
    inline_context_task(task, &in, sources, count, opts, cfg->exclude_globs);
    for (size_t i = 0; i < count; i++) free((char *)sources[i].text);
    free(sources);
    free(prefix);
    free(suffix);
    return 0;
}
