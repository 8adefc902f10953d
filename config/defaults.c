/* Zero-config defaults: with no file, build a configuration document from the keys
 * found in well-known environment variables and the local servers that answer, and
 * let the speed-depth preset route it (cheapest fill-in-the-middle model for inline,
 * strongest model for actions, fallbacks across providers). The document then goes
 * through the same validation as a file, so defaults cannot drift from the schema.
 *
 * Test hooks: SWITCHBOARD_NO_PROBE_LOCAL=1 skips the local probes;
 * SWITCHBOARD_OLLAMA_URL / SWITCHBOARD_LLAMACPP_URL move them (e.g. to the fake
 * server); SWITCHBOARD_OLLAMA_MODEL picks the Ollama model (default qwen2.5-coder:1.5b). */
#include "config/defaults.h"
#include "providers/probe.h"
#include "base/json.h"
#include <stdlib.h>
#include <string.h>

#define PROBE_TIMEOUT_MS 50

struct default_model {
    const char *name;
    const char *model;
    const char *fim;              /* NULL = auto */
    const char *reasoning_effort; /* NULL = none */
};

struct default_provider {
    const char *env;              /* key variable; NULL for local servers */
    const char *name;
    const char *kind;
    const char *base_url;
    struct default_model models[3];
};

/* Remote providers, in the order their models are listed. */
static const struct default_provider remote[] = {
    { "DEEPSEEK_API_KEY", "deepseek-fim", "openai-completions", "https://api.deepseek.com/beta",
      { { "deepseek-fim", "deepseek-chat", "native", NULL } } },
    { "DEEPSEEK_API_KEY", "deepseek", "openai", "https://api.deepseek.com",
      { { "deepseek-chat", "deepseek-chat", "chat", NULL } } },
    { "CODESTRAL_API_KEY", "codestral", "mistral-fim", "https://codestral.mistral.ai/v1",
      { { "codestral", "codestral-latest", "native", NULL } } },
    { "MISTRAL_API_KEY", "mistral", "mistral-fim", "https://api.mistral.ai/v1",
      { { "codestral", "codestral-latest", "native", NULL } } },
    { "ANTHROPIC_API_KEY", "anthropic", "anthropic", "https://api.anthropic.com",
      { { "claude-sonnet", "claude-sonnet-4-5", NULL, NULL },
        { "claude-haiku", "claude-haiku-4-5", NULL, NULL } } },
    { "OPENAI_API_KEY", "openai", "openai", "https://api.openai.com/v1",
      /* Every GPT-5 model reasons; nano at "minimal" effort is the one that answers
       * inline completion within its first-token limit. */
      { { "gpt-5", "gpt-5", NULL, "medium" }, { "gpt-5-mini", "gpt-5-mini", NULL, "low" },
        { "gpt-5-nano", "gpt-5-nano", NULL, "minimal" } } },
    { "GEMINI_API_KEY", "gemini", "gemini", "https://generativelanguage.googleapis.com/v1beta",
      { { "gemini-pro", "gemini-2.5-pro", NULL, NULL },
        { "gemini-flash", "gemini-2.5-flash", NULL, NULL } } },
    { "OPENROUTER_API_KEY", "openrouter", "openai", "https://openrouter.ai/api/v1",
      { { "qwen3-coder", "qwen/qwen3-coder", NULL, NULL },
        { "openrouter-sonnet", "anthropic/claude-sonnet-4.5", NULL, NULL } } },
};

static const char hint[] =
    "No model provider found. Set an API key (ANTHROPIC_API_KEY, OPENAI_API_KEY, "
    "DEEPSEEK_API_KEY, GEMINI_API_KEY, MISTRAL_API_KEY or CODESTRAL_API_KEY, "
    "OPENROUTER_API_KEY), start Ollama (127.0.0.1:11434) or llama.cpp (127.0.0.1:8080), "
    "or write a configuration file ($XDG_CONFIG_HOME/switchboard/config.json); then "
    "restart or reload. `switchboard check` shows what was found.";

const char *config_setup_hint(void) { return hint; }

static bool env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

static cJSON *add_provider(cJSON *root, const char *name, const char *kind, const char *url,
                           const char *env)
{
    cJSON *p = cJSON_AddObjectToObject(cJSON_GetObjectItem(root, "providers"), name);
    cJSON_AddStringToObject(p, "kind", kind);
    cJSON_AddStringToObject(p, "base_url", url);
    if (env) cJSON_AddStringToObject(p, "api_key_env", env);
    return p;
}

static void add_model(cJSON *root, const char *provider, const struct default_model *m)
{
    cJSON *models = cJSON_GetObjectItem(root, "models");
    if (json_member(models, m->name)) return;   /* first provider wins */
    cJSON *o = cJSON_AddObjectToObject(models, m->name);
    cJSON_AddStringToObject(o, "provider", provider);
    cJSON_AddStringToObject(o, "model", m->model);
    if (m->fim) cJSON_AddStringToObject(o, "fim", m->fim);
    if (m->reasoning_effort) cJSON_AddStringToObject(o, "reasoning_effort", m->reasoning_effort);
}

static const char *env_or(const char *name, const char *fallback)
{
    return env_set(name) ? getenv(name) : fallback;
}

static void add_local(cJSON *root)
{
    const char *no_probe = getenv("SWITCHBOARD_NO_PROBE_LOCAL");
    if (no_probe && strcmp(no_probe, "0") != 0 && *no_probe) return;
    const char *ollama = env_or("SWITCHBOARD_OLLAMA_URL", "http://127.0.0.1:11434");
    if (probe_url_reachable(ollama, PROBE_TIMEOUT_MS)) {
        add_provider(root, "ollama", "ollama", ollama, NULL);
        struct default_model m = {
            "ollama", env_or("SWITCHBOARD_OLLAMA_MODEL", "qwen2.5-coder:1.5b"), "native", NULL,
        };
        add_model(root, "ollama", &m);
    }
    const char *llamacpp = env_or("SWITCHBOARD_LLAMACPP_URL", "http://127.0.0.1:8080");
    if (probe_url_reachable(llamacpp, PROBE_TIMEOUT_MS)) {
        add_provider(root, "llamacpp", "llamacpp", llamacpp, NULL);
        static const struct default_model m = { "llamacpp", "default", "native", NULL };
        add_model(root, "llamacpp", &m);
    }
}

cJSON *defaults_document(void)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddObjectToObject(root, "providers");
    cJSON_AddObjectToObject(root, "models");
    bool codestral = env_set("CODESTRAL_API_KEY");
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++) {
        const struct default_provider *p = &remote[i];
        if (!env_set(p->env)) continue;
        /* One Codestral endpoint is enough: its own key wins over La Plateforme's. */
        if (codestral && strcmp(p->env, "MISTRAL_API_KEY") == 0) continue;
        add_provider(root, p->name, p->kind, p->base_url, p->env);
        for (size_t m = 0; m < 3 && p->models[m].name; m++) add_model(root, p->name, &p->models[m]);
    }
    add_local(root);
    return root;
}
