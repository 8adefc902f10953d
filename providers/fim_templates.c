/* FIM templates (see fim_templates.h; the table in docs/providers.md). Codestral's BOS
 * (<s>) is left to the server, which adds it when tokenizing. */
#include "providers/fim_templates.h"
#include "base/xalloc.h"
#include <string.h>

static const char *const qwen_stops[] = {
    "<|endoftext|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>",
    "<|repo_name|>", "<|file_sep|>", "<|im_start|>", "<|im_end|>", NULL,
};
/* U+FF5C FULLWIDTH VERTICAL LINE and U+2581 LOWER ONE EIGHTH BLOCK, spelled in UTF-8. */
#define DS_BAR "\xef\xbd\x9c"
#define DS_SP "\xe2\x96\x81"
static const char *const deepseek_stops[] = {
    "<" DS_BAR "end" DS_SP "of" DS_SP "sentence" DS_BAR ">", "<" DS_BAR "fim" DS_SP "begin" DS_BAR ">",
    "<" DS_BAR "fim" DS_SP "hole" DS_BAR ">", "<" DS_BAR "fim" DS_SP "end" DS_BAR ">", NULL,
};
static const char *const starcoder_stops[] = {
    "<|endoftext|>", "<file_sep>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>", NULL,
};
static const char *const codellama_stops[] = { "<EOT>", NULL };
static const char *const codestral_stops[] = { "</s>", "[PREFIX]", "[SUFFIX]", NULL };
static const char *const codegemma_stops[] = {
    "<|file_separator|>", "<end_of_turn>", "<eos>", "<|fim_prefix|>", "<|fim_suffix|>",
    "<|fim_middle|>", NULL,
};

static const struct fim_template templates[] = {
    { "qwen", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", 0, qwen_stops },
    { "deepseek", "<" DS_BAR "fim" DS_SP "begin" DS_BAR ">", "<" DS_BAR "fim" DS_SP "hole" DS_BAR ">",
      "<" DS_BAR "fim" DS_SP "end" DS_BAR ">", 0, deepseek_stops },
    { "starcoder", "<fim_prefix>", "<fim_suffix>", "<fim_middle>", 0, starcoder_stops },
    /* the spaces after <PRE>, before <SUF> and before <MID> are part of the format */
    { "codellama", "<PRE> ", " <SUF>", " <MID>", 0, codellama_stops },
    { "codestral", "[SUFFIX]", "[PREFIX]", "", 1, codestral_stops },
    { "codegemma", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", 0, codegemma_stops },
};

static const struct { const char *alias, *name; } aliases[] = {
    { "qwen2.5-coder", "qwen" }, { "qwen-coder", "qwen" }, { "deepseek-coder", "deepseek" },
    { "starcoder2", "starcoder" }, { "code-llama", "codellama" }, { "mistral", "codestral" },
};

const struct fim_template *fim_template_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(name, aliases[i].alias) == 0) name = aliases[i].name;
    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
        if (strcmp(name, templates[i].name) == 0) return &templates[i];
    return NULL;
}

char *fim_template_render(const struct fim_template *t, const char *prefix, const char *suffix)
{
    const char *p = prefix ? prefix : "", *s = suffix ? suffix : "";
    return xasprintf("%s%s%s%s%s", t->before_first, t->suffix_first ? s : p, t->between,
                     t->suffix_first ? p : s, t->after);
}
