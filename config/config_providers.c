/* The "providers" and "models" sections: endpoints with their keys, and the models
 * served by them, completed from the shipped price list (prices, context window,
 * reasoning flag) where the file is silent. */
#include "config/config_internal.h"
#include "config/apikey.h"
#include "config/apikey_cache.h"
#include "config/prices.h"
#include "providers/http.h"
#include "providers/http_policy.h"
#include "providers/provider.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kinds and what each can do belong to the providers layer (provider_table): the
 * configuration only asks it. */

bool config_kind_is_local(const char *kind)
{
    const struct provider_ops *k = provider_find(kind);
    return k && k->local;
}

bool config_model_fim_capable(const struct model_spec *m)
{
    const struct provider_ops *k = provider_find(m->provider_kind);
    switch (m->fim) {
    case FIM_NATIVE: case FIM_TEMPLATE: return true;
    case FIM_CHAT: return false;
    case FIM_AUTO: default: return k && (k->caps & PROVIDER_CAP_FIM_NATIVE);
    }
}

bool config_model_chat_capable(const struct model_spec *m)
{
    const struct provider_ops *k = provider_find(m->provider_kind);
    return k && k->actions;
}

/* "openai, openai-completions, ...": the known kinds, for error messages. */
static void kind_names(char *out, size_t len)
{
    const char *names[32];
    size_t n = 0;
    for (size_t i = 0; provider_table[i] && n < 31; i++) names[n++] = provider_table[i]->name;
    names[n] = NULL;
    cfg_join_names(out, len, names);
}

bool config_model_action_capable(const struct model_spec *m)
{
    /* What prompt_build needs for an action: a chat API or a raw prompt to flatten
     * the request into. Weaker than k->actions, which presets rank by. */
    const struct provider_ops *k = provider_find(m->provider_kind);
    return k && (k->caps & (PROVIDER_CAP_CHAT | PROVIDER_CAP_RAW_PROMPT));
}

bool config_model_thinks(const struct model_spec *m)
{
    return m->reasoning && !(m->reasoning_effort && strcmp(m->reasoning_effort, "minimal") == 0);
}

static bool host_allowed_insecure(const struct config *cfg, const char *host)
{
    for (size_t i = 0; cfg->insecure_hosts && cfg->insecure_hosts[i]; i++)
        if (strcmp(cfg->insecure_hosts[i], host) == 0) return true;
    return false;
}

static int check_base_url(struct cfg_ctx *c, struct config *cfg, struct provider_config *p,
                          const char *path)
{
    char host[256];
    int port;
    bool https;
    char up[CFG_PATH_MAX];
    cfg_path_key(up, path, "base_url");
    if (!http_url_parts(p->base_url, host, sizeof host, &port, &https)) {
        cfg_error(c, up, "'%s' is not an http:// or https:// URL", p->base_url);
        return -1;
    }
    if (!https && !http_host_is_loopback(host) && !p->allow_insecure &&
        !host_allowed_insecure(cfg, host)) {
        cfg_error(c, up, "plain http:// to non-local host '%s' would send the key unencrypted "
                  "(use https://, or set allow_insecure: true)", host);
        return -1;
    }
    size_t n = strlen(p->base_url);
    while (n > 0 && p->base_url[n - 1] == '/') p->base_url[--n] = '\0';
    return 0;
}

static int parse_headers(struct cfg_ctx *c, struct provider_config *p, const cJSON *obj,
                         const char *path)
{
    const cJSON *headers = NULL;
    if (cfg_get_object(c, obj, "headers", path, &headers) < 0) return -1;
    char hp[CFG_PATH_MAX], vp[CFG_PATH_MAX];
    cfg_path_key(hp, path, "headers");
    for (const cJSON *h = headers ? headers->child : NULL; h; h = h->next) {
        cfg_path_key(vp, hp, h->string);
        if (!cJSON_IsString(h)) {
            cfg_error(c, vp, "expected a string, got %s", cfg_type_name(h));
            return -1;
        }
        if (!*h->string || strpbrk(h->string, ": \t\r\n") || strpbrk(h->valuestring, "\r\n")) {
            cfg_error(c, vp, "invalid header name or value");
            return -1;
        }
        /* A credential in a header is a key like any other: mask it in logs. */
        if (strcasestr(h->string, "auth") || strcasestr(h->string, "key") ||
            strcasestr(h->string, "token"))
            log_add_secret(h->valuestring);
        char *line = xasprintf("%s: %s", h->string, h->valuestring);
        cfg_strv_push(&p->headers, line);
        free(line);
    }
    return 0;
}

