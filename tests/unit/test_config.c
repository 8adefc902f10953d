/* Configuration loading and validation: every error names the file, the JSON path
 * and the problem, in exactly these words. */
#include "tests/unit/test.h"
#include "config/config.h"
#include "base/log.h"

#define PROVIDERS "\"providers\": { \"p\": { \"kind\": \"openai\", \"base_url\": \"https://api.example.com/v1/\" }," \
                  " \"local\": { \"kind\": \"ollama\" } }"
#define MODELS "\"models\": { \"fast\": { \"provider\": \"p\", \"model\": \"gpt-5-mini\" }," \
               " \"reasoning\": { \"provider\": \"p\", \"model\": \"claude-sonnet-4-5-20250929\" } }"
#define BASE PROVIDERS ", " MODELS

static struct config *load(const char *text)
{
    char err[512] = "";
    struct config *cfg = config_load_text(text, "config.json", NULL, err, sizeof err);
    if (!cfg) test_fail(__FILE__, __LINE__, "load failed: %s", err);
    return cfg;
}

#define EXPECT_ERROR(text, expected) do {                                         \
        char _err[512] = "";                                                      \
        struct config *_cfg = config_load_text((text), "config.json", NULL, _err, sizeof _err); \
        if (_cfg) { config_unref(_cfg); test_fail(__FILE__, __LINE__, "loaded, expected: %s", expected); } \
        ASSERT_STREQ(_err, expected);                                             \
    } while (0)

static bool has_warning(const struct config *cfg, const char *text)
{
    for (size_t i = 0; cfg->warnings[i]; i++)
        if (strcmp(cfg->warnings[i], text) == 0) return true;
    return false;
}

TEST(config_loads_design_example_with_defaults)
{
    struct config *cfg = load("{" BASE ", \"routes\": [ { \"when\": { \"task\": \"inline\" }, \"targets\": [\"fast\"] },"
                              " { \"when\": { \"task\": [\"refactor\", \"fix\"], \"language\": \"c\", \"path\": [\"src/**\"] },"
                              "   \"targets\": [\"reasoning\", \"fast\"], \"strategy\": \"split\", \"weights\": [3, 1], \"name\": \"heavy\" } ] }");
    ASSERT_STREQ(cfg->source, "config.json");
    ASSERT_EQ(cfg->provider_count, 2);
    ASSERT_STREQ(cfg->providers[0].base_url, "https://api.example.com/v1");   /* slash trimmed */
    ASSERT_STREQ(cfg->providers[1].base_url, "http://127.0.0.1:11434");      /* kind default */
    ASSERT_EQ(cfg->model_count, 2);
    ASSERT_EQ(config_model_index(cfg, "reasoning"), 1);
    ASSERT_EQ(config_model_index(cfg, "nope"), -1);
    ASSERT_STREQ(config_model_provider(cfg, 1)->name, "p");
    ASSERT(config_model_provider(cfg, 2) == NULL);
    const struct model_spec *r = &cfg->models[1];
    ASSERT_STREQ(r->provider_kind, "openai");
    ASSERT_STREQ(r->base_url, "https://api.example.com/v1");
    ASSERT_NEAR(r->price.input, 3.0, 1e-9);         /* price list, longest prefix */
    ASSERT_NEAR(r->price.output, 15.0, 1e-9);
    ASSERT_EQ(r->context_window, 200000);
    ASSERT(cfg->models[0].reasoning);                /* gpt-5-mini is a reasoning model */
    ASSERT_NEAR(r->temperature, -1, 1e-9);
    ASSERT_EQ(cfg->route_count, 2);
    ASSERT_EQ(cfg->routes[0].task_mask, 1u << TASK_INLINE);
    ASSERT_STREQ(cfg->routes[0].label, "routes[0]");
    ASSERT_STREQ(cfg->routes[1].label, "heavy");
    ASSERT_EQ(cfg->routes[1].task_mask, (1u << TASK_REFACTOR) | (1u << TASK_FIX));
    ASSERT_STREQ(cfg->routes[1].languages[0], "c");
    ASSERT_STREQ(cfg->routes[1].path_globs[0], "src/**");
    ASSERT_EQ(cfg->routes[1].strategy, STRATEGY_SPLIT);
    ASSERT_NEAR(cfg->routes[1].weights[0], 3, 1e-9);
    ASSERT_EQ(cfg->routes[1].targets[0], 1);
    ASSERT(cfg->preset == NULL);
    /* defaults from config.h */
    ASSERT_EQ(cfg->inline_timeouts.first_token, 1500);
    ASSERT_EQ(cfg->action_timeouts.total, 300000);
    ASSERT_EQ(cfg->inline_opts.debounce_ms, 150);
    ASSERT_EQ(cfg->inline_opts.max_output_tokens, 128);
    ASSERT_EQ(cfg->retry.max_retries, 2);
    ASSERT_EQ(cfg->breaker.cooldown_ms, 30000);
    ASSERT(cfg->redact_secrets);
    ASSERT_STREQ(cfg->exclude_globs[0], ".env*");
    ASSERT_STREQ(cfg->exclude_globs[4], "**/secrets/**");
    ASSERT_EQ(cfg->ledger_max_bytes, 10L * 1024 * 1024);
    ASSERT(cfg->warnings && cfg->warnings[0] == NULL);
    ASSERT(config_ref(cfg) == cfg);
    config_unref(cfg);
    config_unref(cfg);
}

