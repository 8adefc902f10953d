/* Path glob matching for route rules and privacy excludes, gitignore-like:
 * `*` matches within one path segment, `**` across segments, `?` one character,
 * `[abc]` / `[a-z]` / `[!a]` a class. A pattern without '/' matches the last path
 * segment ("*.pem" matches "/home/u/keys/a.pem"); a pattern with '/' must match a
 * whole trailing run of segments ("**" at its start is implied). */
#ifndef BASE_GLOB_H
#define BASE_GLOB_H
#include <stdbool.h>

bool glob_match(const char *pattern, const char *path);
/* True when any pattern of the NULL-terminated list matches (NULL list: false). */
bool glob_match_any(char *const *patterns, const char *path);

#endif
