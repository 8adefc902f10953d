/* Splitting "FILE: PATH: problem" (see config_message.h). The path is recognised by
 * the grammar cfg_path_key/cfg_path_index write (name, .name, [N], ["key"]) followed
 * by ": ", so a problem text such as "line 2 column 17: ..." or "cannot read: ..."
 * (which has spaces before its colon) is never mistaken for a path. */
#include "config/config_message.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

static bool name_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '$';
}

/* Length of the path at the start of s when it is followed by ": ", else 0. */
static size_t path_length(const char *s)
{
    size_t i = 0;
    bool first = true;
    for (;;) {
        if (s[i] == '[' && s[i + 1] == '"') {
            const char *end = strstr(s + i + 2, "\"]");
            if (!end) return 0;
            i = (size_t)(end - s) + 2;
        } else if (s[i] == '[') {
            size_t j = i + 1;
            while (isdigit((unsigned char)s[j])) j++;
            if (j == i + 1 || s[j] != ']') return 0;
            i = j + 1;
        } else if (name_char(s[i]) || (!first && s[i] == '.' && name_char(s[i + 1]))) {
            if (s[i] == '.') i++;
            while (name_char(s[i])) i++;
        } else {
            break;
        }
        first = false;
    }
    return i > 0 && s[i] == ':' && s[i + 1] == ' ' ? i : 0;
}

const char *config_message_split(const char *msg, const char *file, char **path)
{
    *path = NULL;
    size_t flen = file ? strlen(file) : 0;
    if (!flen || strncmp(msg, file, flen) != 0 || strncmp(msg + flen, ": ", 2) != 0) return msg;
    const char *rest = msg + flen + 2;
    size_t plen = path_length(rest);
    if (!plen) return rest;
    *path = xstrndup(rest, plen);
    return rest + plen + 2;
}
