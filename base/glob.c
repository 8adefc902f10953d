/* Glob matching (see glob.h). Recursive with backtracking on '*' only, so the cost
 * is bounded by pattern length times path length for the patterns users write. */
#include "base/glob.h"
#include <string.h>

static bool class_match(const char **pp, char c)
{
    const char *p = *pp + 1;   /* after '[' */
    bool negate = (*p == '!' || *p == '^');
    if (negate) p++;
    bool found = false;
    const char *start = p;
    while (*p && (*p != ']' || p == start)) {
        if (p[1] == '-' && p[2] && p[2] != ']') {
            if (c >= p[0] && c <= p[2]) found = true;
            p += 3;
        } else {
            if (c == *p) found = true;
            p++;
        }
    }
    if (*p != ']') return false;   /* unterminated class matches nothing */
    *pp = p + 1;
    return found != negate;
}

static bool match_here(const char *p, const char *s)
{
    while (*p) {
        if (p[0] == '*' && p[1] == '*') {
            p += 2;
            /* A double star then a slash matches whole segments (zero or more), so the
             * rest of the pattern may only start at a segment boundary. */
            bool segment = (*p == '/');
            if (segment) p++;
            for (const char *t = s;; t++) {
                if ((!segment || t == s || t[-1] == '/') && match_here(p, t)) return true;
                if (!*t) return false;
            }
        }
        if (*p == '*') {
            p++;
            for (const char *t = s;; t++) {
                if (match_here(p, t)) return true;
                if (!*t || *t == '/') return false;
            }
        }
        if (!*s) return false;
        if (*p == '?') {
            if (*s == '/') return false;
            p++, s++;
        } else if (*p == '[') {
            if (*s == '/' || !class_match(&p, *s)) return false;
            s++;
        } else {
            if (*p != *s) return false;
            p++, s++;
        }
    }
    return *s == '\0';
}

bool glob_match(const char *pattern, const char *path)
{
    if (!pattern || !path) return false;
    const char *pat = pattern;
    bool anchored_segments = strchr(pat, '/') != NULL;
    if (pat[0] == '/') pat++;
    /* Try the pattern against every suffix of the path that starts a segment. */
    for (const char *s = path;; ) {
        if (*s == '/') s++;
        if (match_here(pat, s)) return true;
        const char *slash = strchr(s, '/');
        if (!slash) break;
        s = slash;
        if (!anchored_segments) continue;
    }
    return false;
}

bool glob_match_any(char *const *patterns, const char *path)
{
    for (size_t i = 0; patterns && patterns[i]; i++)
        if (glob_match(patterns[i], path)) return true;
    return false;
}
