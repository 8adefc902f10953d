/* Fuzz target: arbitrary bytes on the server's stdin. The first byte picks the read
 * size (1..256 bytes, so headers and bodies split everywhere); the rest goes through
 * framing, JSON-RPC and dispatch (life cycle, text sync, executeCommand) of a real
 * server whose output goes to a hook that checks every reply is framed. Any crash,
 * leak or sanitizer report is a finding. */
#include "lsp/server_internal.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_output(void *data, const char *header, size_t hlen, const char *body, size_t blen)
{
    (void)data;
    size_t n;
    if (hlen < 20 || sscanf(header, "Content-Length: %zu", &n) != 1 || n != blen) abort();
    if (blen == 0 || body[0] != '{' || body[blen - 1] != '}') abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) { xalloc_init(); log_open(NULL, LOG_LEVEL_ERROR); log_set_level(LOG_LEVEL_ERROR); init = 1; }
    if (size < 1) return 0;
    size_t chunk = 1 + data[0];
    data++;
    size--;
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct server_options o = { .max_message_bytes = 4096 };
    struct server *srv = server_new(&loop, &o);
    srv->write_hook = check_output;
    server_start(srv);
    for (size_t off = 0; off < size; off += chunk)
        server_feed(srv, (const char *)data + off, size - off < chunk ? size - off : chunk);
    server_stop(srv, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    server_free(srv);
    if (uv_loop_close(&loop) != 0) abort();
    return 0;
}
