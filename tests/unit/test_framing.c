/* Tests for lsp/framing.c: header parsing, any chunking, several messages per read,
 * bad headers with resync, size limits. */
#include "tests/unit/test.h"
#include "lsp/framing.h"
#include "base/buf.h"
#include "base/xalloc.h"

struct collected {
    int count;
    enum frame_status status[64];
    char *body[64];
    char *id[64];
};

static int collect(void *data, const struct frame_event *ev)
{
    struct collected *c = data;
    if (c->count >= 64) return 1;
    c->status[c->count] = ev->status;
    c->body[c->count] = ev->body ? xstrndup(ev->body, ev->len) : NULL;
    c->id[c->count] = xstrdup(ev->id_text);
    c->count++;
    return 0;
}

static void collected_free(struct collected *c)
{
    for (int i = 0; i < c->count; i++) { free(c->body[i]); free(c->id[i]); }
    c->count = 0;
}

static void add_message(struct buf *b, const char *body, int variant)
{
    switch (variant % 4) {
    case 0: buf_printf(b, "Content-Length: %zu\r\n\r\n%s", strlen(body), body); break;
    case 1: buf_printf(b, "content-length:%zu\r\n\r\n%s", strlen(body), body); break;
    case 2: buf_printf(b, "Content-Length: %zu\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n%s",
                       strlen(body), body); break;
    default: buf_printf(b, "Content-Type: application/vscode-jsonrpc; charset=utf8\r\nCONTENT-LENGTH: %zu\r\n\r\n%s",
                        strlen(body), body); break;
    }
}

static void feed_chunked(struct frame_parser *p, const char *data, size_t len, unsigned max_chunk,
                         struct collected *c)
{
    size_t off = 0;
    while (off < len) {
        size_t n = max_chunk <= 1 ? 1 : 1 + test_rand() % max_chunk;
        if (n > len - off) n = len - off;
        frame_parser_feed(p, data + off, n, collect, c);
        off += n;
    }
}

TEST(framing_parse_header_cases)
{
    struct frame_header h;
    ASSERT_EQ(frame_parse_header("Content-Length: 12\r\n\r\n", 22, &h), 22);
    ASSERT_EQ(h.content_length, 12);
    ASSERT_EQ(frame_parse_header("content-LENGTH:7\n\n", 18, &h), 18);
    ASSERT_EQ(h.content_length, 7);
    ASSERT_EQ(frame_parse_header("Content-Length: 12\r\n", 20, &h), -2);
    ASSERT_EQ(frame_parse_header("Content-Type: x\r\n\r\n", 19, &h), -1);     /* no length */
    ASSERT_EQ(frame_parse_header("Content-Length: 1x\r\n\r\n", 22, &h), -1);
    ASSERT_EQ(frame_parse_header("Content-Length: -1\r\n\r\n", 22, &h), -1);
    ASSERT_EQ(frame_parse_header("Content-Length: 99999999999999999999999\r\n\r\n", 43, &h), -1);
    ASSERT_EQ(frame_parse_header("bad header\r\n\r\n", 14, &h), -1);
    const char *latin = "Content-Length: 2\r\nContent-Type: application/json; charset=latin1\r\n\r\n";
    ASSERT(frame_parse_header(latin, strlen(latin), &h) > 0);
    ASSERT(h.bad_charset);
}

TEST(framing_several_messages_in_one_read)
{
    struct buf b = {0};
    add_message(&b, "{\"a\":1}", 0);
    add_message(&b, "{\"b\":2}", 1);
    add_message(&b, "{\"c\":3}", 2);
    struct frame_parser p;
    frame_parser_init(&p, 0);
    struct collected c = {0};
    frame_parser_feed(&p, b.data, b.len, collect, &c);
    ASSERT_EQ(c.count, 3);
    ASSERT_STREQ(c.body[0], "{\"a\":1}");
    ASSERT_STREQ(c.body[1], "{\"b\":2}");
    ASSERT_STREQ(c.body[2], "{\"c\":3}");
    ASSERT(frame_parser_idle(&p));
    collected_free(&c);
    frame_parser_free(&p);
    buf_free(&b);
}