TEST(config_settings_sections)
{
    struct config *cfg = load("{" BASE ", \"timeouts\": { \"inline\": { \"first_token_ms\": 900 }, \"actions\": { \"total_ms\": 1000 } },"
        " \"inline\": { \"enabled\": false, \"multiline\": \"never\", \"candidates\": 5 },"
        " \"retry\": { \"max_retries\": 0, \"cap_ms\": 100 }, \"breaker\": { \"failure_rate\": 0.25 },"
        " \"privacy\": { \"exclude\": [\"*.secret\"], \"redact_secrets\": false },"
        " \"ledger\": { \"path\": \"/tmp/l.jsonl\", \"keep\": 1 }, \"insecure_hosts\": [\"10.0.0.5\"],"
        " \"budgets\": [ { \"daily_usd\": 5 }, { \"scope\": \"model\", \"name\": \"reasoning\", \"monthly_usd\": 20, \"action\": \"block\" } ],"
        " \"actions\": [ { \"id\": \"explain-simply\", \"title\": \"Explain simply\", \"task\": \"explain\", \"prompt\": \"Explain {{selection}}\" } ] }");
    ASSERT_EQ(cfg->inline_timeouts.first_token, 900);
    ASSERT_EQ(cfg->inline_timeouts.total, 5000);
    ASSERT_EQ(cfg->action_timeouts.total, 1000);
    ASSERT(!cfg->inline_opts.enabled);
    ASSERT_EQ(cfg->inline_opts.multiline, MULTILINE_NEVER);
    ASSERT_EQ(cfg->inline_opts.candidates, 5);
    ASSERT_EQ(cfg->retry.max_retries, 0);
    ASSERT_EQ(cfg->retry.cap_ms, 100);
    ASSERT_NEAR(cfg->breaker.failure_rate, 0.25, 1e-9);
    ASSERT_STREQ(cfg->exclude_globs[5], "*.secret");   /* added to the defaults */
    ASSERT(!cfg->redact_secrets);
    ASSERT_STREQ(cfg->ledger_path, "/tmp/l.jsonl");
    ASSERT_EQ(cfg->ledger_keep, 1);
    ASSERT_STREQ(cfg->insecure_hosts[0], "10.0.0.5");
    ASSERT_EQ(cfg->budget_count, 2);
    ASSERT_EQ(cfg->budgets[0].scope, BUDGET_OVERALL);
    ASSERT_EQ(cfg->budgets[1].scope, BUDGET_MODEL);
    ASSERT_EQ(cfg->budgets[1].action, BUDGET_BLOCK);
    ASSERT_EQ(cfg->action_count, 1);
    ASSERT_EQ(cfg->actions[0].task, TASK_EXPLAIN);
    ASSERT_STREQ(cfg->actions[0].kind, "refactor.rewrite.switchboard.explain-simply");
    config_unref(cfg);
}

