/* Document URIs: the one decoder of the URIs editors send, and the one encoder back.
 *
 * Editors spell one file many ways ("file:///p/%2Eenv", "file:///p/%2eenv",
 * "file://localhost/p/.env", "file:///p/x/../.env", "file:///c%3A/p/.env" from VS Code
 * on Windows). The privacy rule (lsp/privacy.h), file reads and the path the model is
 * told must all see the same path, so every module decodes here and nowhere else.
 *
 * Decoding: the path part only (up to '?' or '#'); every %XX becomes its byte (%2F
 * included: a file name cannot hold '/'); "." and ".." segments are resolved and
 * repeated slashes folded, lexically (".." never climbs above the root); a Windows
 * drive ("/c:/", "/C%3A/", "/c|/") becomes "c:/" with the letter lower-cased and '\'
 * read as '/'. A URI that cannot be decoded (no scheme, a '%' not followed by two hex
 * digits, %00) is URI_BAD: callers must treat it as excluded, never fall back to the
 * raw text. */
#ifndef LSP_URI_H
#define LSP_URI_H

enum uri_kind {
    URI_BAD = -1,     /* not decodable; *path is NULL */
    URI_FILE = 0,     /* file:///p or file://localhost/p: a file of this machine */
    URI_OTHER = 1,    /* another scheme (untitled:, git:, vscode-remote://...) or another host */
};

/* Decodes uri (NULL is URI_BAD). *path receives the decoded, normalised path
 * (malloc'd): "/p/.env" or "c:/p/.env" for URI_FILE; for URI_OTHER the path part
 * after the scheme and any authority ("untitled:Untitled-1" -> "Untitled-1",
 * "vscode-remote://ssh-remote+h/p/.env" -> "/p/.env"). */
enum uri_kind uri_decode(const char *uri, char **path);

/* The path of a file of this machine, or NULL for anything else (another scheme or
 * host, or not decodable). malloc'd. */
char *uri_to_file_path(const char *uri);

/* "/a b/c.py" -> "file:///a%20b/c.py", "c:/x" -> "file:///c%3A/x". malloc'd. */
char *uri_from_file_path(const char *path);

/* The path to show the model and the routing rules: a file's path relative to root
 * when under it (root may be NULL or end in '/'), else its whole path; the URI
 * unchanged when it names no file of this machine. NULL for NULL. malloc'd. */
char *uri_display_path(const char *uri, const char *root);

#endif