/* Random chunk sizes (including 1-byte reads) must give the same messages. */
TEST(framing_random_chunking)
{
    test_srand(4242);
    struct buf stream = {0};
    char *expected[40];
    for (int i = 0; i < 40; i++) {
        struct buf body = {0};
        buf_printf(&body, "{\"id\":%d,\"text\":\"", i);
        size_t n = test_rand() % (i == 7 ? 70000 : 300);
        for (size_t k = 0; k < n; k++) buf_putc(&body, (char)('a' + k % 26));
        buf_puts(&body, "\u00e9\u20ac\"}");
        add_message(&stream, body.data, i);
        expected[i] = buf_steal(&body);
    }
    unsigned sizes[] = { 1, 2, 7, 100, 5000, 100000 };
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        struct frame_parser p;
        frame_parser_init(&p, 0);
        struct collected c = {0};
        feed_chunked(&p, stream.data, stream.len, sizes[s], &c);
        ASSERT_EQ(c.count, 40);
        for (int i = 0; i < 40; i++) {
            ASSERT_EQ(c.status[i], FRAME_MESSAGE);
            ASSERT_STREQ(c.body[i], expected[i]);
        }
        ASSERT(frame_parser_idle(&p));
        collected_free(&c);
        frame_parser_free(&p);
    }
    for (int i = 0; i < 40; i++) free(expected[i]);
    buf_free(&stream);
}

TEST(framing_bad_header_then_resync)
{
    const char *inputs[] = {
        "Content-Length: abc\r\n\r\n",
        "hello world\r\n\r\n",
        "garbage without blank line ",
        "Content-Length: 5\r\nX Bad: y\r\n\r\n",
    };
    for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++) {
        for (unsigned chunk = 1; chunk <= 64; chunk *= 4) {
            struct buf b = {0};
            buf_puts(&b, inputs[k]);
            add_message(&b, "{\"ok\":1}", (int)k);
            struct frame_parser p;
            frame_parser_init(&p, 0);
            struct collected c = {0};
            feed_chunked(&p, b.data, b.len, chunk, &c);
            ASSERT(c.count >= 2);
            ASSERT_EQ(c.status[0], FRAME_BAD_HEADER);
            /* Only one error per garbage run, then the good message. */
            ASSERT_EQ(c.count, 2);
            ASSERT_EQ(c.status[1], FRAME_MESSAGE);
            ASSERT_STREQ(c.body[1], "{\"ok\":1}");
            collected_free(&c);
            frame_parser_free(&p);
            buf_free(&b);
        }
    }
}

TEST(framing_header_too_long)
{
    struct buf b = {0};
    buf_puts(&b, "X-Long: ");
    for (int i = 0; i < 20000; i++) buf_putc(&b, 'x');
    buf_puts(&b, "\r\n\r\n");
    add_message(&b, "{\"after\":true}", 0);
    struct frame_parser p;
    frame_parser_init(&p, 0);
    struct collected c = {0};
    feed_chunked(&p, b.data, b.len, 3000, &c);
    ASSERT_EQ(c.count, 2);
    ASSERT_EQ(c.status[0], FRAME_BAD_HEADER);
    ASSERT_STREQ(c.body[1], "{\"after\":true}");
    ASSERT(p.header.cap < 64 * 1024);   /* bounded memory */
    collected_free(&c);
    frame_parser_free(&p);
    buf_free(&b);
}

TEST(framing_oversized_body_skipped_with_id)
{
    struct buf big = {0};
    buf_puts(&big, "{\"jsonrpc\":\"2.0\",\"id\":\"req-9\",\"method\":\"x\",\"params\":{\"id\":3,\"t\":\"");
    for (int i = 0; i < 5000; i++) buf_putc(&big, 'z');
    buf_puts(&big, "\"}}");
    for (unsigned chunk = 1; chunk <= 10000; chunk *= 10) {
        struct buf b = {0};
        add_message(&b, big.data, 0);
        add_message(&b, "{\"next\":1}", 1);
        struct frame_parser p;
        frame_parser_init(&p, 1024);
        struct collected c = {0};
        feed_chunked(&p, b.data, b.len, chunk, &c);
        ASSERT_EQ(c.count, 2);
        ASSERT_EQ(c.status[0], FRAME_TOO_LARGE);
        ASSERT_STREQ(c.id[0], "\"req-9\"");
        ASSERT_STREQ(c.body[1], "{\"next\":1}");
        ASSERT(p.body.cap < 4096);        /* the big body was never buffered */
        collected_free(&c);
        frame_parser_free(&p);
        buf_free(&b);
    }
    buf_free(&big);
}

