/* Raw fill-in-the-middle prompt templates of code model families, for servers that
 * take a raw prompt (Ollama raw:true, llama.cpp /completion, OpenAI-style
 * /v1/completions without server-side FIM). Each family's special tokens must be
 * byte-exact or the tokenizer will not map them to the FIM tokens. */
#ifndef PROVIDERS_FIM_TEMPLATES_H
#define PROVIDERS_FIM_TEMPLATES_H

struct fim_template {
    const char *name;              /* config value of "fim_template" */
    const char *before_first;      /* text before the first part */
    const char *between;           /* text between the two parts */
    const char *after;             /* text after the second part */
    int suffix_first;              /* Codestral: suffix, then prefix */
    const char *const *stops;      /* NULL-terminated end / marker tokens */
};

/* "qwen", "deepseek", "starcoder", "codellama", "codestral", "codegemma" (also the
 * longer family names "qwen2.5-coder", "deepseek-coder", "starcoder2"); NULL if unknown. */
const struct fim_template *fim_template_find(const char *name);
/* The prompt for prefix and suffix (either may be NULL). Caller frees. */
char *fim_template_render(const struct fim_template *t, const char *prefix, const char *suffix);

#endif