static void resolve_key(struct cfg_ctx *c, struct provider_config *p, const char *path)
{
    if (p->api_key_env) {
        const char *v = getenv(p->api_key_env);
        if (v && *v) {
            p->api_key = xstrdup(v);
            p->key_source = xstrdup(p->api_key_env);
        }
    }
    const char *no_cmd = getenv("SWITCHBOARD_NO_KEY_CMD");   /* fuzzing, sandboxes */
    if (!p->api_key && p->api_key_cmd && no_cmd && *no_cmd && strcmp(no_cmd, "0") != 0) {
        char kp[CFG_PATH_MAX];
        cfg_path_key(kp, path, "api_key_cmd");
        cfg_warn(c, kp, "not run (SWITCHBOARD_NO_KEY_CMD is set); the provider has no key");
    } else if (!p->api_key && p->api_key_cmd) {
        char err[256];
        const char *cached = apikey_cache_get(p->api_key_cmd);
        char *key = NULL;
        if (cached) {
            p->api_key = xstrdup(cached);
            p->key_source = xstrdup("api_key_cmd");
        } else if (apikey_run_command(p->api_key_cmd, APIKEY_CMD_TIMEOUT_MS, &key, err, sizeof err) == 0) {
            apikey_cache_put(p->api_key_cmd, key);
            p->api_key = key;
            p->key_source = xstrdup("api_key_cmd");
        } else {
            char kp[CFG_PATH_MAX];
            cfg_path_key(kp, path, "api_key_cmd");
            cfg_warn(c, kp, "%s; the provider has no key", err);
        }
    }
    if (p->api_key) log_add_secret(p->api_key);
}

static bool env_name_ok(const char *name)
{
    if (!*name || (*name >= '0' && *name <= '9')) return false;
    for (const char *q = name; *q; q++)
        if (!(*q == '_' || (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
              (*q >= '0' && *q <= '9')))
            return false;
    return true;
}

static const char *const provider_keys[] = {
    "kind", "base_url", "api_key_env", "api_key_cmd", "headers", "max_concurrency",
    "allow_insecure", NULL,
};

static int parse_provider(struct cfg_ctx *c, struct config *cfg, struct provider_config *p,
                          const cJSON *obj, const char *path)
{
    char kp[CFG_PATH_MAX], list[256];
    if (!cJSON_IsObject(obj)) {
        cfg_error(c, path, "expected an object, got %s", cfg_type_name(obj));
        return -1;
    }
    cfg_check_keys(c, obj, path, provider_keys);
    if (cfg_get_string(c, obj, "kind", path, &p->kind) < 0) return -1;
    cfg_path_key(kp, path, "kind");
    kind_names(list, sizeof list);
    if (!p->kind) {
        cfg_error(c, kp, "missing (one of %s)", list);
        return -1;
    }
    const struct provider_ops *k = provider_find(p->kind);
    if (!k) {
        cfg_error(c, kp, "unknown provider kind '%s' (known: %s)", p->kind, list);
        return -1;
    }
    if (cfg_get_string(c, obj, "base_url", path, &p->base_url) < 0 ||
        cfg_get_string(c, obj, "api_key_env", path, &p->api_key_env) < 0 ||
        cfg_get_string_list(c, obj, "api_key_cmd", path, false, &p->api_key_cmd) < 0 ||
        cfg_get_int(c, obj, "max_concurrency", path, &p->max_concurrency, 0) < 0 ||
        cfg_get_bool(c, obj, "allow_insecure", path, &p->allow_insecure) < 0 ||
        parse_headers(c, p, obj, path) < 0)
        return -1;
    if (p->api_key_env && !env_name_ok(p->api_key_env)) {
        /* Most likely the key itself pasted in: never repeat the value. */
        cfg_path_key(kp, path, "api_key_env");
        cfg_error(c, kp, "must be the name of an environment variable (like ANTHROPIC_API_KEY), "
                  "not the key itself");
        return -1;
    }
    if (p->api_key_cmd && !p->api_key_cmd[0]) {
        cfg_path_key(kp, path, "api_key_cmd");
        cfg_error(c, kp, "must name a command");
        return -1;
    }
    if (!p->base_url) p->base_url = xstrdup(k->default_url);
    if (check_base_url(c, cfg, p, path) < 0) return -1;
    resolve_key(c, p, path);
    return 0;
}

int cfg_parse_providers(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    const cJSON *providers = NULL;
    if (cfg_get_object(c, root, "providers", "", &providers) < 0) return -1;
    size_t n = (size_t)cJSON_GetArraySize(providers);
    cfg->providers = xcalloc(n ? n : 1, sizeof *cfg->providers);
    char path[CFG_PATH_MAX];
    for (const cJSON *e = providers ? providers->child : NULL; e; e = e->next) {
        struct provider_config *p = &cfg->providers[cfg->provider_count++];
        p->name = xstrdup(e->string);
        cfg_path_key(path, "providers", e->string);
        if (parse_provider(c, cfg, p, e, path) < 0) return -1;
    }
    return 0;
}

static int provider_index(const struct config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->provider_count; i++)
        if (strcmp(cfg->providers[i].name, name) == 0) return (int)i;
    return -1;
}