TEST(config_unknown_keys_are_warnings)
{
    struct config *cfg = load("{" PROVIDERS ", \"models\": { \"fast\": { \"provider\": \"p\", \"model\": \"m\", \"temprature\": 1 } },"
                              " \"colour\": 1 }");
    ASSERT(has_warning(cfg, "config.json: models.fast: unknown key 'temprature' ignored (did you mean 'temperature'?)"));
    ASSERT(has_warning(cfg, "config.json: unknown key 'colour' ignored"));
    config_unref(cfg);
}

TEST(config_error_unknown_model_in_route)
{
    EXPECT_ERROR("{" BASE ", \"routes\": [ { \"targets\": [\"fast\"] }, { \"targets\": [\"sonet\"] } ] }",
                 "config.json: routes[1].targets[0]: unknown model 'sonet' (known: fast, reasoning)");
}

TEST(config_error_messages_types_and_ranges)
{
    EXPECT_ERROR("[1]", "config.json: the configuration must be a JSON object, got array");
    EXPECT_ERROR("{ \"a\": }", "config.json: line 1 column 8: unexpected '}'");
    EXPECT_ERROR("{" BASE ", \"inline\": { \"debounce_ms\": \"fast\" } }",
                 "config.json: inline.debounce_ms: expected an integer, got string");
    EXPECT_ERROR("{" BASE ", \"inline\": { \"debounce_ms\": -5 } }",
                 "config.json: inline.debounce_ms: must not be negative (got -5)");
    EXPECT_ERROR("{" BASE ", \"inline\": { \"max_lines\": 1.5 } }",
                 "config.json: inline.max_lines: expected an integer, got 1.5");
    EXPECT_ERROR("{" BASE ", \"inline\": { \"enabled\": 1 } }",
                 "config.json: inline.enabled: expected true or false, got number");
    EXPECT_ERROR("{" BASE ", \"inline\": { \"multiline\": \"sometimes\" } }",
                 "config.json: inline.multiline: unknown value 'sometimes' (expected auto, always, never)");
    EXPECT_ERROR("{" BASE ", \"timeouts\": { \"inline\": { \"total_ms\": 0 } } }",
                 "config.json: timeouts.inline.total_ms: must be at least 1 (got 0)");
    EXPECT_ERROR("{" BASE ", \"breaker\": { \"failure_rate\": 1.5 } }",
                 "config.json: breaker.failure_rate: must be at most 1 (got 1.5)");
    EXPECT_ERROR("{" BASE ", \"retry\": [] }", "config.json: retry: expected an object, got array");
    EXPECT_ERROR("{" BASE ", \"privacy\": { \"exclude\": \"*.pem\" } }",
                 "config.json: privacy.exclude: expected an array of strings, got string");
    EXPECT_ERROR("{" BASE ", \"preset\": \"fastest\" }",
                 "config.json: preset: unknown value 'fastest' (expected primary-budget-fallback, speed-depth, provider-diversity, selfhost-premium)");
    EXPECT_ERROR("{ \"a\": 1, \"a\": 2 }", "config.json: duplicate key 'a'");
}

