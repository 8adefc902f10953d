/* Test-file conventions and the Markdown files of Explain. */
#include "actions/action_files.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool action_is_test_path(const char *path)
{
    const char *base = base_name(path);
    if (strncmp(base, "test_", 5) == 0) return true;
    static const char *const marks[] = { "_test.", ".test.", ".spec.", "_spec.", "Test.java" };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strstr(base, marks[i])) return true;
    static const char *const dirs[] = { "/tests/", "/test/", "/__tests__/", "/spec/" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (strstr(path, dirs[i])) return true;
    return false;
}

struct candidates { char **v; size_t count; };

static void add(struct candidates *c, char *path)
{
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->v[i], path) == 0) { free(path); return; }
    c->v = xrealloc(c->v, (c->count + 2) * sizeof *c->v);
    c->v[c->count++] = path;
    c->v[c->count] = NULL;
}

static bool ext_in(const char *ext, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(ext, *list) == 0) return true;
    return false;
}

char **action_test_candidates(const char *path, const char *language, const char *root)
{
    (void)language;   /* the extension says more than the language id */
    struct candidates c = { xcalloc(1, sizeof(char *)), 0 };
    if (!path || action_is_test_path(path)) return c.v;
    const char *base = base_name(path);
    const char *dot = strrchr(base, '.');
    const char *ext = dot ? dot : "";
    int dir_len = (int)(base - path);
    int stem_len = (int)(dot ? dot - base : (long)strlen(base));
    const char *dir = path;
    static const char *const js[] = { ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", NULL };
    if (strcmp(ext, ".go") == 0) {
        add(&c, xasprintf("%.*s%.*s_test.go", dir_len, dir, stem_len, base));
    } else if (ext_in(ext, js)) {
        add(&c, xasprintf("%.*s%.*s.test%s", dir_len, dir, stem_len, base, ext));
        add(&c, xasprintf("%.*s%.*s.spec%s", dir_len, dir, stem_len, base, ext));
        add(&c, xasprintf("%.*s__tests__/%.*s.test%s", dir_len, dir, stem_len, base, ext));
    } else if (strcmp(ext, ".rb") == 0) {
        if (root) add(&c, xasprintf("%s/spec/%.*s_spec.rb", root, stem_len, base));
        add(&c, xasprintf("%.*s%.*s_spec.rb", dir_len, dir, stem_len, base));
        if (root) add(&c, xasprintf("%s/test/test_%.*s.rb", root, stem_len, base));
    } else if (strcmp(ext, ".rs") == 0) {
        if (root) add(&c, xasprintf("%s/tests/%.*s.rs", root, stem_len, base));
    } else if (strcmp(ext, ".java") == 0) {
        const char *main_dir = strstr(path, "/src/main/");
        if (main_dir)
            add(&c, xasprintf("%.*s/src/test/%.*s%.*sTest.java", (int)(main_dir - path), path,
                              dir_len - (int)(main_dir - path) - 10, main_dir + 10, stem_len, base));
        add(&c, xasprintf("%.*s%.*sTest.java", dir_len, dir, stem_len, base));
    } else {
        add(&c, xasprintf("%.*stest_%.*s%s", dir_len, dir, stem_len, base, ext));
        add(&c, xasprintf("%.*s%.*s_test%s", dir_len, dir, stem_len, base, ext));
        add(&c, xasprintf("%.*stests/test_%.*s%s", dir_len, dir, stem_len, base, ext));
    }
    if (root && strcmp(ext, ".go") != 0 && strcmp(ext, ".rs") != 0) {
        add(&c, xasprintf("%s/tests/test_%.*s%s", root, stem_len, base, ext));
        add(&c, xasprintf("%s/test/test_%.*s%s", root, stem_len, base, ext));
    }
    return c.v;
}

void action_free_paths(char **paths)
{
    if (!paths) return;
    for (char **p = paths; *p; p++) free(*p);
    free(paths);
}

char *action_state_dir(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    if (state && state[0] == '/') return xasprintf("%s/switchboard", state);
    const char *home = getenv("HOME");
    return xasprintf("%s/.local/state/switchboard", home && home[0] ? home : "/tmp");
}

/* mkdir -p with mode 0700 for the directories it creates. */
static int make_dirs(const char *dir)
{
    char *copy = xstrdup(dir);
    int rc = 0;
    for (char *p = copy + 1; ; p++) {
        if (*p != '/' && *p != '\0') continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(copy, 0700) != 0 && errno != EEXIST) { rc = -errno; break; }
        *p = saved;
        if (!saved) break;
    }
    free(copy);
    return rc;
}

char *action_write_markdown(const char *stem, const char *text, size_t len, char *err,
                            size_t errlen)
{
    static unsigned counter;
    char *dir = action_state_dir();
    int rc = make_dirs(dir);
    if (rc < 0) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(-rc));
        free(dir);
        return NULL;
    }
    char *path = xasprintf("%s/%s-%ld-%u.md", dir, stem, (long)getpid(), ++counter);
    free(dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        free(path);
        return NULL;
    }
    fchmod(fd, 0600);   /* an older file of the same name keeps no wider mode */
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            close(fd);
            free(path);
            return NULL;
        }
        done += (size_t)n;
    }
    close(fd);
    return path;
}
