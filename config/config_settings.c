/* Scalar settings sections (timeouts, inline, retry, breaker, privacy, ledger) and
 * user-defined actions, with the defaults documented in config.h. */
#include "config/config_internal.h"
#include "base/json.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *const config_default_excludes[] = {
    ".env*", "*.pem", "*.key", "id_rsa*", "**/secrets/**", NULL,
};

static char *default_ledger_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    if (state && *state) return xasprintf("%s/switchboard/ledger.jsonl", state);
    const char *home = getenv("HOME");
    return xasprintf("%s/.local/state/switchboard/ledger.jsonl", home && *home ? home : ".");
}

void cfg_set_defaults(struct config *cfg)
{
    cfg->inline_timeouts = (struct timeout_settings){ 2000, 1500, 1000, 5000 };
    cfg->action_timeouts = (struct timeout_settings){ 10000, 60000, 30000, 300000 };
    cfg->inline_opts = (struct inline_settings){
        .enabled = true, .debounce_ms = 150, .max_lines = 12, .multiline = MULTILINE_AUTO,
        .prefix_tokens = 1500, .suffix_tokens = 500, .snippets = true, .snippet_tokens = 500,
        .max_output_tokens = 128, .candidates = 3, .completion_wait_ms = 800,
        .cache_entries = 64, .retention_ms = 30000,
    };
    cfg->next_edit = (struct next_edit_settings){
        .enabled = true, .region_lines = 10, .context_lines = 20, .history_edits = 10,
        .history_bytes = 2048, .max_output_tokens = 1024, .serve_inline = false,
    };
    cfg->retry = (struct retry_settings){ 2, 250, 4000, 10000 };
    cfg->breaker = (struct breaker_settings){ 3, 0.5, 10, 60000, 30000 };
    cfg->exclude_globs = cfg_strv_dup(config_default_excludes);
    cfg->redact_secrets = true;
    cfg->ledger_path = default_ledger_path();
    cfg->ledger_max_bytes = 10L * 1024 * 1024;
    cfg->ledger_keep = 3;
    cfg->telemetry.enabled = -1;
    cfg->telemetry.protocol = -1;
}

static int parse_timeouts_of(struct cfg_ctx *c, const cJSON *timeouts, const char *key,
                             struct timeout_settings *t)
{
    static const char *const keys[] = { "connect_ms", "first_token_ms", "idle_ms", "total_ms", NULL };
    const cJSON *obj = NULL;
    if (cfg_get_object(c, timeouts, key, "timeouts", &obj) < 0) return -1;
    if (!obj) return 0;
    char p[CFG_PATH_MAX];
    cfg_path_key(p, "timeouts", key);
    cfg_check_keys(c, obj, p, keys);
    return cfg_get_long(c, obj, "connect_ms", p, &t->connect, 1) < 0 ||
           cfg_get_long(c, obj, "first_token_ms", p, &t->first_token, 1) < 0 ||
           cfg_get_long(c, obj, "idle_ms", p, &t->idle, 1) < 0 ||
           cfg_get_long(c, obj, "total_ms", p, &t->total, 1) < 0 ? -1 : 0;
}

static int parse_timeouts(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    static const char *const keys[] = { "inline", "actions", NULL };
    const cJSON *obj = NULL;
    if (cfg_get_object(c, root, "timeouts", "", &obj) < 0) return -1;
    if (!obj) return 0;
    cfg_check_keys(c, obj, "timeouts", keys);
    return parse_timeouts_of(c, obj, "inline", &cfg->inline_timeouts) < 0 ||
           parse_timeouts_of(c, obj, "actions", &cfg->action_timeouts) < 0 ? -1 : 0;
}

static int parse_inline(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    static const char *const keys[] = {
        "enabled", "debounce_ms", "max_lines", "multiline", "prefix_tokens", "suffix_tokens",
        "snippets", "snippet_tokens", "max_output_tokens", "candidates", "completion_wait_ms",
        "cache_entries", "retention_ms", NULL,
    };
    static const char *const modes[] = { "auto", "always", "never", NULL };
    const cJSON *o = NULL;
    if (cfg_get_object(c, root, "inline", "", &o) < 0) return -1;
    if (!o) return 0;
    const char *p = "inline";
    struct inline_settings *s = &cfg->inline_opts;
    cfg_check_keys(c, o, p, keys);
    int multiline = (int)s->multiline;
    if (cfg_get_bool(c, o, "enabled", p, &s->enabled) < 0 ||
        cfg_get_int(c, o, "debounce_ms", p, &s->debounce_ms, 0) < 0 ||
        cfg_get_int(c, o, "max_lines", p, &s->max_lines, 1) < 0 ||
        cfg_get_enum(c, o, "multiline", p, modes, &multiline) < 0 ||
        cfg_get_int(c, o, "prefix_tokens", p, &s->prefix_tokens, 0) < 0 ||
        cfg_get_int(c, o, "suffix_tokens", p, &s->suffix_tokens, 0) < 0 ||
        cfg_get_bool(c, o, "snippets", p, &s->snippets) < 0 ||
        cfg_get_int(c, o, "snippet_tokens", p, &s->snippet_tokens, 0) < 0 ||
        cfg_get_int(c, o, "max_output_tokens", p, &s->max_output_tokens, 1) < 0 ||
        cfg_get_int(c, o, "candidates", p, &s->candidates, 1) < 0 ||
        cfg_get_int(c, o, "completion_wait_ms", p, &s->completion_wait_ms, 0) < 0 ||
        cfg_get_int(c, o, "cache_entries", p, &s->cache_entries, 0) < 0 ||
        cfg_get_int(c, o, "retention_ms", p, &s->retention_ms, 1) < 0)
        return -1;
    s->multiline = (enum multiline_mode)multiline;
    return 0;
}