TEST(config_error_messages_providers_models)
{
    EXPECT_ERROR("{ \"providers\": { \"x\": { \"kind\": \"openia\" } } }",
                 "config.json: providers.x.kind: unknown provider kind 'openia' (known: openai, openai-completions, mistral-fim, anthropic, gemini, ollama, llamacpp)");
    EXPECT_ERROR("{ \"providers\": { \"x\": { \"base_url\": \"https://a\" } } }",
                 "config.json: providers.x.kind: missing (one of openai, openai-completions, mistral-fim, anthropic, gemini, ollama, llamacpp)");
    EXPECT_ERROR("{ \"providers\": { \"x\": { \"kind\": \"openai\", \"base_url\": \"ftp://a\" } } }",
                 "config.json: providers.x.base_url: 'ftp://a' is not an http:// or https:// URL");
    EXPECT_ERROR("{ \"providers\": { \"x\": { \"kind\": \"openai\", \"base_url\": \"http://gpu.lan:8000/v1\" } } }",
                 "config.json: providers.x.base_url: plain http:// to non-local host 'gpu.lan' would send the key unencrypted (use https://, or set allow_insecure: true)");
    EXPECT_ERROR("{ \"providers\": { \"x\": { \"kind\": \"openai\", \"api_key_env\": \"sk-proj-abc123-def\" } } }",
                 "config.json: providers.x.api_key_env: must be the name of an environment variable (like ANTHROPIC_API_KEY), not the key itself");
    EXPECT_ERROR("{ \"providers\": { \"x\": { \"kind\": \"openai\", \"api_key_cmd\": [] } } }",
                 "config.json: providers.x.api_key_cmd: must name a command");
    EXPECT_ERROR("{ \"providers\": { \"x\": { \"kind\": \"openai\", \"headers\": { \"X-A\": 5 } } } }",
                 "config.json: providers.x.headers.X-A: expected a string, got number");
    EXPECT_ERROR("{ \"providers\": { \"x\": { \"kind\": \"openai\", \"max_concurrency\": -1 } } }",
                 "config.json: providers.x.max_concurrency: must not be negative (got -1)");
    EXPECT_ERROR("{" PROVIDERS ", \"models\": { \"m\": { \"provider\": \"q\", \"model\": \"x\" } } }",
                 "config.json: models.m.provider: unknown provider 'q' (known: p, local)");
    EXPECT_ERROR("{" PROVIDERS ", \"models\": { \"m\": { \"provider\": \"p\" } } }",
                 "config.json: models.m.model: missing (the API's model id)");
    EXPECT_ERROR("{" PROVIDERS ", \"models\": { \"m\": { \"provider\": \"p\", \"model\": \"x\", \"fim\": \"yes\" } } }",
                 "config.json: models.m.fim: unknown value 'yes' (expected auto, native, template, chat)");
    EXPECT_ERROR("{" PROVIDERS ", \"models\": { \"m\": { \"provider\": \"p\", \"model\": \"x\", \"fim\": \"native\" } } }",
                 "config.json: models.m.fim: provider kind 'openai' has no native fill-in-the-middle (use \"chat\")");
    EXPECT_ERROR("{" PROVIDERS ", \"models\": { \"m\": { \"provider\": \"local\", \"model\": \"x\", \"fim\": \"template\" } } }",
                 "config.json: models.m.fim_template: required when fim is \"template\"");
    EXPECT_ERROR("{" PROVIDERS ", \"models\": { \"m\": { \"provider\": \"p\", \"model\": \"x\", \"next_edit_format\": \"zeta\" } } }",
                 "config.json: models.m.next_edit_format: provider kind 'openai' cannot take a raw prompt (use \"chat\")");
    EXPECT_ERROR("{" PROVIDERS ", \"models\": { \"m\": { \"provider\": \"p\", \"model\": \"x\", \"next_edit_format\": \"fim\" } } }",
                 "config.json: models.m.next_edit_format: unknown value 'fim' (expected chat, zeta)");
    EXPECT_ERROR("{" BASE ", \"next_edit\": { \"region_lines\": -1 } }",
                 "config.json: next_edit.region_lines: must not be negative (got -1)");
    EXPECT_ERROR("{" PROVIDERS ", \"models\": { \"m\": { \"provider\": \"p\", \"model\": \"x\", \"temperature\": 3 } } }",
                 "config.json: models.m.temperature: must be at most 2 (got 3)");
    EXPECT_ERROR("{" PROVIDERS ", \"models\": { \"m\": { \"provider\": \"p\", \"model\": \"x\", \"price\": { \"input\": -0.5 } } } }",
                 "config.json: models.m.price.input: must not be negative (got -0.5)");
    EXPECT_ERROR("{" PROVIDERS ", \"models\": { \"qwen2.5\": { \"provider\": \"p\", \"model\": 7 } } }",
                 "config.json: models[\"qwen2.5\"].model: expected a string, got number");
}

