/* Tests for lsp/uri (the one decoder of document URIs) and the privacy rule built on
 * it (privacy_uri_excluded), with encoded and hostile URIs. */
#include "tests/unit/test.h"
#include "lsp/privacy.h"
#include "lsp/uri.h"
#include "base/glob.h"
#include <stdbool.h>

/* What each URI decodes to: its kind and path (NULL for URI_BAD). */
static const struct { const char *uri; enum uri_kind kind; const char *path; } cases[] = {
    /* files of this machine, percent-encoded */
    { "file:///home/u/a%20b/%C5%BC.py", URI_FILE, "/home/u/a b/\xc5\xbc.py" },
    { "file:///home/dev/proj/%2Eenv", URI_FILE, "/home/dev/proj/.env" },
    { "file:///home/dev/proj/%2eenv", URI_FILE, "/home/dev/proj/.env" },
    { "file:///home/dev/my%20proj/.env", URI_FILE, "/home/dev/my proj/.env" },
    { "file://localhost/x", URI_FILE, "/x" },
    { "file://LOCALHOST/x", URI_FILE, "/x" },
    { "file:///p/x.py?query=1#frag", URI_FILE, "/p/x.py" },
    { "file:///p/100%25.txt", URI_FILE, "/p/100%.txt" },
    { "file:///", URI_FILE, "/" },
    { "FILE:///p/a.py", URI_FILE, "/p/a.py" },
    /* dot segments and repeated slashes, resolved after decoding */
    { "file:///p/src/../.env", URI_FILE, "/p/.env" },
    { "file:///p/src/%2E%2E/.env", URI_FILE, "/p/.env" },
    { "file:///p/src/%2e%2e%2f.env", URI_FILE, "/p/.env" },
    { "file:///p/./a//b/./c.py", URI_FILE, "/p/a/b/c.py" },
    { "file:///../../etc/passwd", URI_FILE, "/etc/passwd" },        /* never above the root */
    { "file:///p/a/..", URI_FILE, "/p" },
    { "file:///p/a/.", URI_FILE, "/p/a" },
    { "file:///p/...", URI_FILE, "/p/..." },                        /* not a dot segment */
    /* Windows drives */
    { "file:///c%3A/x", URI_FILE, "c:/x" },
    { "file:///C:/Users/u/.env", URI_FILE, "c:/Users/u/.env" },
    { "file:///c%3a/p/%2Eenv", URI_FILE, "c:/p/.env" },
    { "file:///c|/x", URI_FILE, "c:/x" },
    { "file:///c%3A", URI_FILE, "c:/" },
    { "file:///c%3A/p/a%5C..%5C.env", URI_FILE, "c:/p/.env" },      /* '\' separates */
    { "file:///c%3A/../../x", URI_FILE, "c:/x" },
    { "file:///cd%3A/x", URI_FILE, "/cd:/x" },                      /* not a drive */
    /* other schemes and hosts: a path, but no file of this machine */
    { "untitled:Untitled-1", URI_OTHER, "Untitled-1" },
    { "vscode-remote://ssh-remote+h/p/%2Eenv", URI_OTHER, "/p/.env" },
    { "git:/p/.env?%7B%22ref%22%7D", URI_OTHER, "/p/.env" },
    { "file://otherhost/share/x", URI_OTHER, "/share/x" },
    { "untitled:a/../b", URI_OTHER, "b" },
    { "file:rel/a.py", URI_OTHER, "rel/a.py" },                     /* not absolute: no file read */
    { "file:c:x", URI_OTHER, "c:x" },
    /* what cannot be decoded */
    { "", URI_BAD, NULL },
    { "file:///home/dev/proj/%2Eenv.100%", URI_BAD, NULL },         /* a stray % */
    { "file:///p/%", URI_BAD, NULL },
    { "file:///p/%2", URI_BAD, NULL },
    { "file:///p/%zz.py", URI_BAD, NULL },
    { "file:///p/%00", URI_BAD, NULL },
    { "file:///p/.env%00.py", URI_BAD, NULL },
    { "untitled:%g0", URI_BAD, NULL },
    { "/home/u/.env", URI_BAD, NULL },                              /* a path, not a URI */
    { "1abc:/x", URI_BAD, NULL },                                   /* a scheme starts with a letter */
    { ":x", URI_BAD, NULL },
};

