/* Internals shared by the configuration loader's files (config*.c, defaults.c,
 * presets.c): the validation context and typed getters. Every getter leaves its
 * output untouched when the key is absent (so defaults set beforehand stay), returns
 * 0 on success or absence and -1 after recording an error. Only the first error is
 * kept: it is the one the user fixes first. Messages read "FILE: PATH: problem". */
#ifndef CONFIG_CONFIG_INTERNAL_H
#define CONFIG_CONFIG_INTERNAL_H
#include "config/config.h"
#include "base/json.h"
#include <stdbool.h>

#define CFG_PATH_MAX 256

struct cfg_ctx {
    const char *file;        /* name used in messages */
    char *err;
    size_t errlen;
    bool failed;
    char **warnings;         /* NULL-terminated, grows */
    size_t warning_count;
};

void cfg_error(struct cfg_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cfg_warn(struct cfg_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Plain warning without file/path prefix (zero-config notices). */
void cfg_note(struct cfg_ctx *c, const char *text);

/* out = parent + ".key" (or ["key"] when key is not identifier-like) / parent + "[i]". */
void cfg_path_key(char *out, const char *parent, const char *key);
void cfg_path_index(char *out, const char *parent, size_t index);

const char *cfg_type_name(const cJSON *item);
/* Warns about every key of obj not in the NULL-terminated allowed list. */
void cfg_check_keys(struct cfg_ctx *c, const cJSON *obj, const char *path,
                    const char *const *allowed);
/* "a, b, c" of a NULL-terminated list, into out. */
void cfg_join_names(char *out, size_t n, const char *const *names);

int cfg_get_object(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                   const cJSON **out);
int cfg_get_string(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                   char **out);
int cfg_get_bool(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                 bool *out);
int cfg_get_long(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                 long *out, long min);
int cfg_get_int(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                int *out, int min);
int cfg_get_double(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                   double *out, double min, double max);
/* Value must be one of names (NULL-terminated); *out = its index. */
int cfg_get_enum(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                 const char *const *names, int *out);
/* A string or an array of strings (single_ok) / an array of strings; NULL-terminated. */
int cfg_get_string_list(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                        bool single_ok, char ***out);

void cfg_free_strv(char **v);
char **cfg_strv_dup(char *const *v);
size_t cfg_strv_len(char *const *v);
void cfg_strv_push(char ***v, const char *s);

/* Sections (config_providers.c, config_routes.c, config_settings.c). */
int cfg_parse_providers(struct cfg_ctx *c, struct config *cfg, const cJSON *root);
int cfg_parse_models(struct cfg_ctx *c, struct config *cfg, const cJSON *root);
int cfg_parse_routes(struct cfg_ctx *c, struct config *cfg, const cJSON *routes,
                     const char *path);
int cfg_parse_budgets(struct cfg_ctx *c, struct config *cfg, const cJSON *root);
int cfg_parse_settings(struct cfg_ctx *c, struct config *cfg, const cJSON *root);
int cfg_parse_actions(struct cfg_ctx *c, struct config *cfg, const cJSON *root);
/* config_telemetry.c */
int cfg_parse_telemetry(struct cfg_ctx *c, struct config *cfg, const cJSON *root);
void cfg_free_telemetry(struct telemetry_config *t);
void cfg_set_defaults(struct config *cfg);


#endif
