/* Benchmark: stream parser + adapter cost per event, on synthetic streams shaped like
 * each API's (OpenAI chat chunks, Anthropic named events, Ollama NDJSON), fed in
 * 1400-byte pieces like network reads. Prints ns per event and MB/s per API.
 * Usage: adapters [ROUNDS] (default 20). Exit status 1 if no stream yielded text. */
#include "providers/adapter.h"
#include "providers/stream.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>

#define EVENTS 2000
#define PIECE 1400

static size_t text_total;
static void on_text(void *data, int choice, const char *text, size_t len)
{
    (void)data; (void)choice; (void)text;
    text_total += len;
}

struct api { const char *name; const struct provider_ops *ops; enum stream_format fmt; };

static void make_stream(const struct api *a, struct buf *out)
{
    for (int i = 0; i < EVENTS; i++) {
        if (a->ops == &provider_anthropic)
            buf_printf(out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                            "\"delta\":{\"type\":\"text_delta\",\"text\":\"tok%d \"}}\n\n", i);
        else if (a->ops == &provider_ollama)
            buf_printf(out, "{\"model\":\"qwen2.5-coder:1.5b\",\"created_at\":\"2025-01-01T00:00:00.1Z\","
                            "\"response\":\"tok%d \",\"done\":false}\n", i);
        else
            buf_printf(out, "data: {\"id\":\"chatcmpl-AB12\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                            "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok%d \"},"
                            "\"logprobs\":null,\"finish_reason\":null}]}\n\n", i);
    }
}

static const struct provider_ops *current;
static int deliver_to(void *data, const char *event, const char *payload, size_t len)
{
    return current->parse_event(data, event, payload, len) ? 1 : 0;
}

int main(int argc, char **argv)
{
    xalloc_init();
    int rounds = argc > 1 ? atoi(argv[1]) : 0;
    if (rounds <= 0) rounds = 20;
    const struct api apis[] = {
        { "openai", &provider_openai, STREAM_SSE },
        { "anthropic", &provider_anthropic, STREAM_SSE },
        { "ollama", &provider_ollama, STREAM_NDJSON },
    };
    for (size_t k = 0; k < sizeof apis / sizeof apis[0]; k++) {
        struct buf stream = {0};
        make_stream(&apis[k], &stream);
        current = apis[k].ops;
        uint64_t t0 = clock_monotonic_us();
        for (int r = 0; r < rounds; r++) {
            struct provider_stream st;
            provider_stream_init(&st, apis[k].ops, on_text, NULL);
            struct sse_parser sse;
            struct ndjson_parser nd;
            sse_parser_init(&sse, 0);
            ndjson_parser_init(&nd, 0);
            for (size_t i = 0; i < stream.len; i += PIECE) {
                size_t n = stream.len - i < PIECE ? stream.len - i : PIECE;
                if (apis[k].fmt == STREAM_SSE) sse_parser_feed(&sse, stream.data + i, n, deliver_to, &st);
                else ndjson_parser_feed(&nd, stream.data + i, n, deliver_to, &st);
            }
            sse_parser_free(&sse);
            ndjson_parser_free(&nd);
            provider_stream_free(&st);
        }
        double us = (double)(clock_monotonic_us() - t0);
        double events = (double)EVENTS * rounds;
        printf("%-10s %7.0f ns/event  %7.1f MB/s  (%d events x %d rounds, %zu bytes/stream)\n", apis[k].name,
               us * 1000 / events, (double)stream.len * rounds / us, EVENTS, rounds, stream.len);
        buf_free(&stream);
    }
    return text_total ? 0 : 1;
}