static const char *const fim_names[] = { "auto", "native", "template", "chat", NULL };
static const char *const fim_templates[] = {
    "qwen", "deepseek", "starcoder", "codellama", "codestral", NULL,
};
static const char *const efforts[] = { "minimal", "low", "medium", "high", NULL };

static int parse_price(struct cfg_ctx *c, struct model_spec *m, const cJSON *obj, const char *path)
{
    static const char *const price_keys[] = {
        "input", "output", "cached_input", "reasoning_output", NULL,
    };
    const cJSON *price = NULL;
    if (cfg_get_object(c, obj, "price", path, &price) < 0) return -1;
    if (!price) return 0;
    char pp[CFG_PATH_MAX];
    cfg_path_key(pp, path, "price");
    cfg_check_keys(c, price, pp, price_keys);
    return cfg_get_double(c, price, "input", pp, &m->price.input, 0, 1e6) < 0 ||
           cfg_get_double(c, price, "output", pp, &m->price.output, 0, 1e6) < 0 ||
           cfg_get_double(c, price, "cached_input", pp, &m->price.cached_input, 0, 1e6) < 0 ||
           cfg_get_double(c, price, "reasoning_output", pp, &m->price.reasoning_output, 0, 1e6) < 0
           ? -1 : 0;
}

/* Price list first, so that any field the file gives overrides it. */
static void apply_price_list(struct model_spec *m, const cJSON *obj)
{
    struct price_info info;
    bool found = price_lookup(m->model, &info);
    m->price = info.price;
    if (!found && config_kind_is_local(m->provider_kind))
        m->price = (struct model_price){ 0, 0, 0, -1 };   /* your own hardware */
    m->context_window = info.context_window;
    if (!json_member(obj, "reasoning")) m->reasoning = info.reasoning;
}

static int check_fim(struct cfg_ctx *c, struct model_spec *m, const char *path)
{
    const struct provider_ops *k = provider_find(m->provider_kind);   /* known: parse_provider checked */
    char fp[CFG_PATH_MAX];
    cfg_path_key(fp, path, "fim");
    if (m->fim == FIM_NATIVE && !(k->caps & PROVIDER_CAP_FIM_NATIVE)) {
        cfg_error(c, fp, "provider kind '%s' has no native fill-in-the-middle (use \"chat\")",
                  m->provider_kind);
        return -1;
    }
    if (m->fim == FIM_TEMPLATE && !(k->caps & PROVIDER_CAP_RAW_PROMPT)) {
        cfg_error(c, fp, "provider kind '%s' cannot take a raw prompt (use \"chat\")",
                  m->provider_kind);
        return -1;
    }
    if (m->fim == FIM_TEMPLATE && !m->fim_template) {
        cfg_path_key(fp, path, "fim_template");
        cfg_error(c, fp, "required when fim is \"template\"");
        return -1;
    }
    return 0;
}

