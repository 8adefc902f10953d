/* Inline completion middleware overhead, in process and in microseconds: the real
 * server (framing, rpc, inline feature, router, adapter, HTTP engine) on one loop with
 * a minimal upstream on 127.0.0.1 that answers at once (openai-completions SSE).
 *
 *   overhead = (upstream has the whole request - request fed to the server)
 *            + (response written to the editor - upstream wrote its last byte)
 *
 * at 20 requests per second, each in a new context (no cache). Then cancellation:
 * $/cancelRequest fed -> the upstream sees the connection close (EOF).
 * Figures are printed, never asserted. Needs no network beyond loopback, no key. */
#include "bench/bench_util.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "lsp/server_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REQUESTS 200
#define RATE_MS 50
#define CANCELS 20
#define MAX_IDS (REQUESTS + CANCELS + 16)

struct upstream_conn {
    uv_tcp_t tcp;
    struct buf in;
};

static uv_loop_t loop;
static uv_tcp_t listener;
static int port;
static bool stall;                     /* cancellation phase: never answer */
static struct server *srv;
static uint64_t t_fed[MAX_IDS], t_up[MAX_IDS], t_last[MAX_IDS], t_reply[MAX_IDS];
static int current_id;
static uint64_t t_fed_done[MAX_IDS];                 /* the request the upstream is serving */
static uint64_t t_cancel_fed, t_closed;
static int closed_count;

static const char *sse_body =
    "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"fast\","
    "\"choices\":[{\"text\":\"value + 1\",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"fast\","
    "\"choices\":[{\"text\":\"\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}],"
    "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}\n\n"
    "data: [DONE]\n\n";

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
    (void)h;
    b->base = xmalloc(suggested);
    b->len = suggested;
}

static void on_conn_closed(uv_handle_t *h)
{
    struct upstream_conn *c = h->data;
    buf_free(&c->in);
    free(c);
}

/* A whole request in c->in (headers + Content-Length body)? Consumes it. */
static bool take_request(struct upstream_conn *c)
{
    const char *end = c->in.data ? strstr(c->in.data, "\r\n\r\n") : NULL;
    if (!end) return false;
    size_t head = (size_t)(end - c->in.data) + 4;
    const char *cl = strcasestr(c->in.data, "content-length:");
    size_t body = cl && cl < end ? (size_t)strtoul(cl + 15, NULL, 10) : 0;
    if (c->in.len < head + body) return false;
    buf_consume(&c->in, head + body);
    return true;
}

static void answer(struct upstream_conn *c)
{
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %zu\r\n"
                     "Connection: keep-alive\r\n\r\n", strlen(sse_body));
    uv_buf_t bufs[2] = { uv_buf_init(head, (unsigned)n), uv_buf_init((char *)sse_body, (unsigned)strlen(sse_body)) };
    int w = uv_try_write((uv_stream_t *)&c->tcp, bufs, 2);
    if (w != n + (int)strlen(sse_body)) fprintf(stderr, "inline_overhead: short write %d\n", w);
    if (current_id > 0 && current_id < MAX_IDS) t_last[current_id] = bench_ns();
}

static void on_upstream_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
    struct upstream_conn *c = s->data;
    if (nread < 0) {
        if (stall) {
            t_closed = bench_ns();
            closed_count++;
        }
        uv_close((uv_handle_t *)s, on_conn_closed);
    } else if (nread > 0) {
        buf_append(&c->in, b->base, (size_t)nread);
        while (take_request(c)) {
            if (current_id > 0 && current_id < MAX_IDS) t_up[current_id] = bench_ns();
            if (!stall) answer(c);
        }
    }
    free(b->base);
}

static void on_upstream_connection(uv_stream_t *server, int status)
{
    if (status < 0) return;
    struct upstream_conn *c = xcalloc(1, sizeof *c);
    uv_tcp_init(&loop, &c->tcp);
    c->tcp.data = c;
    uv_tcp_nodelay(&c->tcp, 1);
    if (uv_accept(server, (uv_stream_t *)&c->tcp) == 0)
        uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_upstream_read);
    else
        uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

/* Responses to the editor: note when the one for each id is written. */
static void on_output(void *data, const char *h, size_t hl, const char *body, size_t bl)
{
    (void)data; (void)h; (void)hl;
    const char *id = memmem(body, bl, "\"id\":", 5);
    if (!id || memmem(body, bl, "\"method\"", 8)) return;   /* notifications, server requests */
    int n = atoi(id + 5);
    if (n > 0 && n < MAX_IDS && !t_reply[n]) t_reply[n] = bench_ns();
}

