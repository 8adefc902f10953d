/* Fuzz target: the inline text transforms (post-processing, redaction, context cuts,
 * cache) on arbitrary bytes. The first bytes choose the mode and where the input is
 * split into prefix | suffix | model text; nothing may crash, read out of bounds or
 * leak, and results keep their promises (never whitespace-only, cuts in range). */
#include "inline/inline_cache.h"
#include "inline/inline_context.h"
#include "inline/postprocess.h"
#include "lsp/privacy.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    enum multiline_mode mode = (enum multiline_mode)(data[0] % 3);
    int max_lines = 1 + data[1] % 16;
    size_t rest = size - 4;
    const char *text = (const char *)data + 4;
    size_t a = rest ? data[2] % (rest + 1) : 0;
    size_t b = a + (rest - a ? data[3] % (rest - a + 1) : 0);
    const char *prefix = text, *suffix = text + a, *model = text + b;
    size_t plen = a, slen = b - a, mlen = rest - b;

    struct postprocess_ctx ctx;
    postprocess_init(&ctx, prefix, plen, suffix, slen, mode, max_lines);
    char *out = postprocess_apply(model, mlen, &ctx);
    if (out && strspn(out, " \t\r\n") == strlen(out)) abort();
    postprocess_is_complete(model, mlen, &ctx);

    size_t rlen = 0;
    int count = 0;
    char *red = privacy_redact(text, rest, &rlen, &count);
    if (strlen(red) > rlen) abort();   /* embedded NULs allowed, never a longer string */
    free(red);

    size_t start = inline_cut_prefix(prefix, plen, data[1]);
    size_t end = inline_cut_suffix(suffix, slen, data[2]);
    if (start > plen || end > slen) abort();

    struct inline_cache *cache = inline_cache_new(2);
    const char *texts[] = { out ? out : "x" };
    inline_cache_put(cache, prefix, plen, suffix, slen, "v", "m", texts, NULL, 1, 1);
    struct inline_cache_hit hit;
    if (inline_cache_lookup(cache, text, rest, suffix, slen, "v", &hit)) inline_cache_hit_free(&hit);
    inline_cache_free(cache);
    free(out);
    return 0;
}
