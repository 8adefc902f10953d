/* The api_key_cmd key cache (see apikey_cache.h): a short list, one entry per distinct
 * command, which is a handful at most. Config loading runs on the loop thread only. */
#include "config/apikey_cache.h"
#include "config/config_internal.h"
#include "base/xalloc.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    struct entry *next;
    char **argv;        /* NULL-terminated copy */
    char *key;
};

static struct entry *entries;

static bool same_argv(char *const *a, char *const *b)
{
    size_t i = 0;
    for (; a[i] && b[i]; i++)
        if (strcmp(a[i], b[i]) != 0) return false;
    return !a[i] && !b[i];
}

static struct entry *find(char *const *argv)
{
    for (struct entry *e = entries; e; e = e->next)
        if (same_argv(e->argv, argv)) return e;
    return NULL;
}

const char *apikey_cache_get(char *const *argv)
{
    struct entry *e = find(argv);
    return e ? e->key : NULL;
}

void apikey_cache_put(char *const *argv, const char *key)
{
    struct entry *e = find(argv);
    if (e) {
        xfree_secret(e->key);
        e->key = xstrdup(key);
        return;
    }
    static bool at_exit;
    if (!at_exit) {          /* wiped at exit too, whichever way the process ends normally */
        atexit(apikey_cache_forget);
        at_exit = true;
    }
    e = xcalloc(1, sizeof *e);
    e->argv = cfg_strv_dup(argv);
    e->key = xstrdup(key);
    e->next = entries;
    entries = e;
}

void apikey_cache_forget(void)
{
    while (entries) {
        struct entry *e = entries;
        entries = e->next;
        cfg_free_strv(e->argv);
        xfree_secret(e->key);
        free(e);
    }
}