TEST(config_error_messages_routes_budgets_actions)
{
    EXPECT_ERROR("{" BASE ", \"routes\": { } }", "config.json: routes: expected an array, got object");
    EXPECT_ERROR("{" BASE ", \"routes\": [ { \"when\": {} } ] }",
                 "config.json: routes[0].targets: missing (a list of model names)");
    EXPECT_ERROR("{" BASE ", \"routes\": [ { \"targets\": [] } ] }",
                 "config.json: routes[0].targets: must name at least one model");
    EXPECT_ERROR("{" BASE ", \"routes\": [ { \"targets\": [\"fast\", \"reasoning\"], \"strategy\": \"split\", \"weights\": [1, 2, 3] } ] }",
                 "config.json: routes[0].weights: 3 weights for 2 targets");
    EXPECT_ERROR("{" BASE ", \"routes\": [ { \"targets\": [\"fast\"], \"strategy\": \"split\", \"weights\": [-1] } ] }",
                 "config.json: routes[0].weights[0]: must not be negative (got -1)");
    EXPECT_ERROR("{" BASE ", \"routes\": [ { \"targets\": [\"fast\"], \"strategy\": \"random\" } ] }",
                 "config.json: routes[0].strategy: unknown value 'random' (expected fallback, split, hedge, adaptive, cascade)");
    EXPECT_ERROR("{" BASE ", \"routes\": [ { \"when\": { \"task\": [\"inline\", \"refactr\"] }, \"targets\": [\"fast\"] } ] }",
                 "config.json: routes[0].when.task[1]: unknown task kind 'refactr' (known: inline, refactor, fix, docs, tests, review, explain, architecture, next_edit)");
    EXPECT_ERROR("{" BASE ", \"routes\": [ { \"when\": { \"trigger\": \"manual\" }, \"targets\": [\"fast\"] } ] }",
                 "config.json: routes[0].when.trigger: unknown trigger 'manual' (known: automatic, invoked)");
    EXPECT_ERROR("{" BASE ", \"routes\": [ { \"when\": { \"min_tokens\": 10, \"max_tokens\": 5 }, \"targets\": [\"fast\"] } ] }",
                 "config.json: routes[0].when.min_tokens: greater than max_tokens (10 > 5)");
    EXPECT_ERROR("{" BASE ", \"routes\": [ { \"when\": { \"language\": 3 }, \"targets\": [\"fast\"] } ] }",
                 "config.json: routes[0].when.language: expected a string or an array of strings, got number");
    EXPECT_ERROR("{" BASE ", \"budgets\": [ { \"scope\": \"model\", \"name\": \"slow\", \"daily_usd\": 1 } ] }",
                 "config.json: budgets[0].name: unknown model 'slow' (known: fast, reasoning)");
    EXPECT_ERROR("{" BASE ", \"budgets\": [ { \"scope\": \"provider\", \"daily_usd\": 1 } ] }",
                 "config.json: budgets[0].name: missing (the provider the budget applies to)");
    EXPECT_ERROR("{" BASE ", \"budgets\": [ { \"daily_usd\": -2 } ] }",
                 "config.json: budgets[0].daily_usd: must not be negative (got -2)");
    EXPECT_ERROR("{" BASE ", \"budgets\": [ { \"daily_usd\": 1, \"action\": \"stop\" } ] }",
                 "config.json: budgets[0].action: unknown value 'stop' (expected downgrade, block)");
    EXPECT_ERROR("{" BASE ", \"actions\": [ { \"id\": \"a\", \"title\": \"A\" } ] }",
                 "config.json: actions[0].prompt: missing");
    EXPECT_ERROR("{" BASE ", \"actions\": [ { \"id\": \"Bad Id\", \"title\": \"A\", \"prompt\": \"p\" } ] }",
                 "config.json: actions[0].id: 'Bad Id' must use only a-z, 0-9, '-' and '_'");
    EXPECT_ERROR("{" BASE ", \"actions\": [ { \"id\": \"a\", \"title\": \"A\", \"prompt\": \"p\" }, { \"id\": \"a\", \"title\": \"B\", \"prompt\": \"q\" } ] }",
                 "config.json: actions[1].id: duplicate action id 'a'");
}