static const char *const model_keys[] = {
    "provider", "model", "fim", "fim_template", "reasoning", "reasoning_effort",
    "thinking_budget", "temperature", "max_output_tokens", "context_window", "price", NULL,
};

static int parse_model(struct cfg_ctx *c, struct config *cfg, size_t index, const cJSON *obj,
                       const char *path)
{
    struct model_spec *m = &cfg->models[index];
    char kp[CFG_PATH_MAX], list[512];
    if (!cJSON_IsObject(obj)) {
        cfg_error(c, path, "expected an object, got %s", cfg_type_name(obj));
        return -1;
    }
    cfg_check_keys(c, obj, path, model_keys);
    if (cfg_get_string(c, obj, "provider", path, &m->provider_name) < 0 ||
        cfg_get_string(c, obj, "model", path, &m->model) < 0)
        return -1;
    cfg_path_key(kp, path, "provider");
    const char *names[65] = { 0 };
    for (size_t i = 0; i < cfg->provider_count && i < 64; i++) names[i] = cfg->providers[i].name;
    cfg_join_names(list, sizeof list, names);
    if (!m->provider_name) {
        cfg_error(c, kp, "missing (known providers: %s)", cfg->provider_count ? list : "none");
        return -1;
    }
    int p = provider_index(cfg, m->provider_name);
    if (p < 0) {
        cfg_error(c, kp, "unknown provider '%s' (known: %s)", m->provider_name,
                  cfg->provider_count ? list : "none");
        return -1;
    }
    if (!m->model) {
        cfg_path_key(kp, path, "model");
        cfg_error(c, kp, "missing (the API's model id)");
        return -1;
    }
    const struct provider_config *pc = &cfg->providers[p];
    cfg->model_provider[index] = (size_t)p;
    m->provider_kind = xstrdup(pc->kind);
    m->base_url = xstrdup(pc->base_url);
    m->api_key = xstrdup(pc->api_key);
    m->extra_headers = cfg_strv_dup(pc->headers);
    m->temperature = -1;
    apply_price_list(m, obj);
    int fim = FIM_AUTO, tmpl = -1, effort = -1;
    if (cfg_get_enum(c, obj, "fim", path, fim_names, &fim) < 0 ||
        cfg_get_enum(c, obj, "fim_template", path, fim_templates, &tmpl) < 0 ||
        cfg_get_bool(c, obj, "reasoning", path, &m->reasoning) < 0 ||
        cfg_get_enum(c, obj, "reasoning_effort", path, efforts, &effort) < 0 ||
        cfg_get_int(c, obj, "thinking_budget", path, &m->thinking_budget, 0) < 0 ||
        cfg_get_double(c, obj, "temperature", path, &m->temperature, 0, 2) < 0 ||
        cfg_get_int(c, obj, "max_output_tokens", path, &m->max_output_tokens, 0) < 0 ||
        cfg_get_long(c, obj, "context_window", path, &m->context_window, 0) < 0 ||
        parse_price(c, m, obj, path) < 0)
        return -1;
    m->fim = (enum fim_mode)fim;
    if (tmpl >= 0) m->fim_template = xstrdup(fim_templates[tmpl]);
    if (effort >= 0) m->reasoning_effort = xstrdup(efforts[effort]);
    return check_fim(c, m, path);
}

int cfg_parse_models(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    const cJSON *models = NULL;
    if (cfg_get_object(c, root, "models", "", &models) < 0) return -1;
    size_t n = (size_t)cJSON_GetArraySize(models);
    cfg->models = xcalloc(n ? n : 1, sizeof *cfg->models);
    cfg->model_provider = xcalloc(n ? n : 1, sizeof *cfg->model_provider);
    char path[CFG_PATH_MAX];
    for (const cJSON *e = models ? models->child : NULL; e; e = e->next) {
        size_t i = cfg->model_count++;
        cfg->models[i].name = xstrdup(e->string);
        cfg_path_key(path, "models", e->string);
        if (parse_model(c, cfg, i, e, path) < 0) return -1;
    }
    return 0;
}
