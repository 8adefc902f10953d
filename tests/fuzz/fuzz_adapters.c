/* Fuzz target: every adapter's stream-event parser and error classifier on arbitrary
 * bytes. The first byte picks the adapter (byte % kinds) and how many choices the
 * request asked for (1 + byte / kinds % PROVIDER_MAX_CHOICES: task.n); the second splits
 * event name from data and gives an HTTP status for the classifier; the event text is
 * also every header value. Nothing may crash, leak or read past the input; text never
 * names a choice that was not asked for; messages stay NUL-terminated. */
#include "providers/provider.h"
#include "base/xalloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct seen {
    size_t total;
    int choices;
};

static void on_text(void *data, int choice, const char *text, size_t len)
{
    struct seen *seen = data;
    if (choice < 0 || choice >= seen->choices) abort();
    if (len && !text) abort();
    seen->total += len;
}

/* Every header the classifier asks for (retry-after, retry-after-ms, x-ratelimit-reset-*)
 * has the fuzzed event text as its value, so delay parsing is fuzzed too. */
static const char *fuzzed_headers(void *headers, const char *name)
{
    (void)name;
    return headers;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) { xalloc_init(); init = 1; }
    if (size < 2) return 0;
    size_t count = 0;
    while (provider_table[count]) count++;
    const struct provider_ops *ops = provider_table[data[0] % count];
    size_t split = data[1] % (size - 1);
    char *event = xstrndup((const char *)data + 2, split);
    const char *payload = (const char *)data + 2 + split;
    size_t payload_len = size - 2 - split;
    char *copy = xmalloc(payload_len + 1);   /* adapters get NUL-terminated data, as from the parsers */
    memcpy(copy, payload, payload_len);
    copy[payload_len] = '\0';

    struct seen seen = { 0, 1 + (int)(data[0] / count % PROVIDER_MAX_CHOICES) };
    struct provider_stream st;
    provider_stream_init(&st, ops, on_text, &seen);
    st.choices = seen.choices;
    ops->parse_event(&st, split ? event : NULL, copy, payload_len);
    ops->parse_event(&st, split ? event : NULL, copy, payload_len);
    if (memchr(st.error.message, '\0', sizeof st.error.message) == NULL) abort();
    provider_stream_free(&st);

    struct provider_error err;
    memset(&err, 0, sizeof err);
    ops->classify_error(400 + data[1] % 200, fuzzed_headers, split ? event : NULL, copy, payload_len, &err);
    if (err.cls == PERR_NONE || memchr(err.message, '\0', sizeof err.message) == NULL) abort();
    free(copy);
    free(event);
    return 0;
}
