/* Framing + dispatch throughput, in process: small framed requests and notifications
 * fed to the server in 64 KB reads (as the transport delivers them), every request
 * answered (MethodNotFound or a result), output to a counting write hook. */
#include "bench/bench_util.h"
#include "lsp/server_internal.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <string.h>

#define MESSAGES 300000

static size_t written, replies;

static void count_hook(void *data, const char *h, size_t hl, const char *b, size_t bl)
{
    (void)data; (void)h; (void)b;
    written += hl + bl;
    replies++;
}

static void frame_into(struct buf *out, const char *body)
{
    buf_printf(out, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
}

int main(void)
{
    xalloc_init();
    log_open(NULL, LOG_LEVEL_ERROR);
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct server_options o = {0};
    struct server *srv = server_new(&loop, &o);
    srv->write_hook = count_hook;
    server_start(srv);
    struct buf in = {0};
    frame_into(&in, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}");
    frame_into(&in, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":"
                    "{\"uri\":\"file:///a\",\"languageId\":\"c\",\"version\":1,\"text\":\"int main(void) {}\\n\"}}}");
    char body[512];
    for (int i = 1; i <= MESSAGES; i++) {
        if (i % 2)
            snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"textDocument/hover\","
                     "\"params\":{\"textDocument\":{\"uri\":\"file:///a\"},\"position\":{\"line\":0,\"character\":4}}}", i);
        else
            snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":"
                     "{\"textDocument\":{\"uri\":\"file:///a\",\"version\":%d},\"contentChanges\":[{\"range\":"
                     "{\"start\":{\"line\":0,\"character\":4},\"end\":{\"line\":0,\"character\":4}},\"text\":\"\"}]}}", i);
        frame_into(&in, body);
    }
    uint64_t t0 = bench_ns();
    for (size_t off = 0; off < in.len; off += 65536) {
        size_t n = in.len - off < 65536 ? in.len - off : 65536;
        server_feed(srv, in.data + off, n);
    }
    double secs = (double)(bench_ns() - t0) / 1e9;
    printf("framing+dispatch: %d messages (half requests answered, half didChange) in %.3f s: "
           "%.0f msgs/s, %.1f MB/s in, %zu replies\n", MESSAGES, secs, MESSAGES / secs,
           (double)in.len / secs / 1e6, replies);
    server_stop(srv, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    server_free(srv);
    uv_loop_close(&loop);
    buf_free(&in);
    (void)written;
    return 0;
}