TEST(config_overrides_deep_merged)
{
    char err[512];
    cJSON *over = cJSON_Parse("{\"inline\": {\"debounce_ms\": 75}, \"models\": {\"fast\": {\"model\": \"deepseek-chat\"}}}");
    struct config *cfg = config_load_text("{" BASE ", \"inline\": {\"max_lines\": 4}}", "config.json", over, err, sizeof err);
    ASSERT(cfg != NULL);
    ASSERT_STREQ(cfg->source, "config.json+initializationOptions");
    ASSERT_EQ(cfg->inline_opts.debounce_ms, 75);
    ASSERT_EQ(cfg->inline_opts.max_lines, 4);
    ASSERT_STREQ(cfg->models[0].model, "deepseek-chat");
    ASSERT_STREQ(cfg->models[0].provider_name, "p");
    config_unref(cfg);
    /* A bad override is reported like a bad file. */
    cJSON *bad = cJSON_Parse("{\"inline\": {\"debounce_ms\": true}}");
    ASSERT(config_load_text("{" BASE "}", "config.json", bad, err, sizeof err) == NULL);
    ASSERT_STREQ(err, "config.json: inline.debounce_ms: expected an integer, got boolean");
    cJSON_Delete(over);
    cJSON_Delete(bad);
}

static bool has_glob(char **globs, const char *want)
{
    for (size_t i = 0; globs && globs[i]; i++)
        if (strcmp(globs[i], want) == 0) return true;
    return false;
}

/* Editor settings add privacy.exclude patterns to the file's; every other array (here a
 * route's targets) is replaced as before. */
TEST(config_overrides_join_privacy_excludes)
{
    char err[512];
    cJSON *over = cJSON_Parse("{\"privacy\": {\"exclude\": [\"generated/**\"]}}");
    struct config *cfg = config_load_text("{" BASE ", \"privacy\": {\"exclude\": [\"deploy/**\"]}}",
                                          "config.json", over, err, sizeof err);
    ASSERT(cfg != NULL);
    ASSERT(has_glob(cfg->exclude_globs, "deploy/**"));
    ASSERT(has_glob(cfg->exclude_globs, "generated/**"));
    ASSERT(has_glob(cfg->exclude_globs, config_default_excludes[0]));
    config_unref(cfg);
    cJSON_Delete(over);
}

TEST(config_price_in_file_overrides_list)
{
    struct config *cfg = load("{" PROVIDERS ", \"models\": { \"a\": { \"provider\": \"p\", \"model\": \"gpt-5\", \"price\": { \"output\": 8 } },"
                              " \"b\": { \"provider\": \"p\", \"model\": \"my-own-model\" }, \"c\": { \"provider\": \"local\", \"model\": \"qwen\" } } }");
    ASSERT_NEAR(cfg->models[0].price.input, 1.25, 1e-9);   /* from the list */
    ASSERT_NEAR(cfg->models[0].price.output, 8, 1e-9);     /* from the file */
    ASSERT(cfg->models[1].price.input < 0);                /* unknown */
    ASSERT_EQ(cfg->models[1].context_window, 0);
    ASSERT_NEAR(cfg->models[2].price.input, 0, 1e-9);      /* local: free */
    config_unref(cfg);
}