static void feed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void feed(const char *fmt, ...)
{
    char body[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    char frame[1200];
    int n = snprintf(frame, sizeof frame, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    server_feed(srv, frame, (size_t)n);
}

static void request(int id, const char *text)
{
    feed("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":"
         "{\"uri\":\"file:///bench/a.py\",\"version\":%d},\"contentChanges\":[{\"text\":\"%s\"}]}}",
         id + 1, text);
    current_id = id;
    t_fed[id] = bench_ns();
    feed("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"textDocument/inlineCompletion\",\"params\":"
         "{\"textDocument\":{\"uri\":\"file:///bench/a.py\"},\"position\":{\"line\":0,\"character\":%zu},"
         "\"context\":{\"triggerKind\":1}}}", id, strlen(text));
    t_fed_done[id] = bench_ns();
}

static void run_until(bool (*done)(int), int arg, uint64_t timeout_ms)
{
    uint64_t deadline = bench_ns() + timeout_ms * 1000000u;
    while (!done(arg) && bench_ns() < deadline) uv_run(&loop, UV_RUN_ONCE);
}

static bool replied(int id) { return t_reply[id] != 0; }
static bool upstream_has(int id) { return t_up[id] != 0; }
static bool closed(int count) { return closed_count >= count; }

static void sleep_ms(unsigned ms)
{
    uint64_t until = bench_ns() + (uint64_t)ms * 1000000u;
    while (bench_ns() < until) {
        uv_run(&loop, UV_RUN_NOWAIT);
        usleep(500);
    }
}

static char *write_config(const char *dir)
{
    char *path = xasprintf("%s/config.json", dir);
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); exit(1); }
    fprintf(f, "{\"providers\": {\"up\": {\"kind\": \"openai-completions\", \"base_url\": \"http://127.0.0.1:%d\"}},"
               " \"models\": {\"fast\": {\"provider\": \"up\", \"model\": \"fast\", \"price\": {\"input\": 1, \"output\": 2}}},"
               " \"routes\": [{\"when\": {}, \"targets\": [\"fast\"]}],"
               " \"inline\": {\"debounce_ms\": 0, \"candidates\": 1, \"snippets\": false, \"cache_entries\": 0},"
               " \"ledger\": {\"path\": \"%s/ledger.jsonl\"}}\n", port, dir);
    fclose(f);
    return path;
}

static void report(const char *what, uint64_t *ns, size_t n)
{
    if (!n) { printf("%s: no samples\n", what); return; }
    printf("%s (%zu): median %.3f ms, p99 %.3f ms\n", what, n,
           (double)bench_quantile(ns, n, 0.5) / 1e6, (double)bench_quantile(ns, n, 0.99) / 1e6);
}

int main(void)
{
    xalloc_init();
    log_open(NULL, LOG_LEVEL_ERROR);
    uv_loop_init(&loop);
    uv_tcp_init(&loop, &listener);
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", 0, &addr);
    uv_tcp_bind(&listener, (const struct sockaddr *)&addr, 0);
    uv_listen((uv_stream_t *)&listener, 64, on_upstream_connection);
    struct sockaddr_in bound;
    int len = sizeof bound;
    uv_tcp_getsockname(&listener, (struct sockaddr *)&bound, &len);
    port = ntohs(bound.sin_port);

    char dir[] = "/tmp/inline-overhead-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char *config = write_config(dir);
    struct server_options o = { .config_path = config };
    srv = server_new(&loop, &o);
    srv->write_hook = on_output;
    server_start(srv);
    feed("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"initialize\",\"params\":{\"capabilities\":"
         "{\"textDocument\":{\"inlineCompletion\":{}}}}}", MAX_IDS - 1);
    feed("{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
    feed("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":"
         "{\"uri\":\"file:///bench/a.py\",\"languageId\":\"python\",\"version\":1,\"text\":\"x = \"}}}");
    sleep_ms(100);   /* warm-up connect */

    uint64_t over[REQUESTS], in_leg[REQUESTS], out_leg[REQUESTS], sync_leg[REQUESTS];
    size_t n = 0;
    for (int id = 1; id <= REQUESTS; id++) {
        if (id == 2 && !t_up[1]) {
            printf("inline_overhead: no upstream request (router not wired into the server?); no figures\n");
            break;
        }
        char text[64];
        snprintf(text, sizeof text, "value_%d = ", id);
        uint64_t start = bench_ns();
        request(id, text);
        run_until(replied, id, 2000);
        if (t_up[id] && t_last[id] && t_reply[id]) {
            in_leg[n] = t_up[id] - t_fed[id];
            out_leg[n] = t_reply[id] - t_last[id];
            over[n] = in_leg[n] + out_leg[n];
            sync_leg[n] = t_fed_done[id] - t_fed[id];
            n++;
        }
        uint64_t spent = (bench_ns() - start) / 1000000u;
        if (spent < RATE_MS) sleep_ms((unsigned)(RATE_MS - spent));
    }
    printf("inline middleware overhead in process, %d req/s, openai-completions SSE over loopback:\n",
           1000 / RATE_MS);
    report("  total", over, n);
    report("  editor request -> upstream request", in_leg, n);
    report("  upstream last byte -> editor response", out_leg, n);
    report("  handler (synchronous part)", sync_leg, n);

    stall = true;
    uint64_t cancel_ns[CANCELS];
    size_t c = 0;
    for (int k = 0; k < CANCELS && n > 0; k++) {
        int id = REQUESTS + 1 + k;
        char text[64];
        snprintf(text, sizeof text, "cancel_%d = ", k);
        request(id, text);
        run_until(upstream_has, id, 2000);
        t_cancel_fed = bench_ns();
        feed("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":%d}}", id);
        run_until(closed, k + 1, 2000);
        if (closed_count == k + 1) cancel_ns[c++] = t_closed - t_cancel_fed;
        run_until(replied, id, 2000);
    }
    report("cancellation: $/cancelRequest -> upstream connection closed", cancel_ns, c);

    server_stop(srv, 0);
    uv_close((uv_handle_t *)&listener, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    server_free(srv);
    uv_loop_close(&loop);
    char *ledger = xasprintf("%s/ledger.jsonl", dir);
    unlink(ledger);
    unlink(config);
    rmdir(dir);
    free(ledger);
    free(config);
    return 0;
}
