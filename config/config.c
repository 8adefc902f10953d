/* Configuration lifecycle (see config.h): find the file, parse it (JSON with
 * comments), deep-merge the editor's overrides, validate section by section into an
 * immutable reference-counted struct, expand a preset when routes are not written.
 * Any error frees the half-built config: a bad file is never applied. */
#include "config/config_internal.h"
#include "config/defaults.h"
#include "config/presets.h"
#include "base/xalloc.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void free_provider(struct provider_config *p)
{
    free(p->name); free(p->kind); free(p->base_url); free(p->api_key_env);
    cfg_free_strv(p->api_key_cmd);
    xfree_secret(p->api_key);
    free(p->key_source);
    cfg_free_strv(p->headers);
}

static void free_route(struct route_rule *r)
{
    cfg_free_strv(r->languages);
    cfg_free_strv(r->path_globs);
    free(r->targets); free(r->weights); free(r->label);
}

static void config_free(struct config *cfg)
{
    for (size_t i = 0; i < cfg->provider_count; i++) free_provider(&cfg->providers[i]);
    free(cfg->providers);
    for (size_t i = 0; i < cfg->model_count; i++) model_spec_free(&cfg->models[i]);
    free(cfg->models);
    free(cfg->model_provider);
    for (size_t i = 0; i < cfg->route_count; i++) free_route(&cfg->routes[i]);
    free(cfg->routes);
    for (size_t i = 0; i < cfg->budget_count; i++) free(cfg->budgets[i].name);
    free(cfg->budgets);
    for (size_t i = 0; i < cfg->action_count; i++) {
        struct action_config *a = &cfg->actions[i];
        free(a->id); free(a->title); free(a->kind); free(a->prompt);
    }
    free(cfg->actions);
    cfg_free_strv(cfg->exclude_globs);
    cfg_free_strv(cfg->local_only_globs);
    cfg_free_strv(cfg->insecure_hosts);
    cfg_free_strv(cfg->warnings);
    free(cfg->source); free(cfg->ledger_path); free(cfg->preset); free(cfg->refusal);
    cfg_free_telemetry(&cfg->telemetry);
    free(cfg);
}

struct config *config_ref(struct config *cfg)
{
    if (cfg) cfg->refcount++;
    return cfg;
}

void config_unref(struct config *cfg)
{
    if (cfg && --cfg->refcount == 0) config_free(cfg);
}

int config_model_index(const struct config *cfg, const char *name)
{
    for (size_t i = 0; cfg && name && i < cfg->model_count; i++)
        if (strcmp(cfg->models[i].name, name) == 0) return (int)i;
    return -1;
}