TEST(uri_decode_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *path = (char *)1;
        enum uri_kind kind = uri_decode(cases[i].uri, &path);
        if (kind != cases[i].kind || (path == NULL) != (cases[i].path == NULL) ||
            (path && strcmp(path, cases[i].path) != 0))
            test_fail(__FILE__, __LINE__, "%s: kind %d path \"%s\", expected %d \"%s\"", cases[i].uri,
                      kind, path ? path : "(null)", cases[i].kind, cases[i].path ? cases[i].path : "(null)");
        free(path);
    }
    char *path = (char *)1;
    ASSERT_EQ(uri_decode(NULL, &path), URI_BAD);
    ASSERT(path == NULL);
}

TEST(uri_to_file_path_only_for_this_machine)
{
    char *p = uri_to_file_path("file:///a%20b/c.py");
    ASSERT_STREQ(p, "/a b/c.py");
    free(p);
    ASSERT(uri_to_file_path("untitled:Untitled-1") == NULL);
    ASSERT(uri_to_file_path("file://otherhost/x") == NULL);
    ASSERT(uri_to_file_path("file:///bad%zz") == NULL);
    ASSERT(uri_to_file_path("file:///nul%00") == NULL);
    ASSERT(uri_to_file_path(NULL) == NULL);
}

TEST(uri_from_file_path_roundtrips)
{
    const char *paths[] = { "/home/u/a b/\xc5\xbc.py", "/p/100%.txt", "/p/#x?.py", "c:/x/y.py",
                            "/p/.env", NULL };
    for (int i = 0; paths[i]; i++) {
        char *u = uri_from_file_path(paths[i]);
        char *back = uri_to_file_path(u);
        ASSERT_STREQ(back, paths[i]);
        free(u);
        free(back);
    }
    char *u = uri_from_file_path("/home/u/a b.py");
    ASSERT_STREQ(u, "file:///home/u/a%20b.py");
    free(u);
    u = uri_from_file_path("c:/x");
    ASSERT_STREQ(u, "file:///c%3A/x");
    free(u);
}

TEST(uri_display_paths)
{
    char *p = uri_display_path("file:///home/u/proj/src/caf%C3%A9%20x.py", "/home/u/proj");
    ASSERT_STREQ(p, "src/caf\xc3\xa9 x.py");
    free(p);
    p = uri_display_path("file:///home/u/proj/src/a.py", "/home/u/proj/");
    ASSERT_STREQ(p, "src/a.py");
    free(p);
    p = uri_display_path("file:///home/u/other/a.py", "/home/u/proj/");
    ASSERT_STREQ(p, "/home/u/other/a.py");
    free(p);
    p = uri_display_path("file:///home/u/projX/a.py", "/home/u/proj");
    ASSERT_STREQ(p, "/home/u/projX/a.py");                    /* not under root */
    free(p);
    p = uri_display_path("file:///home/u/proj/../projX/a.py", "/home/u/proj");
    ASSERT_STREQ(p, "/home/u/projX/a.py");                    /* .. resolved first */
    free(p);
    p = uri_display_path("untitled:Untitled-1", "/home/u/proj");
    ASSERT_STREQ(p, "untitled:Untitled-1");
    free(p);
    ASSERT(uri_display_path(NULL, NULL) == NULL);
}

/* The privacy rule on URIs: every spelling of an excluded file is excluded, and a URI
 * that cannot be decoded is excluded too (fail closed). */
