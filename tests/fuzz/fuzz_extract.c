/* Fuzz target: the code-action answer extractor (lsp/extract.h) on arbitrary model
 * answers and selections. The first byte splits the input into answer and selection,
 * the second picks the language tag and line ending. Nothing may crash, leak or read
 * past the input; a result is NUL-terminated at its length, and shaping the result
 * again must not fail. */
#include "lsp/extract.h"
#include "base/xalloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const languages[] = { NULL, "python", "c", "", "js" };
static const char *const eols[] = { NULL, "\n", "\r\n" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) { xalloc_init(); init = 1; }
    if (size < 2) return 0;
    size_t split = data[0] % (size - 1);
    const char *language = languages[data[1] % 5];
    const char *eol = eols[(data[1] / 5) % 3];
    /* Separate heap copies so ASan sees any read past either buffer. */
    char *sel = xmalloc(split ? split : 1);
    memcpy(sel, data + 2, split);
    size_t alen = size - 2 - split;
    char *answer = xmalloc(alen ? alen : 1);
    memcpy(answer, data + 2 + split, alen);

    size_t n = 0;
    char *code = extract_code_block(answer, alen, language, &n);
    if (code) {
        if (code[n] != '\0') abort();
        size_t m = 0;
        char *shaped = extract_shape_like(code, n, sel, split, eol, &m);
        if (!shaped || shaped[m] != '\0') abort();
        free(shaped);
        free(code);
    }
    char *rep = extract_replacement(answer, alen, sel, split, language, eol, &n);
    if (rep && rep[n] != '\0') abort();
    free(rep);
    free(answer);
    free(sel);
    return 0;
}