static int parse_next_edit(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    static const char *const keys[] = {
        "enabled", "region_lines", "context_lines", "history_edits", "history_bytes",
        "max_output_tokens", "serve_inline", NULL,
    };
    const cJSON *o = NULL;
    if (cfg_get_object(c, root, "next_edit", "", &o) < 0) return -1;
    if (!o) return 0;
    const char *p = "next_edit";
    struct next_edit_settings *s = &cfg->next_edit;
    cfg_check_keys(c, o, p, keys);
    return cfg_get_bool(c, o, "enabled", p, &s->enabled) < 0 ||
           cfg_get_int(c, o, "region_lines", p, &s->region_lines, 0) < 0 ||
           cfg_get_int(c, o, "context_lines", p, &s->context_lines, 0) < 0 ||
           cfg_get_int(c, o, "history_edits", p, &s->history_edits, 1) < 0 ||
           cfg_get_int(c, o, "history_bytes", p, &s->history_bytes, 64) < 0 ||
           cfg_get_int(c, o, "max_output_tokens", p, &s->max_output_tokens, 16) < 0 ||
           cfg_get_bool(c, o, "serve_inline", p, &s->serve_inline) < 0 ? -1 : 0;
}

static int parse_retry_breaker(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    static const char *const retry_keys[] = {
        "max_retries", "base_ms", "cap_ms", "max_server_delay_ms", NULL,
    };
    static const char *const breaker_keys[] = {
        "failure_threshold", "failure_rate", "min_requests", "window_ms", "cooldown_ms", NULL,
    };
    const cJSON *r = NULL, *b = NULL;
    if (cfg_get_object(c, root, "retry", "", &r) < 0 ||
        cfg_get_object(c, root, "breaker", "", &b) < 0)
        return -1;
    if (r) {
        cfg_check_keys(c, r, "retry", retry_keys);
        struct retry_settings *s = &cfg->retry;
        if (cfg_get_int(c, r, "max_retries", "retry", &s->max_retries, 0) < 0 ||
            cfg_get_long(c, r, "base_ms", "retry", &s->base_ms, 0) < 0 ||
            cfg_get_long(c, r, "cap_ms", "retry", &s->cap_ms, 0) < 0 ||
            cfg_get_long(c, r, "max_server_delay_ms", "retry", &s->max_server_delay_ms, 0) < 0)
            return -1;
    }
    if (b) {
        cfg_check_keys(c, b, "breaker", breaker_keys);
        struct breaker_settings *s = &cfg->breaker;
        if (cfg_get_int(c, b, "failure_threshold", "breaker", &s->failure_threshold, 1) < 0 ||
            cfg_get_double(c, b, "failure_rate", "breaker", &s->failure_rate, 0, 1) < 0 ||
            cfg_get_int(c, b, "min_requests", "breaker", &s->min_requests, 1) < 0 ||
            cfg_get_long(c, b, "window_ms", "breaker", &s->window_ms, 1) < 0 ||
            cfg_get_long(c, b, "cooldown_ms", "breaker", &s->cooldown_ms, 0) < 0)
            return -1;
    }
    return 0;
}

/* User excludes are added to the defaults, never replace them: dropping the defaults
 * by writing one pattern would silently start sending .env files. */