TEST(privacy_uri_excluded_hostile_spellings)
{
    const char *excluded[] = {
        "file:///home/dev/proj/.env",
        "file:///home/dev/proj/%2Eenv",
        "file:///home/dev/proj/%2eenv",
        "file:///home/dev/proj/%2Eenv.100%",
        "file:///home/dev/my%20proj/.env",
        "file://localhost/home/dev/proj/%2Eenv.local",
        "file:///home/dev/proj/src/../.env",
        "file:///home/dev/proj/safe.py%00",
        "file:///c%3A/proj/%2Eenv",
        "file:///home/dev/proj/%73ecrets/db.yaml",
        "file:///home/dev/proj/x/%2E%2E/secrets/db.yaml",
        "vscode-remote://ssh-remote+h/home/dev/proj/%2Eenv",
        "file://otherhost/home/dev/proj/%2Eenv",
        "/home/dev/proj/main.py",                   /* not a URI */
        "",
        NULL,
    };
    for (int i = 0; i < (int)(sizeof excluded / sizeof *excluded); i++)
        if (!privacy_uri_excluded(NULL, excluded[i]))
            test_fail(__FILE__, __LINE__, "not excluded: %s", excluded[i] ? excluded[i] : "(null)");
    ASSERT(!privacy_uri_excluded(NULL, "file:///home/dev/proj/main.py"));
    ASSERT(!privacy_uri_excluded(NULL, "file:///home/dev/proj/environment.py"));
    ASSERT(!privacy_uri_excluded(NULL, "file:///home/dev/proj/100%25.py"));
    ASSERT(!privacy_uri_excluded(NULL, "untitled:Untitled-1"));
    /* A pattern with '/' matches whole segments of the normalised path. */
    char *custom[] = { "deploy/*.py", NULL };
    ASSERT(privacy_uri_excluded(custom, "file:///p/deploy/keys.py"));
    ASSERT(privacy_uri_excluded(custom, "file:///p/deploy/x/../keys.py"));
    ASSERT(privacy_uri_excluded(custom, "file:///p/deploy/x/%2E%2E/keys.py"));
    ASSERT(privacy_uri_excluded(custom, "file:///p/deploy//keys.py"));
    ASSERT(privacy_uri_excluded(custom, "file:///p/deploy/./keys.py"));
    ASSERT(!privacy_uri_excluded(custom, "file:///p/deploy/sub/keys.py"));
}

/* Random URIs from hostile pieces: whatever decodes is normalised (no empty, "." or
 * ".." segment survives), a file path goes back and forth through
 * uri_from_file_path unchanged, and the privacy rule excludes exactly the undecodable
 * ones and those whose path matches. */
static bool normalised(const char *path)
{
    if (strstr(path, "//") || strstr(path, "/./") || strstr(path, "/../")) return false;
    size_t n = strlen(path);
    if (n >= 2 && strcmp(path + n - 2, "/.") == 0) return false;
    if (n >= 3 && strcmp(path + n - 3, "/..") == 0) return false;
    return n <= 1 || path[n - 1] != '/' || (n == 3 && path[1] == ':');
}

TEST(uri_decode_properties)
{
    static const char *const heads[] = { "file://", "file:///", "file://localhost/", "file:///c%3A/",
                                         "untitled:", "git:/", "x" };
    static const char *const pieces[] = { "%", "%2E", "%2e", "%2F", "%2f", "%00", "%5C", "%3A",
                                          "..", ".", "/", "//", "a", "env", "\\", "c:", "?", "#",
                                          "%25", "%zz", "secrets", " " };
    char *globs[] = { ".env*", "**/secrets/**", "a/*.py", NULL };
    test_srand(1234);
    for (int i = 0; i < 20000; i++) {
        char uri[256];
        size_t n = (size_t)snprintf(uri, sizeof uri, "%s", heads[test_rand() % 7]);
        for (int k = test_rand() % 12; k > 0 && n < 200; k--)
            n += (size_t)snprintf(uri + n, sizeof uri - n, "%s", pieces[test_rand() % 22]);
        char *path;
        enum uri_kind kind = uri_decode(uri, &path);
        ASSERT_EQ(privacy_uri_excluded(globs, uri), kind == URI_BAD || glob_match_any(globs, path));
        if (kind == URI_BAD) { ASSERT(path == NULL); continue; }
        if (!normalised(path)) test_fail(__FILE__, __LINE__, "%s -> %s", uri, path);
        if (kind == URI_FILE) {
            char *back_uri = uri_from_file_path(path), *back;
            ASSERT_EQ(uri_decode(back_uri, &back), URI_FILE);
            ASSERT_STREQ(back, path);
            free(back_uri);
            free(back);
        }
        free(path);
    }
}
