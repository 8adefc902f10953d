/* Zero-config detection, preset expansion, the price list and api_key_cmd. */
#include "tests/unit/test.h"
#include "config/config.h"
#include "config/apikey.h"
#include "config/prices.h"
#include "config/presets.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *const key_vars[] = {
    "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "DEEPSEEK_API_KEY", "GEMINI_API_KEY",
    "MISTRAL_API_KEY", "CODESTRAL_API_KEY", "OPENROUTER_API_KEY", "SWITCHBOARD_OLLAMA_URL",
    "SWITCHBOARD_LLAMACPP_URL", "SWITCHBOARD_OLLAMA_MODEL", NULL,
};

static void clean_env(void)
{
    for (size_t i = 0; key_vars[i]; i++) unsetenv(key_vars[i]);
    setenv("SWITCHBOARD_NO_PROBE_LOCAL", "1", 1);
}

static struct config *load_defaults(void)
{
    char err[512] = "";
    struct config *cfg = config_load(NULL, NULL, err, sizeof err);
    if (!cfg) test_fail(__FILE__, __LINE__, "defaults failed: %s", err);
    return cfg;
}

/* "a,b,c" of a route's target names. */
static const char *targets_of(const struct config *cfg, size_t route)
{
    static char out[512];
    out[0] = '\0';
    const struct route_rule *r = &cfg->routes[route];
    for (size_t i = 0; i < r->target_count; i++) {
        if (i) strcat(out, ",");
        strcat(out, cfg->models[r->targets[i]].name);
    }
    return out;
}

TEST(defaults_nothing_found_still_loads_with_hint)
{
    clean_env();
    struct config *cfg = load_defaults();
    ASSERT_STREQ(cfg->source, "defaults");
    ASSERT_EQ(cfg->model_count, 0);
    ASSERT_EQ(cfg->route_count, 0);
    ASSERT_STREQ(cfg->warnings[0], config_setup_hint());
    ASSERT(strstr(config_setup_hint(), "ANTHROPIC_API_KEY") != NULL);
    ASSERT(strstr(config_setup_hint(), "Ollama") != NULL);
    config_unref(cfg);
}

TEST(defaults_from_keys_pick_fim_for_inline_and_strongest_for_actions)
{
    clean_env();
    setenv("DEEPSEEK_API_KEY", "sk-deepseek-test", 1);
    setenv("ANTHROPIC_API_KEY", "sk-ant-test", 1);
    setenv("CODESTRAL_API_KEY", "codestral-test", 1);
    setenv("MISTRAL_API_KEY", "mistral-test", 1);
    struct config *cfg = load_defaults();
    ASSERT_STREQ(cfg->preset, "speed-depth");
    ASSERT(config_model_index(cfg, "deepseek-fim") >= 0);
    ASSERT(config_model_index(cfg, "claude-sonnet") >= 0);
    int cs = config_model_index(cfg, "codestral");
    ASSERT(cs >= 0);
    ASSERT_STREQ(config_model_provider(cfg, (size_t)cs)->name, "codestral");   /* its own key wins */
    ASSERT_EQ(cfg->route_count, 3);
    ASSERT_EQ(cfg->routes[0].task_mask, 1u << TASK_INLINE);
    ASSERT_STREQ(targets_of(cfg, 0), "deepseek-fim,codestral");   /* cheapest FIM first */
    /* next edit rewrites a region: chat models, cheapest first, no FIM-only API */
    ASSERT_EQ(cfg->routes[1].task_mask, 1u << TASK_NEXT_EDIT);
    ASSERT_STREQ(targets_of(cfg, 1), "deepseek-chat,claude-haiku,claude-sonnet");
    ASSERT_EQ(cfg->routes[2].task_mask, 0);
    ASSERT_STREQ(targets_of(cfg, 2), "claude-sonnet,claude-haiku,deepseek-chat");
    ASSERT_STREQ(config_model_provider(cfg, (size_t)config_model_index(cfg, "claude-sonnet"))->key_source,
                 "ANTHROPIC_API_KEY");
    config_unref(cfg);
}

