/* Test helper: runs response bytes through a stream parser and an adapter's
 * parse_event, collecting the text, and compares a run against expectations. */
#ifndef TESTS_UNIT_ADAPTER_RUN_H
#define TESTS_UNIT_ADAPTER_RUN_H
#include "providers/provider.h"
#include "providers/stream.h"
#include "base/buf.h"

struct adapter_run {
    const struct provider_ops *ops;
    struct provider_stream st;
    struct buf text;         /* choice 0 */
    struct buf choice_text[PROVIDER_MAX_CHOICES];   /* each choice's, 0 included */
    int bad_events;          /* parse_event returned -1 */
    int parser_rc;           /* stream parser result (-1 oversized) */
};

/* Feeds bytes in pieces: first `cut` bytes, then the rest in `piece`-sized chunks
 * (piece 0 = all at once). Finishes the parser. Caller frees with adapter_run_free. */
void adapter_run_bytes(struct adapter_run *r, const struct provider_ops *ops, enum stream_format fmt,
                       const char *bytes, size_t len, size_t cut, size_t piece);
/* The same, fed byte by byte, for a request that asked for `choices` choices (task.n). */
void adapter_run_choices(struct adapter_run *r, const struct provider_ops *ops, enum stream_format fmt,
                         const char *bytes, size_t len, int choices);
void adapter_run_free(struct adapter_run *r);

/* Body of a .resp recording (after the status line, headers and blank line). */
const char *resp_body(const char *file, size_t len, size_t *body_len);

#endif