TEST(framing_bad_charset_skipped)
{
    const char *msg = "Content-Length: 8\r\nContent-Type: application/json; charset=latin1\r\n\r\n"
                      "{\"id\":4}Content-Length: 2\r\n\r\n{}";
    struct frame_parser p;
    frame_parser_init(&p, 0);
    struct collected c = {0};
    frame_parser_feed(&p, msg, strlen(msg), collect, &c);
    ASSERT_EQ(c.count, 2);
    ASSERT_EQ(c.status[0], FRAME_BAD_CHARSET);
    ASSERT_STREQ(c.id[0], "4");
    ASSERT_STREQ(c.body[1], "{}");
    collected_free(&c);
    frame_parser_free(&p);
}

TEST(framing_peek_id)
{
    char id[64];
    ASSERT(frame_peek_id("{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"a\"}", 38, id, sizeof id));
    ASSERT_STREQ(id, "17");
    const char *nested = "{\"method\":\"a\",\"params\":{\"id\":1,\"s\":\"\\\"id\\\"\"},\"id\":\"x\\\"y\"}";
    ASSERT(frame_peek_id(nested, strlen(nested), id, sizeof id));
    ASSERT_STREQ(id, "\"x\\\"y\"");
    const char *none = "{\"method\":\"a\",\"params\":{\"id\":1}}";
    ASSERT(!frame_peek_id(none, strlen(none), id, sizeof id));
    ASSERT(!frame_peek_id("{\"id\":12", 6, id, sizeof id));   /* cut before the value */
}

static int stop_after_one(void *data, const struct frame_event *ev)
{
    (void)ev;
    ++*(int *)data;
    return 1;
}

TEST(framing_stop_discards_rest)
{
    struct buf b = {0};
    add_message(&b, "{}", 0);
    add_message(&b, "{}", 0);
    struct frame_parser p;
    frame_parser_init(&p, 0);
    int calls = 0;
    ASSERT_EQ(frame_parser_feed(&p, b.data, b.len, stop_after_one, &calls), 1);
    ASSERT_EQ(calls, 1);
    frame_parser_free(&p);
    buf_free(&b);
}

/* picohttpparser's trick: put the input right before an inaccessible page, so reading
 * one byte past it crashes the test. Every prefix of a message is parsed this way. */
#include <sys/mman.h>
#include <unistd.h>

static int count_events(void *data, const struct frame_event *ev)
{
    (void)ev;
    ++*(int *)data;
    return 0;
}

TEST(framing_never_reads_past_input)
{
    long page = sysconf(_SC_PAGESIZE);
    char *mem = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT(mem != MAP_FAILED);
    ASSERT_EQ(mprotect(mem + page, (size_t)page, PROT_NONE), 0);
    const char *inputs[] = {
        "Content-Length: 17\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"id\":1,\"a\":\"\\\"\"}",
        "content-length:3\n\n{}}",
        "garbage Content-Len",
        "{\"jsonrpc\":\"2.0\",\"id\":\"abc\\\\\",\"params\":{\"id\":[1,{\"id\":2}]}}",
    };
    for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++) {
        size_t len = strlen(inputs[k]);
        for (size_t cut = 0; cut <= len; cut++) {
            char *at = mem + page - cut;
            memcpy(at, inputs[k], cut);
            struct frame_header h;
            (void)frame_parse_header(at, cut, &h);
            char id[32];
            (void)frame_peek_id(at, cut, id, sizeof id);
            struct frame_parser p;
            frame_parser_init(&p, 8);
            int events = 0;
            frame_parser_feed(&p, at, cut, count_events, &events);
            frame_parser_free(&p);
            if (k == 0) ASSERT_EQ(events, cut == len ? 1 : 0);   /* one TOO_LARGE at the end */
        }
    }
    munmap(mem, (size_t)page * 2);
}