const struct provider_config *config_model_provider(const struct config *cfg, size_t model)
{
    if (!cfg || model >= cfg->model_count) return NULL;
    return &cfg->providers[cfg->model_provider[model]];
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *config_find_path(const char *explicit_path)
{
    if (explicit_path && *explicit_path) return xstrdup(explicit_path);
    const char *env = getenv("SWITCHBOARD_CONFIG");
    if (env && *env) return xstrdup(env);
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char *path = NULL;
    if (xdg && *xdg) path = xasprintf("%s/switchboard/config.json", xdg);
    else if (home && *home) path = xasprintf("%s/.config/switchboard/config.json", home);
    if (path && file_exists(path)) return path;
    free(path);
    return NULL;
}

/* cJSON keeps duplicate keys and reads the first: say so instead of guessing. */
static int check_duplicates(struct cfg_ctx *c, const cJSON *node, const char *path)
{
    char child_path[CFG_PATH_MAX];
    size_t i = 0;
    for (const cJSON *e = node->child; e; e = e->next, i++) {
        if (cJSON_IsObject(node)) {
            for (const cJSON *f = node->child; f != e; f = f->next) {
                if (strcmp(f->string, e->string) == 0) {
                    cfg_error(c, path, "duplicate key '%s'", e->string);
                    return -1;
                }
            }
            cfg_path_key(child_path, path, e->string);
        } else {
            cfg_path_index(child_path, path, i);
        }
        if ((cJSON_IsObject(e) || cJSON_IsArray(e)) && check_duplicates(c, e, child_path) < 0)
            return -1;
    }
    return 0;
}

static const char *const top_keys[] = {
    "$schema", "providers", "models", "routes", "budgets", "timeouts", "inline", "next_edit", "retry",
    "breaker", "privacy", "actions", "ledger", "insecure_hosts", "preset", "telemetry", NULL,
};

static int expand_preset(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    bool routes_written = json_member(root, "routes") != NULL;
    if (!cfg->preset && (routes_written || cfg->model_count == 0)) return 0;
    if (!cfg->preset) cfg->preset = xstrdup("speed-depth");
    char note[256];
    cJSON *routes = preset_routes(cfg, cfg->preset, note, sizeof note);
    if (note[0]) cfg_note(c, note);
    char path[CFG_PATH_MAX];
    snprintf(path, sizeof path, "preset %s routes", cfg->preset);
    int rc = cfg_parse_routes(c, cfg, routes, path);
    cJSON_Delete(routes);
    return rc;
}

static struct config *build(const cJSON *root, const char *name, const char *source,
                            char *err, size_t errlen)
{
    struct cfg_ctx c = { .file = name, .err = err, .errlen = errlen };
    struct config *cfg = xcalloc(1, sizeof *cfg);
    cfg->refcount = 1;
    cfg->source = xstrdup(source);
    cfg_set_defaults(cfg);
    int preset = -1;
    if (!cJSON_IsObject(root)) {
        cfg_error(&c, NULL, "the configuration must be a JSON object, got %s", cfg_type_name(root));
    } else if (check_duplicates(&c, root, "") == 0) {
        cfg_check_keys(&c, root, "", top_keys);
        if (cfg_get_string_list(&c, root, "insecure_hosts", "", false, &cfg->insecure_hosts) == 0 &&
            cfg_get_enum(&c, root, "preset", "", preset_names, &preset) == 0 &&
            cfg_parse_providers(&c, cfg, root) == 0 && cfg_parse_models(&c, cfg, root) == 0 &&
            cfg_parse_routes(&c, cfg, json_member(root, "routes"), "routes") == 0 &&
            cfg_parse_budgets(&c, cfg, root) == 0 && cfg_parse_settings(&c, cfg, root) == 0 &&
            cfg_parse_actions(&c, cfg, root) == 0 && cfg_parse_telemetry(&c, cfg, root) == 0) {
            if (preset >= 0) cfg->preset = xstrdup(preset_names[preset]);
            expand_preset(&c, cfg, root);
        }
    }
    if (cfg->model_count == 0 && !c.failed) cfg_note(&c, config_setup_hint());
    cfg->warnings = c.warnings;
    if (!cfg->warnings) cfg->warnings = xcalloc(1, sizeof *cfg->warnings);
    if (c.failed) {
        config_free(cfg);
        return NULL;
    }
    return cfg;
}

static bool has_overrides(const cJSON *overrides)
{
    return cJSON_IsObject(overrides) && overrides->child;
}

/* Editor settings may add privacy.exclude patterns but not drop the file's: a
 * workspace's settings file must not reopen what the user's file keeps from models.
 * So that array is joined (the file's patterns, then the editor's), where every other
 * array replaces. Returns the overrides left to merge (a copy, or NULL for none). */
static cJSON *join_privacy_excludes(cJSON *root, const cJSON *overrides)
{
    if (!has_overrides(overrides)) return NULL;
    cJSON *rest = cJSON_Duplicate(overrides, 1);
    cJSON *privacy = cJSON_GetObjectItemCaseSensitive(rest, "privacy");
    cJSON *extra = cJSON_IsObject(privacy) ? cJSON_GetObjectItemCaseSensitive(privacy, "exclude") : NULL;
    cJSON *file_privacy = cJSON_GetObjectItemCaseSensitive(root, "privacy");
    cJSON *own = cJSON_IsObject(file_privacy) ? cJSON_GetObjectItemCaseSensitive(file_privacy, "exclude")
                                              : NULL;
    if (!cJSON_IsArray(extra) || !cJSON_IsArray(own)) return rest;   /* nothing to join */
    cJSON *item;
    cJSON_ArrayForEach(item, extra) cJSON_AddItemToArray(own, cJSON_Duplicate(item, 1));
    cJSON_DeleteItemFromObjectCaseSensitive(privacy, "exclude");
    return rest;
}

static struct config *load_document(cJSON *root, const char *name, const char *source,
                                    const cJSON *overrides, char *err, size_t errlen)
{
    char *full = has_overrides(overrides) ? xasprintf("%s+initializationOptions", source)
                                          : xstrdup(source);
    cJSON *rest = join_privacy_excludes(root, overrides);
    json_deep_merge(root, rest);
    cJSON_Delete(rest);
    struct config *cfg = build(root, name, full, err, errlen);
    free(full);
    cJSON_Delete(root);
    return cfg;
}

struct config *config_load_text(const char *text, const char *name, const cJSON *overrides,
                                char *err, size_t errlen)
{
    char perr[128];
    cJSON *root = jsonc_parse(text, perr, sizeof perr);
    if (!root) {
        if (err && errlen) snprintf(err, errlen, "%s: %s", name, perr);
        return NULL;
    }
    return load_document(root, name, name, overrides, err, errlen);
}

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *data = xmalloc(cap);
    size_t n;
    while ((n = fread(data + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) data = xrealloc(data, cap *= 2);
        if (len > (8u << 20)) {   /* a config is kilobytes; refuse runaway input */
            snprintf(err, errlen, "%s: larger than 8 MiB", path);
            fclose(f);
            free(data);
            return NULL;
        }
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        free(data);
        return NULL;
    }
    data[len] = '\0';
    if (memchr(data, '\0', len)) {
        snprintf(err, errlen, "%s: contains a NUL byte (not a text file?)", path);
        free(data);
        return NULL;
    }
    return data;
}

struct config *config_refusing(const char *source, const char *reason)
{
    struct config *cfg = xcalloc(1, sizeof *cfg);
    cfg->refcount = 1;
    cfg->source = xstrdup(source ? source : "(no configuration)");
    cfg_set_defaults(cfg);
    cfg->warnings = xcalloc(1, sizeof *cfg->warnings);
    cfg->refusal = xstrdup(reason && *reason ? reason : "the configuration is invalid");
    return cfg;
}

struct config *config_load(const char *path, const cJSON *overrides, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!path)
        return load_document(defaults_document(), "defaults", "defaults", overrides, err, errlen);
    char local_err[16];
    if (!err || !errlen) { err = local_err; errlen = sizeof local_err; }
    char *text = read_file(path, err, errlen);
    if (!text) return NULL;
    struct config *cfg = config_load_text(text, path, overrides, err, errlen);
    free(text);
    return cfg;
}