TEST(defaults_without_fim_models_use_cheap_chat_for_inline)
{
    clean_env();
    setenv("OPENAI_API_KEY", "sk-openai-test", 1);
    setenv("GEMINI_API_KEY", "gemini-test", 1);
    struct config *cfg = load_defaults();
    /* no model that thinks first: GPT-5 nano at minimal effort, then Gemini */
    ASSERT_STREQ(targets_of(cfg, 0), "gpt-5-nano,gemini-flash,gemini-pro");
    ASSERT_STREQ(targets_of(cfg, 1), "gpt-5-nano,gemini-flash,gemini-pro");   /* next edit alike */
    ASSERT_STREQ(targets_of(cfg, 2), "gpt-5,gemini-pro,gemini-flash,gpt-5-mini");
    config_unref(cfg);
}

/* Inline completion has a 1.5 s first-token limit: its default targets answer
 * without thinking, or with the provider's minimal reasoning setting, even when the
 * only key is for reasoning models (issue #14, item 9). */
TEST(defaults_inline_never_routes_to_a_thinking_model)
{
    clean_env();
    setenv("OPENAI_API_KEY", "sk-openai-test", 1);
    struct config *cfg = load_defaults();
    ASSERT_EQ(cfg->routes[0].task_mask, 1u << TASK_INLINE);
    ASSERT(cfg->routes[0].target_count > 0);
    for (size_t i = 0; i < cfg->routes[0].target_count; i++) {
        const struct model_spec *m = &cfg->models[cfg->routes[0].targets[i]];
        if (!m->reasoning) continue;
        if (!m->reasoning_effort || strcmp(m->reasoning_effort, "minimal") != 0)
            test_fail(__FILE__, __LINE__, "inline target %s thinks (effort %s)", m->name,
                      m->reasoning_effort ? m->reasoning_effort : "default");
    }
    /* Code actions keep the strong reasoning model first. */
    ASSERT(strncmp(targets_of(cfg, 2), "gpt-5,", 6) == 0);
    config_unref(cfg);
}

/* The index of the route generated for next_edit alone, or fails. */
static size_t next_edit_route(const struct config *cfg)
{
    for (size_t i = 0; i < cfg->route_count; i++)
        if (cfg->routes[i].task_mask == 1u << TASK_NEXT_EDIT) return i;
    test_fail(__FILE__, __LINE__, "no next_edit route");
    return 0;
}

/* No target of the route thinks before answering. */
static void assert_never_thinks(const struct config *cfg, size_t route)
{
    ASSERT(cfg->routes[route].target_count > 0);
    for (size_t i = 0; i < cfg->routes[route].target_count; i++) {
        const struct model_spec *m = &cfg->models[cfg->routes[route].targets[i]];
        if (config_model_thinks(m)) test_fail(__FILE__, __LINE__, "%s target %s thinks",
                                              cfg->routes[route].label, m->name);
    }
}

/* Turning next-edit suggestions on needs no route: zero-config gives next_edit its
 * own route of fast chat models that answer without thinking, ahead of the catch-all
 * (which starts with a reasoning model). */
TEST(defaults_next_edit_gets_a_fast_non_thinking_route)
{
    clean_env();
    setenv("OPENAI_API_KEY", "sk-openai-test", 1);
    struct config *cfg = load_defaults();
    size_t r = next_edit_route(cfg);
    ASSERT_STREQ(cfg->routes[r].label, "speed-depth: next edit");
    ASSERT_STREQ(targets_of(cfg, r), "gpt-5-nano");
    assert_never_thinks(cfg, r);
    ASSERT(cfg->routes[cfg->route_count - 1].task_mask == 0);   /* the catch-all comes after */
    ASSERT(r < cfg->route_count - 1);
    config_unref(cfg);

    clean_env();
    setenv("ANTHROPIC_API_KEY", "sk-ant-test", 1);
    cfg = load_defaults();
    r = next_edit_route(cfg);
    ASSERT_STREQ(targets_of(cfg, r), "claude-haiku,claude-sonnet");   /* the fast one first */
    assert_never_thinks(cfg, r);
    config_unref(cfg);
}

