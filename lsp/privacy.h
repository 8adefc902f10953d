/* Privacy: what never leaves the machine. Files matching the exclude globs are not
 * sent at all; in everything else, obvious secrets are replaced by a placeholder
 * before the text goes into a task. Pure functions, no I/O.
 *
 * Redacted: private key blocks (-----BEGIN ... PRIVATE KEY----- through the END line,
 * also when the context cut off one of the two markers), common API key shapes
 * (sk-..., sk-ant-..., AKIA/ASIA..., ghp_/gho_/ghu_/ghs_/ghr_/github_pat_, xox?-...,
 * AIza..., glpat-...) and the value of an assignment to a key/secret/token/password
 * name when the value is long and looks random ("api_key = 'q8Zr...'"). */
#ifndef LSP_PRIVACY_H
#define LSP_PRIVACY_H
#include <stdbool.h>
#include <stddef.h>

#define PRIVACY_PLACEHOLDER "[REDACTED]"

/* The one rule for "may this document's content go to a model": true (excluded)
 * when the decoded path of uri (lsp/uri.h) matches one of the NULL-terminated globs
 * (NULL globs: config_default_excludes, config/config.h), and when uri is NULL,
 * empty or cannot be decoded: a URI we cannot read could name any file, so privacy
 * fails closed. Every request
 * that reads a document for a model (inline, completion, code actions, resolve,
 * runAction, review, snippets of other documents, test files) asks this first. */
bool privacy_uri_excluded(char *const *globs, const char *uri);

/* Where a document's content may go, the whole rule in one place: EXCLUDED as
 * privacy_uri_excluded says (never sent; an undecodable URI too); LOCAL_ONLY when its
 * decoded path matches privacy.local_only (only models whose endpoint is on this
 * machine may see it: the task's local_only flag, enforced by the planner); else
 * ANYWHERE. cfg NULL: the default excludes, nothing local-only. */
enum privacy_verdict { PRIVACY_ANYWHERE = 0, PRIVACY_LOCAL_ONLY, PRIVACY_EXCLUDED };
struct config;
enum privacy_verdict privacy_uri_verdict(const struct config *cfg, const char *uri);
/* The same for a path the user typed (switchboard route --path): no URI decoding. */
enum privacy_verdict privacy_path_verdict(const struct config *cfg, const char *path);

/* A copy of text with secrets replaced (malloc'd, NUL-terminated; *out_len set when
 * not NULL). *count (when not NULL) receives how many secrets were replaced. */
char *privacy_redact(const char *text, size_t len, size_t *out_len, int *count);

/* Shannon entropy in bits per byte (used to tell keys from ordinary words). */
double privacy_entropy(const char *s, size_t len);

#endif
