/* Document URIs (see uri.h). Decoding runs in three steps: split off the scheme and
 * the authority, percent-decode the path strictly, then normalise it. Normalising
 * after decoding matters: "%2E%2E" and "%2F" are only dots and slashes once decoded,
 * and the privacy globs must see the path the file system would open. */
#include "lsp/uri.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The length of "scheme:" (RFC 3986: a letter, then letters, digits, + - .), 0 when
 * uri does not start with one. */
static size_t scheme_length(const char *uri)
{
    if (!isalpha((unsigned char)uri[0])) return 0;
    size_t i = 1;
    while (isalnum((unsigned char)uri[i]) || uri[i] == '+' || uri[i] == '-' || uri[i] == '.') i++;
    return uri[i] == ':' ? i + 1 : 0;
}

/* Percent-decodes [p, end) into out; false on a '%' without two hex digits after it
 * or on %00 (no file name holds a NUL, and C strings would cut the path there). */
static bool percent_decode(const char *p, const char *end, struct buf *out)
{
    for (; p < end; p++) {
        if (*p != '%') { buf_putc(out, *p); continue; }
        int hi = end - p > 2 ? hex_value(p[1]) : -1, lo = hi < 0 ? -1 : hex_value(p[2]);
        if (lo < 0 || (hi == 0 && lo == 0)) return false;
        buf_putc(out, (char)(hi * 16 + lo));
        p += 2;
    }
    return true;
}

/* "/c:/x", "/C|/x", "/c:" -> the drive letter, else 0. */
static char drive_letter(const char *path)
{
    if (path[0] != '/' || !isalpha((unsigned char)path[1]) || (path[2] != ':' && path[2] != '|'))
        return 0;
    return (path[3] == '/' || path[3] == '\\' || path[3] == '\0') ? path[1] : 0;
}

/* Resolves "." and ".." segments and folds repeated slashes, in place. The first
 * keep bytes ("/" or "c:/", or nothing for a relative path) are never removed. */
static void normalise(char *path, size_t keep)
{
    char *w = path + keep;
    const char *r = path + keep;
    while (*r) {
        while (*r == '/') r++;
        const char *seg = r;
        while (*r && *r != '/') r++;
        size_t n = (size_t)(r - seg);
        if (n == 0 || (n == 1 && seg[0] == '.')) continue;
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            while (w > path + keep && w[-1] != '/') w--;   /* back over the last segment */
            if (w > path + keep) w--;                      /* and its slash */
            continue;
        }
        if (w > path + keep) *w++ = '/';
        memmove(w, seg, n);
        w += n;
    }
    *w = '\0';
}

/* The decoded, normalised path of [p, end), NULL when it cannot be decoded. A drive
 * is looked for before normalising ("/c:/../x" stays on c:) and again after it, so
 * that no file path comes out as "/c:/...", which would read back as a drive. */
static char *decode_path(const char *p, const char *end, bool file)
{
    struct buf b = {0};
    if (!percent_decode(p, end, &b)) { buf_free(&b); return NULL; }
    char *path = buf_steal(&b);
    char drive = file ? drive_letter(path) : 0;
    if (!drive) {
        normalise(path, path[0] == '/' ? 1 : 0);
        drive = file ? drive_letter(path) : 0;
        if (!drive) return path;
    }
    /* A Windows path: "c:/", and '\' a separator as Windows reads it. */
    size_t len = strlen(path);
    path = xrealloc(path, len + 2);
    memmove(path, path + 1, len);
    path[0] = (char)tolower((unsigned char)drive);
    path[1] = ':';
    for (char *s = path + 2; *s; s++)
        if (*s == '\\') *s = '/';
    if (path[2] == '\0') strcpy(path + 2, "/");
    normalise(path, 3);
    return path;
}

enum uri_kind uri_decode(const char *uri, char **path)
{
    *path = NULL;
    size_t scheme = uri ? scheme_length(uri) : 0;
    if (!scheme) return URI_BAD;
    bool file = scheme == 5 && strncasecmp(uri, "file:", 5) == 0;
    const char *p = uri + scheme;
    bool local = file;
    if (p[0] == '/' && p[1] == '/') {                  /* an authority: //host */
        const char *host = p + 2;
        p = host + strcspn(host, "/?#");
        size_t n = (size_t)(p - host);
        local = file && (n == 0 || (n == 9 && strncasecmp(host, "localhost", 9) == 0));
    }
    const char *end = p + strcspn(p, "?#");
    *path = decode_path(p, end, file);
    if (!*path) return URI_BAD;
    if (file && !**path) {                             /* "file://" alone */
        free(*path);
        *path = xstrdup("/");
    }
    /* "file:x" names no file of this machine: only an absolute path is read. */
    const char *q = *path;
    bool absolute = q[0] == '/' || (isalpha((unsigned char)q[0]) && q[1] == ':' && q[2] == '/');
    return local && absolute ? URI_FILE : URI_OTHER;
}

char *uri_to_file_path(const char *uri)
{
    char *path;
    if (uri_decode(uri, &path) == URI_FILE) return path;
    free(path);
    return NULL;
}

char *uri_from_file_path(const char *path)
{
    struct buf b = {0};
    buf_puts(&b, "file://");
    if (isalpha((unsigned char)path[0]) && path[1] == ':') {
        buf_printf(&b, "/%c%%3A", path[0]);
        path += 2;
    }
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("/-._~", *p)) buf_putc(&b, (char)*p);
        else buf_printf(&b, "%%%02X", *p);
    }
    return buf_steal(&b);
}

char *uri_display_path(const char *uri, const char *root)
{
    if (!uri) return NULL;
    char *path = uri_to_file_path(uri);
    if (!path) return xstrdup(uri);
    size_t rl = root ? strlen(root) : 0;
    while (rl > 1 && root[rl - 1] == '/') rl--;
    if (rl && strncmp(path, root, rl) == 0 && path[rl] == '/') {
        char *rel = xstrdup(path + rl + 1);
        free(path);
        return rel;
    }
    return path;
}
