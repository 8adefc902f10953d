/* Fuzz target: the SSE and NDJSON parsers must deliver the same events whatever the
 * chunking, never read out of bounds, and stay within their memory bound. The first
 * byte chooses the parser and a chunk size; the rest is the stream. */
#include "providers/stream.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int collect(void *data, const char *event, const char *payload, size_t len)
{
    struct buf *out = data;
    buf_puts(out, event ? event : "-");
    buf_putc(out, '\0');
    buf_append(out, payload, len);
    buf_putc(out, '\0');
    return 0;
}

static int run(int sse, const uint8_t *d, size_t n, size_t chunk, struct buf *out)
{
    struct sse_parser sp;
    struct ndjson_parser np;
    int rc = 0;
    if (sse) sse_parser_init(&sp, 4096); else ndjson_parser_init(&np, 4096);
    for (size_t i = 0; i < n && rc == 0; i += chunk) {
        size_t k = n - i < chunk ? n - i : chunk;
        rc = sse ? sse_parser_feed(&sp, (const char *)d + i, k, collect, out)
                 : ndjson_parser_feed(&np, (const char *)d + i, k, collect, out);
    }
    if (rc == 0) rc = sse ? sse_parser_finish(&sp, collect, out) : ndjson_parser_finish(&np, collect, out);
    if (sse) sse_parser_free(&sp); else ndjson_parser_free(&np);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) { xalloc_init(); init = 1; }
    if (size < 1) return 0;
    int sse = data[0] & 1;
    size_t chunk = (data[0] >> 1) + 1;
    struct buf whole = {0}, pieces = {0};
    int rc1 = run(sse, data + 1, size - 1, size, &whole);
    int rc2 = run(sse, data + 1, size - 1, chunk, &pieces);
    /* Same events, unless the stream was rejected (then both must reject). */
    if (rc1 != rc2) abort();
    if (rc1 == 0 && (whole.len != pieces.len || memcmp(buf_str(&whole), buf_str(&pieces), whole.len) != 0))
        abort();
    buf_free(&whole);
    buf_free(&pieces);
    return 0;
}