TEST(config_keys_resolved_registered_and_never_in_messages)
{
    setenv("SB_TEST_KEY", "sk-test-secret-value-42", 1);
    struct config *cfg = load("{ \"providers\": { \"p\": { \"kind\": \"anthropic\", \"api_key_env\": \"SB_TEST_KEY\" },"
                              " \"q\": { \"kind\": \"openai\", \"api_key_env\": \"SB_TEST_UNSET\" } },"
                              " \"models\": { \"m\": { \"provider\": \"p\", \"model\": \"claude-haiku-4-5\" } } }");
    ASSERT_STREQ(cfg->providers[0].api_key, "sk-test-secret-value-42");
    ASSERT_STREQ(cfg->providers[0].key_source, "SB_TEST_KEY");
    ASSERT(cfg->providers[1].api_key == NULL);
    ASSERT(cfg->providers[1].key_source == NULL);
    ASSERT_STREQ(cfg->models[0].api_key, "sk-test-secret-value-42");
    char line[] = "Authorization: Bearer sk-test-secret-value-42";
    log_mask_secrets(line);
    ASSERT(strstr(line, "sk-test") == NULL);
    config_unref(cfg);
}

TEST(config_credential_headers_masked)
{
    struct config *cfg = load("{ \"providers\": { \"p\": { \"kind\": \"openai\","
                              " \"headers\": { \"X-Api-Key\": \"hdr-secret-5678\", \"X-Title\": \"switchboard\" } } } }");
    ASSERT_STREQ(cfg->providers[0].headers[0], "X-Api-Key: hdr-secret-5678");
    ASSERT_STREQ(cfg->providers[0].headers[1], "X-Title: switchboard");
    char line[] = "sent hdr-secret-5678 from switchboard";
    log_mask_secrets(line);
    ASSERT_STREQ(line, "sent *************** from switchboard");
    config_unref(cfg);
}

TEST(config_api_key_cmd_success_failure)
{
    struct config *cfg = load("{ \"providers\": {"
        " \"ok\": { \"kind\": \"openai\", \"api_key_cmd\": [\"echo\", \"sk-from-command-77\"] },"
        " \"bad\": { \"kind\": \"openai\", \"api_key_cmd\": [\"sh\", \"-c\", \"echo sk-leaked-output-88; exit 3\"] },"
        " \"none\": { \"kind\": \"openai\", \"api_key_cmd\": [\"/nonexistent/keytool\"] } } }");
    ASSERT_STREQ(cfg->providers[0].api_key, "sk-from-command-77");
    ASSERT_STREQ(cfg->providers[0].key_source, "api_key_cmd");
    ASSERT(cfg->providers[1].api_key == NULL);
    ASSERT(has_warning(cfg, "config.json: providers.bad.api_key_cmd: 'sh' exited with status 3; the provider has no key"));
    ASSERT(has_warning(cfg, "config.json: providers.none.api_key_cmd: cannot run '/nonexistent/keytool': No such file or directory; the provider has no key"));
    for (size_t i = 0; cfg->warnings[i]; i++) ASSERT(strstr(cfg->warnings[i], "sk-leaked") == NULL);
    char line[] = "x sk-from-command-77 y";
    log_mask_secrets(line);
    ASSERT(strstr(line, "sk-from") == NULL);
    config_unref(cfg);
}

TEST(config_api_key_cmd_can_be_disabled)
{
    setenv("SWITCHBOARD_NO_KEY_CMD", "1", 1);
    struct config *cfg = load("{ \"providers\": { \"ok\": { \"kind\": \"openai\", \"api_key_cmd\": [\"echo\", \"sk-cmd-1234\"] } } }");
    ASSERT(cfg->providers[0].api_key == NULL);
    ASSERT(has_warning(cfg, "config.json: providers.ok.api_key_cmd: not run (SWITCHBOARD_NO_KEY_CMD is set); the provider has no key"));
    config_unref(cfg);
}
