/* Builds a next_edit task from a document: the editable region around the cursor, the
 * context outside it, the recent edits as diffs, both prompt formats (the adapter picks
 * the model's), privacy (excluded files are never sent; secrets in the context are
 * redacted, and a region holding one gets no suggestion, as the rewrite would put the
 * redaction into the file). No I/O: the benchmark and tests call it directly. */
#ifndef NES_REQUEST_H
#define NES_REQUEST_H
#include "config/config.h"
#include "lsp/document.h"
#include "nes/history.h"
#include "providers/task.h"

/* Regions and their context are whole lines; lines this long are not worth a request. */
#define NES_REGION_MAX_BYTES (32 * 1024)
#define NES_CONTEXT_MAX_BYTES (8 * 1024)

struct nes_request_input {
    const struct document *doc;
    size_t cursor;                       /* byte offset */
    const struct nes_history *history;   /* may be NULL */
    const struct config *cfg;
    const char *root;                    /* workspace root path, or NULL */
};

struct nes_request {
    size_t region_start, region_end;     /* in the document */
    char *region;                        /* its text (not redacted: it is never sent otherwise) */
    size_t region_len;
    struct task task;
};

/* Returns 0, or -1 with *why set (a static string) when there is nothing to send. */
int nes_request_build(const struct nes_request_input *in, struct nes_request *out, const char **why);
void nes_request_free(struct nes_request *r);

/* file:///root/src/a.c -> "src/a.c": lsp/uri.h's display path, the one inline and
 * actions show the model. malloc'd. */
char *nes_uri_to_path(const char *uri, const char *root);

#endif