static int parse_privacy(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    static const char *const keys[] = { "exclude", "redact_secrets", "local_only", NULL };
    const cJSON *o = NULL;
    if (cfg_get_object(c, root, "privacy", "", &o) < 0) return -1;
    if (!o) return 0;
    cfg_check_keys(c, o, "privacy", keys);
    char **extra = NULL;
    if (cfg_get_string_list(c, o, "exclude", "privacy", false, &extra) < 0 ||
        cfg_get_bool(c, o, "redact_secrets", "privacy", &cfg->redact_secrets) < 0)
        return -1;
    /* local_only: true (every file) or globs of paths, a whole workspace being its folder
     * followed by a double-star segment. */
    const cJSON *local = json_member(o, "local_only");
    if (cJSON_IsTrue(local)) {
        cfg_strv_push(&cfg->local_only_globs, "**");
    } else if (local && !cJSON_IsFalse(local) &&
               cfg_get_string_list(c, o, "local_only", "privacy", true, &cfg->local_only_globs) < 0) {
        cfg_free_strv(extra);
        return -1;
    }
    for (size_t i = 0; extra && extra[i]; i++) cfg_strv_push(&cfg->exclude_globs, extra[i]);
    cfg_free_strv(extra);
    return 0;
}

static int parse_ledger(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    static const char *const keys[] = { "path", "max_bytes", "keep", NULL };
    const cJSON *o = NULL;
    if (cfg_get_object(c, root, "ledger", "", &o) < 0) return -1;
    if (!o) return 0;
    cfg_check_keys(c, o, "ledger", keys);
    char *path = NULL;
    if (cfg_get_string(c, o, "path", "ledger", &path) < 0 ||
        cfg_get_long(c, o, "max_bytes", "ledger", &cfg->ledger_max_bytes, 1024) < 0 ||
        cfg_get_int(c, o, "keep", "ledger", &cfg->ledger_keep, 0) < 0) {
        free(path);
        return -1;
    }
    if (path) {
        const char *home = getenv("HOME");
        free(cfg->ledger_path);
        cfg->ledger_path = path[0] == '~' && path[1] == '/' && home
                               ? xasprintf("%s%s", home, path + 1) : xstrdup(path);
        free(path);
    }
    return 0;
}

int cfg_parse_settings(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    return parse_timeouts(c, cfg, root) < 0 || parse_inline(c, cfg, root) < 0 ||
           parse_next_edit(c, cfg, root) < 0 ||
           parse_retry_breaker(c, cfg, root) < 0 || parse_privacy(c, cfg, root) < 0 ||
           parse_ledger(c, cfg, root) < 0 ? -1 : 0;
}

static bool valid_action_id(const char *id)
{
    if (!*id) return false;
    for (const char *p = id; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-' && *p != '_')
            return false;
    return true;
}

static int parse_action(struct cfg_ctx *c, struct config *cfg, struct action_config *a,
                        const cJSON *obj, const char *path)
{
    static const char *const keys[] = { "id", "title", "kind", "task", "prompt", NULL };
    static const char *const tasks[] = {
        "inline", "refactor", "fix", "docs", "tests", "review", "explain", "architecture", NULL,
    };
    if (!cJSON_IsObject(obj)) {
        cfg_error(c, path, "expected an object, got %s", cfg_type_name(obj));
        return -1;
    }
    cfg_check_keys(c, obj, path, keys);
    int task = TASK_REFACTOR;
    if (cfg_get_string(c, obj, "id", path, &a->id) < 0 ||
        cfg_get_string(c, obj, "title", path, &a->title) < 0 ||
        cfg_get_string(c, obj, "kind", path, &a->kind) < 0 ||
        cfg_get_enum(c, obj, "task", path, tasks, &task) < 0 ||
        cfg_get_string(c, obj, "prompt", path, &a->prompt) < 0)
        return -1;
    a->task = (enum task_kind)task;
    char kp[CFG_PATH_MAX];
    const char *missing = !a->id ? "id" : !a->title ? "title" : !a->prompt ? "prompt" : NULL;
    if (missing) {
        cfg_path_key(kp, path, missing);
        cfg_error(c, kp, "missing");
        return -1;
    }
    cfg_path_key(kp, path, "id");
    if (!valid_action_id(a->id)) {
        cfg_error(c, kp, "'%s' must use only a-z, 0-9, '-' and '_'", a->id);
        return -1;
    }
    for (size_t i = 0; i + 1 < cfg->action_count; i++) {
        if (strcmp(cfg->actions[i].id, a->id) == 0) {
            cfg_error(c, kp, "duplicate action id '%s'", a->id);
            return -1;
        }
    }
    if (!a->kind) a->kind = xasprintf("refactor.rewrite.switchboard.%s", a->id);
    return 0;
}

int cfg_parse_actions(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    const cJSON *actions = json_member(root, "actions");
    if (!actions) return 0;
    if (!cJSON_IsArray(actions)) {
        cfg_error(c, "actions", "expected an array, got %s", cfg_type_name(actions));
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(actions);
    cfg->actions = xcalloc(n ? n : 1, sizeof *cfg->actions);
    char ap[CFG_PATH_MAX];
    size_t i = 0;
    for (const cJSON *a = actions->child; a; a = a->next, i++) {
        cfg_path_index(ap, "actions", i);
        if (parse_action(c, cfg, &cfg->actions[cfg->action_count++], a, ap) < 0) return -1;
    }
    return 0;
}