/* A listening socket on an ephemeral loopback port; returns the fd, port in *port. */
static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    ASSERT(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
    ASSERT(listen(fd, 4) == 0);
    ASSERT(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    *port = ntohs(a.sin_port);
    return fd;
}

TEST(defaults_probe_local_servers)
{
    clean_env();
    unsetenv("SWITCHBOARD_NO_PROBE_LOCAL");
    int open_port, closed_port;
    int fd = listen_loopback(&open_port);
    int closed = listen_loopback(&closed_port);
    close(closed);   /* nothing listens there now: refused at once */
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", open_port);
    setenv("SWITCHBOARD_OLLAMA_URL", url, 1);
    setenv("SWITCHBOARD_OLLAMA_MODEL", "starcoder2:3b", 1);
    char closed_url[64];
    snprintf(closed_url, sizeof closed_url, "http://127.0.0.1:%d", closed_port);
    setenv("SWITCHBOARD_LLAMACPP_URL", closed_url, 1);
    struct config *cfg = load_defaults();
    ASSERT_EQ(cfg->provider_count, 1);
    ASSERT_STREQ(cfg->providers[0].kind, "ollama");
    ASSERT_STREQ(cfg->providers[0].base_url, url);
    ASSERT_STREQ(cfg->models[0].model, "starcoder2:3b");
    ASSERT_EQ(cfg->models[0].fim, FIM_NATIVE);
    ASSERT_STREQ(targets_of(cfg, 0), "ollama");
    ASSERT_STREQ(targets_of(cfg, next_edit_route(cfg)), "ollama");   /* next edit too, locally */
    config_unref(cfg);
    /* The switch turns probing off. */
    setenv("SWITCHBOARD_NO_PROBE_LOCAL", "1", 1);
    cfg = load_defaults();
    ASSERT_EQ(cfg->provider_count, 0);
    config_unref(cfg);
    close(fd);
}

TEST(defaults_with_overrides)
{
    clean_env();
    setenv("DEEPSEEK_API_KEY", "sk-deepseek-test", 1);
    cJSON *over = cJSON_Parse("{\"preset\": \"primary-budget-fallback\", \"inline\": {\"enabled\": false}}");
    char err[256];
    struct config *cfg = config_load(NULL, over, err, sizeof err);
    ASSERT(cfg != NULL);
    ASSERT_STREQ(cfg->source, "defaults+initializationOptions");
    ASSERT_STREQ(cfg->preset, "primary-budget-fallback");
    ASSERT(!cfg->inline_opts.enabled);
    config_unref(cfg);
    cJSON_Delete(over);
}

#define PRESET_MODELS                                                                              \
    "\"providers\": { \"ds\": { \"kind\": \"openai\", \"base_url\": \"https://api.deepseek.com\" },"   \
    " \"dsfim\": { \"kind\": \"openai-completions\", \"base_url\": \"https://api.deepseek.com/beta\" },"  \
    " \"ant\": { \"kind\": \"anthropic\" }, \"oa\": { \"kind\": \"openai\" }, \"local\": { \"kind\": \"ollama\" } }," \
    " \"models\": { \"fim\": { \"provider\": \"dsfim\", \"model\": \"deepseek-chat\" },"              \
    " \"chat\": { \"provider\": \"ds\", \"model\": \"deepseek-chat\" },"                                \
    " \"sonnet\": { \"provider\": \"ant\", \"model\": \"claude-sonnet-4-5\" },"                        \
    " \"haiku\": { \"provider\": \"ant\", \"model\": \"claude-haiku-4-5\" },"                          \
    " \"gpt\": { \"provider\": \"oa\", \"model\": \"gpt-5\" },"                                       \
    " \"qwen\": { \"provider\": \"local\", \"model\": \"qwen2.5-coder:7b\" } }"

static struct config *load_preset(const char *preset)
{
    char text[4096], err[512] = "";
    snprintf(text, sizeof text, "{ %s, \"preset\": \"%s\" }", PRESET_MODELS, preset);
    struct config *cfg = config_load_text(text, "preset.json", NULL, err, sizeof err);
    if (!cfg) test_fail(__FILE__, __LINE__, "load failed: %s", err);
    return cfg;
}

TEST(preset_speed_depth)
{
    struct config *cfg = load_preset("speed-depth");
    ASSERT_EQ(cfg->route_count, 3);
    ASSERT_STREQ(cfg->routes[0].label, "speed-depth: inline");
    ASSERT_STREQ(targets_of(cfg, 0), "fim,qwen");              /* cheap FIM, local last */
    ASSERT_STREQ(cfg->routes[1].label, "speed-depth: next edit");
    ASSERT_STREQ(targets_of(cfg, 1), "chat,haiku,sonnet,qwen"); /* cheap chat, no gpt-5 (thinks) */
    ASSERT_STREQ(targets_of(cfg, 2), "sonnet,gpt,haiku,chat");  /* strongest first */
    config_unref(cfg);
}

TEST(preset_primary_budget_fallback)
{
    struct config *cfg = load_preset("primary-budget-fallback");
    ASSERT_STREQ(targets_of(cfg, 0), "fim,qwen");
    ASSERT_STREQ(targets_of(cfg, 1), "chat,haiku,sonnet,qwen");
    ASSERT_STREQ(targets_of(cfg, 2), "sonnet,qwen");   /* primary, then the cheapest */
    ASSERT_EQ(cfg->routes[2].task_mask, 0);
    config_unref(cfg);
}

TEST(preset_provider_diversity)
{
    struct config *cfg = load_preset("provider-diversity");
    /* sonnet and haiku share a vendor: gpt and chat (other hosts) come between them. */
    ASSERT_STREQ(targets_of(cfg, 1), "chat,haiku,qwen,sonnet");   /* next edit */
    ASSERT_STREQ(targets_of(cfg, 2), "sonnet,gpt,chat,qwen");
    config_unref(cfg);
}

TEST(preset_selfhost_premium)
{
    struct config *cfg = load_preset("selfhost-premium");
    ASSERT_EQ(cfg->route_count, 4);
    ASSERT_STREQ(targets_of(cfg, 0), "qwen,fim");
    ASSERT_EQ(cfg->routes[1].task_mask, 1u << TASK_NEXT_EDIT);
    ASSERT_STREQ(targets_of(cfg, 1), "qwen,chat,haiku,sonnet");   /* local first */
    ASSERT_EQ(cfg->routes[2].task_mask, (1u << TASK_DOCS) | (1u << TASK_EXPLAIN));
    ASSERT_STREQ(targets_of(cfg, 2), "qwen,sonnet,gpt,haiku");
    ASSERT_STREQ(targets_of(cfg, 3), "sonnet,gpt,haiku,chat");
    config_unref(cfg);
}

TEST(preset_routes_follow_written_routes)
{
    char err[512] = "";
    struct config *cfg = config_load_text("{ " PRESET_MODELS ", \"preset\": \"speed-depth\","
        " \"routes\": [ { \"when\": { \"path\": \"*.md\" }, \"targets\": [\"haiku\"] } ] }",
        "p.json", NULL, err, sizeof err);
    ASSERT(cfg != NULL);
    ASSERT_EQ(cfg->route_count, 4);
    ASSERT_STREQ(targets_of(cfg, 0), "haiku");
    ASSERT_STREQ(cfg->routes[1].label, "speed-depth: inline");
    config_unref(cfg);
}

/* Every preset gives next_edit its own route of models that answer without thinking
 * (PRESET_MODELS has gpt-5, which thinks, and a FIM-only API: neither is a target). */
TEST(preset_every_preset_routes_next_edit)
{
    for (size_t p = 0; preset_names[p]; p++) {
        struct config *cfg = load_preset(preset_names[p]);
        size_t r = next_edit_route(cfg);
        ASSERT(strncmp(cfg->routes[r].label, preset_names[p], strlen(preset_names[p])) == 0);
        assert_never_thinks(cfg, r);
        ASSERT(strstr(targets_of(cfg, r), "fim") == NULL);
        ASSERT(r < cfg->route_count - 1);   /* before the catch-all */
        config_unref(cfg);
    }
}

/* A model trained for next-edit prediction (next_edit_format "zeta") is the first
 * next_edit target of every preset, even a local one where local models come last,
 * and no other route's target. */
TEST(preset_next_edit_puts_a_zeta_model_first)
{
    char text[4096], err[512] = "";
    for (size_t p = 0; preset_names[p]; p++) {
        snprintf(text, sizeof text, "{ %s, \"preset\": \"%s\" }", PRESET_MODELS, preset_names[p]);
        /* the same models plus a local Zeta */
        char *at = strstr(text, "\"qwen\": {");
        ASSERT(at != NULL);
        char tail[4096];
        snprintf(tail, sizeof tail, "%s", at);
        snprintf(at, sizeof text - (size_t)(at - text), "\"zeta\": { \"provider\": \"local\", \"model\": "
                 "\"zeta\", \"next_edit_format\": \"zeta\" }, %s", tail);
        struct config *cfg = config_load_text(text, "preset.json", NULL, err, sizeof err);
        if (!cfg) test_fail(__FILE__, __LINE__, "load failed: %s", err);
        ASSERT(strncmp(targets_of(cfg, next_edit_route(cfg)), "zeta,", 5) == 0);
        for (size_t r = 0; r < cfg->route_count; r++)   /* and serves nothing else */
            if (r != next_edit_route(cfg)) ASSERT(strstr(targets_of(cfg, r), "zeta") == NULL);
        config_unref(cfg);
    }
}

TEST(preset_selfhost_without_local_warns)
{
    char err[512] = "";
    struct config *cfg = config_load_text("{ \"providers\": { \"ant\": { \"kind\": \"anthropic\" } },"
        " \"models\": { \"s\": { \"provider\": \"ant\", \"model\": \"claude-sonnet-4-5\" } }, \"preset\": \"selfhost-premium\" }",
        "p.json", NULL, err, sizeof err);
    ASSERT(cfg != NULL);
    ASSERT(strstr(cfg->warnings[0], "no local model") != NULL);
    config_unref(cfg);
}

TEST(price_lookup_exact_prefix_unknown)
{
    struct price_info p;
    ASSERT(price_lookup("gpt-5", &p));
    ASSERT_NEAR(p.price.input, 1.25, 1e-9);
    ASSERT(price_lookup("gpt-5-mini-2025-08-07", &p));   /* longest prefix: gpt-5-mini */
    ASSERT_STREQ(p.id, "gpt-5-mini");
    ASSERT_NEAR(p.price.output, 2.0, 1e-9);
    ASSERT(p.reasoning);
    ASSERT(price_lookup("codestral-2508", &p));
    ASSERT(p.fim);
    ASSERT_EQ(p.context_window, 256000);
    ASSERT(price_lookup("deepseek-chat", &p));
    ASSERT(p.fim);
    ASSERT(!price_lookup("llama-99", &p));
    ASSERT(p.price.input < 0 && p.price.output < 0);
    ASSERT(!price_lookup("", &p));
    ASSERT(strstr(price_list_json(), "claude-opus-4-7") != NULL);
}

TEST(apikey_command_passes_arguments_literally)
{
    char *argv[] = { "echo", "abc;echo injected", NULL }, *out = NULL, err[128];
    ASSERT_EQ(apikey_run_command(argv, 2000, &out, err, sizeof err), 0);
    ASSERT_STREQ(out, "abc;echo injected");
    free(out);
}

TEST(apikey_command_first_line_trimmed)
{
    char *argv[] = { "printf", "  key-one  \nsecond line\n", NULL }, *out = NULL, err[128];
    ASSERT_EQ(apikey_run_command(argv, 2000, &out, err, sizeof err), 0);
    ASSERT_STREQ(out, "key-one");
    free(out);
    char *empty[] = { "true", NULL };
    ASSERT_EQ(apikey_run_command(empty, 2000, &out, err, sizeof err), -1);
    ASSERT_STREQ(err, "'true' printed no key");
}

TEST(apikey_command_timeout_kills)
{
    char *argv[] = { "sleep", "30", NULL }, *out = NULL, err[128];
    time_t start = time(NULL);
    ASSERT_EQ(apikey_run_command(argv, 200, &out, err, sizeof err), -1);
    ASSERT_STREQ(err, "'sleep' timed out after 200 ms");
    ASSERT(time(NULL) - start < 10);   /* bounded only to catch a hang */
    ASSERT(out == NULL);
}
