/* Tests for the SSE and NDJSON parsers: line ends, comments, event names, multi-line
 * data, final event without a blank line, any chunking, and the memory bound. */
#include "tests/unit/test.h"
#include "providers/stream.h"
#include "base/buf.h"

/* Events are recorded as "name|payload\n" (name "-" when absent). */
static int record(void *data, const char *event, const char *payload, size_t len)
{
    struct buf *out = data;
    ASSERT(payload[len] == '\0');
    buf_puts(out, event ? event : "-");
    buf_putc(out, '|');
    buf_append(out, payload, len);
    buf_putc(out, '\n');
    return 0;
}

static char *sse_all(const char *in, size_t len, size_t piece)
{
    struct sse_parser p;
    struct buf out = {0};
    sse_parser_init(&p, 0);
    for (size_t i = 0; i < len; i += piece) {
        size_t n = len - i < piece ? len - i : piece;
        ASSERT_EQ(sse_parser_feed(&p, in + i, n, record, &out), 0);
    }
    ASSERT_EQ(sse_parser_finish(&p, record, &out), 0);
    sse_parser_free(&p);
    return buf_steal(&out);
}

static void check_every_split(const char *in, const char *expected)
{
    size_t len = strlen(in);
    for (size_t piece = 1; piece <= len; piece++) {
        char *got = sse_all(in, len, piece);
        ASSERT_STREQ(got, expected);
        free(got);
    }
    for (size_t cut = 0; cut <= len; cut++) {   /* two pieces at every split point */
        struct sse_parser p;
        struct buf out = {0};
        sse_parser_init(&p, 0);
        ASSERT_EQ(sse_parser_feed(&p, in, cut, record, &out), 0);
        ASSERT_EQ(sse_parser_feed(&p, in + cut, len - cut, record, &out), 0);
        ASSERT_EQ(sse_parser_finish(&p, record, &out), 0);
        ASSERT_STREQ(buf_str(&out), expected);
        buf_free(&out);
        sse_parser_free(&p);
    }
}

TEST(sse_lf_crlf_and_lone_cr)
{
    const char *expected = "-|a\n-|b\n";
    check_every_split("data: a\n\ndata: b\n\n", expected);
    check_every_split("data: a\r\n\r\ndata: b\r\n\r\n", expected);
    check_every_split("data: a\r\rdata: b\r\r", expected);
    check_every_split("data: a\r\n\ndata: b\n\r\n", expected);
}

TEST(sse_comments_event_names_multiline)
{
    check_every_split(": keep-alive\n\nevent: message_start\ndata: {\"x\":1}\n\n"
                      ":ping\nevent: ping\n\n"          /* event without data: nothing */
                      "data: line1\ndata:line2\ndata:  two spaces\n\n"
                      "id: 7\nretry: 10\ndata\n\n",
                      "message_start|{\"x\":1}\n-|line1\nline2\n two spaces\n-|\n");
}

TEST(sse_final_event_without_blank_line)
{
    check_every_split("event: a\ndata: 1\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}",
                      "a|1\nmessage_stop|{\"type\":\"message_stop\"}\n");
    check_every_split("data: last\n", "-|last\n");
}

TEST(sse_event_name_resets_between_events)
{
    check_every_split("event: e1\ndata: 1\n\ndata: 2\n\n", "e1|1\n-|2\n");
}

TEST(sse_bare_error_line_becomes_error_event)
{
    check_every_split("error: {\"code\":500}\n\ndata: [DONE]\n\n", "error|{\"code\":500}\n-|[DONE]\n");
}

static int stop_first(void *data, const char *event, const char *payload, size_t len)
{
    (void)event; (void)payload; (void)len;
    ++*(int *)data;
    return 1;
}

TEST(sse_callback_can_stop)
{
    struct sse_parser p;
    int calls = 0;
    sse_parser_init(&p, 0);
    ASSERT_EQ(sse_parser_feed(&p, "data: a\n\ndata: b\n\n", 18, stop_first, &calls), 1);
    ASSERT_EQ(calls, 1);
    sse_parser_free(&p);
}

TEST(sse_oversized_event_is_an_error)
{
    struct sse_parser p;
    struct buf out = {0};
    sse_parser_init(&p, 64);
    char big[200];
    memset(big, 'x', sizeof big);
    ASSERT_EQ(sse_parser_feed(&p, "data: ", 6, record, &out), 0);
    ASSERT_EQ(sse_parser_feed(&p, big, sizeof big, record, &out), -1);
    sse_parser_free(&p);
    /* many short data lines add up too */
    sse_parser_init(&p, 64);
    int rc = 0;
    for (int i = 0; i < 40 && rc == 0; i++) rc = sse_parser_feed(&p, "data: 0123\n", 11, record, &out);
    ASSERT_EQ(rc, -1);
    ASSERT_EQ(out.len, 0);
    sse_parser_free(&p);
    /* a line that arrives whole in one feed is bounded as well */
    sse_parser_init(&p, 64);
    struct buf line = {0};
    buf_puts(&line, "data: ");
    buf_append(&line, big, sizeof big);
    buf_puts(&line, "\n\n");
    ASSERT_EQ(sse_parser_feed(&p, line.data, line.len, record, &out), -1);
    buf_free(&line);
    sse_parser_free(&p);
}

static char *ndjson_all(const char *in, size_t piece)
{
    struct ndjson_parser p;
    struct buf out = {0};
    size_t len = strlen(in);
    ndjson_parser_init(&p, 0);
    for (size_t i = 0; i < len; i += piece) {
        size_t n = len - i < piece ? len - i : piece;
        ASSERT_EQ(ndjson_parser_feed(&p, in + i, n, record, &out), 0);
    }
    ASSERT_EQ(ndjson_parser_finish(&p, record, &out), 0);
    ndjson_parser_free(&p);
    return buf_steal(&out);
}

TEST(ndjson_lines_any_chunking)
{
    const char *in = "{\"a\":1}\n\n{\"b\":2}\r\n  \n{\"c\":3}";
    for (size_t piece = 1; piece <= strlen(in); piece++) {
        char *got = ndjson_all(in, piece);
        ASSERT_STREQ(got, "-|{\"a\":1}\n-|{\"b\":2}\n-|{\"c\":3}\n");
        free(got);
    }
}

TEST(ndjson_oversized_line_is_an_error)
{
    struct ndjson_parser p;
    struct buf out = {0};
    ndjson_parser_init(&p, 16);
    ASSERT_EQ(ndjson_parser_feed(&p, "{\"a\":1}\n", 8, record, &out), 0);
    ASSERT_EQ(ndjson_parser_feed(&p, "{\"aaaaaaaaaaaaaaaaaaaaaaa\":1}\n", 30, record, &out), -1);
    ndjson_parser_free(&p);
    ndjson_parser_init(&p, 16);
    int rc = 0;
    for (int i = 0; i < 10 && rc == 0; i++) rc = ndjson_parser_feed(&p, "xxxx", 4, record, &out);
    ASSERT_EQ(rc, -1);
    ndjson_parser_free(&p);
    buf_free(&out);
}
