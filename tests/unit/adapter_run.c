/* Test helper: feeds response bytes through the stream parsers into an adapter. */
#include "tests/unit/adapter_run.h"
#include "tests/unit/test.h"

static void collect_text(void *data, int choice, const char *text, size_t len)
{
    struct adapter_run *r = data;
    ASSERT(choice >= 0 && choice < (r->st.choices > 1 ? r->st.choices : 1));
    if (choice == 0) buf_append(&r->text, text, len);
    buf_append(&r->choice_text[choice], text, len);
}

static int deliver(void *data, const char *event, const char *payload, size_t len)
{
    struct adapter_run *r = data;
    if (r->ops->parse_event(&r->st, event, payload, len) != 0) r->bad_events++;
    return 0;
}

static int feed(struct adapter_run *r, enum stream_format fmt, void *parser, const char *b, size_t n)
{
    return fmt == STREAM_SSE ? sse_parser_feed(parser, b, n, deliver, r)
                             : ndjson_parser_feed(parser, b, n, deliver, r);
}

static void run_bytes(struct adapter_run *r, const struct provider_ops *ops, enum stream_format fmt,
                      const char *bytes, size_t len, size_t cut, size_t piece, int choices)
{
    memset(r, 0, sizeof *r);
    r->ops = ops;
    provider_stream_init(&r->st, ops, collect_text, r);
    r->st.choices = choices;
    struct sse_parser sse;
    struct ndjson_parser nd;
    void *parser = fmt == STREAM_SSE ? (void *)&sse : (void *)&nd;
    if (fmt == STREAM_SSE) sse_parser_init(&sse, 0); else ndjson_parser_init(&nd, 0);
    if (cut > len) cut = len;
    int rc = feed(r, fmt, parser, bytes, cut);
    for (size_t i = cut; rc == 0 && i < len;) {
        size_t n = piece && piece < len - i ? piece : len - i;
        rc = feed(r, fmt, parser, bytes + i, n);
        i += n;
    }
    if (rc == 0) rc = fmt == STREAM_SSE ? sse_parser_finish(&sse, deliver, r) : ndjson_parser_finish(&nd, deliver, r);
    r->parser_rc = rc;
    if (fmt == STREAM_SSE) sse_parser_free(&sse); else ndjson_parser_free(&nd);
}

void adapter_run_bytes(struct adapter_run *r, const struct provider_ops *ops, enum stream_format fmt,
                       const char *bytes, size_t len, size_t cut, size_t piece)
{
    run_bytes(r, ops, fmt, bytes, len, cut, piece, 1);
}

void adapter_run_choices(struct adapter_run *r, const struct provider_ops *ops, enum stream_format fmt,
                         const char *bytes, size_t len, int choices)
{
    run_bytes(r, ops, fmt, bytes, len, 0, 1, choices);
}

void adapter_run_free(struct adapter_run *r)
{
    buf_free(&r->text);
    for (int i = 0; i < PROVIDER_MAX_CHOICES; i++) buf_free(&r->choice_text[i]);
    provider_stream_free(&r->st);
}

const char *resp_body(const char *file, size_t len, size_t *body_len)
{
    const char *sep = strstr(file, "\n\n");
    if (!sep) test_fail(__FILE__, __LINE__, "recording without a blank line after its headers");
    sep += 2;
    *body_len = len - (size_t)(sep - file);
    return sep;
}
