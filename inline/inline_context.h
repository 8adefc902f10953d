/* Inline completion context: the task sent to the fast model for a cursor position.
 * Prefix and suffix sized to the token budgets (4 bytes per token, cut at line
 * boundaries so the model never sees half a line at the edges), language, path,
 * snippets from other open documents of the same language (most recently edited
 * first, within their own budget), secrets redacted, affinity per document region,
 * stop sequences and output cap.
 *
 * inline_context_task is pure (texts in, task out) so it is unit tested;
 * inline_context_build reads the document store and calls it. */
#ifndef INLINE_INLINE_CONTEXT_H
#define INLINE_INLINE_CONTEXT_H
#include "lsp/document.h"
#include "providers/task.h"
#include "config/config.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INLINE_BYTES_PER_TOKEN 4

struct inline_context_input {
    const char *prefix;       /* text before the cursor; may be a tail of the document */
    size_t prefix_len;
    const char *suffix;       /* text after the cursor; may be a head of the document */
    size_t suffix_len;
    const char *uri;
    const char *language;     /* may be NULL */
    const char *root;         /* workspace root path: paths are made relative to it; may be NULL */
    uint32_t line;            /* cursor line (affinity) */
    enum task_trigger trigger;
    bool multiline;           /* from postprocess_wants_multiline */
    bool redact;              /* replace secrets (config redact_secrets) */
};

struct inline_snippet_source {
    const char *uri;
    const char *text;         /* the start of that document */
    size_t len;
    uint64_t edited_ms;
};

/* Fills task (zeroed first). Sources of other documents (the caller picks those of
 * the same language) are taken most recently edited first, whole lines only, skipping
 * the document itself and documents privacy_uri_excluded excludes (exclude_globs,
 * NULL: the defaults). Paths are uri_display_path's, relative to root. */
void inline_context_task(struct task *task, const struct inline_context_input *in,
                         const struct inline_snippet_source *sources, size_t source_count,
                         const struct inline_settings *opts, char *const *exclude_globs);

/* From the open documents. Returns 0, or -1 when the document's path is excluded by
 * the privacy globs (nothing must be sent; task left empty). *cursor receives the
 * byte offset of pos. */
int inline_context_build(struct task *task, struct document_store *store, struct document *doc,
                         struct lsp_position pos, enum position_encoding enc,
                         const struct config *cfg, const char *root, enum task_trigger trigger,
                         bool multiline, size_t *cursor);

/* Where to start a prefix of at most budget bytes: the start of a whole line (or a
 * UTF-8 boundary when a single line is longer than the budget). */
size_t inline_cut_prefix(const char *text, size_t len, size_t budget);
/* Where to end a suffix of at most budget bytes: after a whole line (or a UTF-8
 * boundary when a single line is longer). */
size_t inline_cut_suffix(const char *text, size_t len, size_t budget);

/* Same region of the same document -> same value (never 0): 16-line bands. */
unsigned long long inline_affinity(const char *uri, uint32_t line);

#endif
