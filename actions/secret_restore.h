/* Secrets in code that an action rewrites: the selection goes to the model with its
 * secrets replaced by PRIVACY_PLACEHOLDER (lsp/privacy.h), and the answer gets the
 * original values back, so a refactor neither leaks a key nor replaces it with the
 * placeholder in the user's file. */
#ifndef ACTIONS_SECRET_RESTORE_H
#define ACTIONS_SECRET_RESTORE_H
#include <stdbool.h>
#include <stddef.h>

struct secret_list {
    char **values;     /* the original secrets, in order of appearance */
    size_t count;
    bool unmatched;    /* the originals could not be recovered */
};

/* Redacts text (privacy_redact) and records what each placeholder stood for.
 * Returns the redacted copy (malloc'd). */
char *secret_redact(const char *text, struct secret_list *out);

/* Puts the recorded secrets back into an answer, in order. Returns a malloc'd copy,
 * or NULL when the answer holds placeholders but not exactly one per secret (then
 * they cannot be matched safely and the caller must not apply the answer). An answer
 * without placeholders comes back unchanged (the model dropped those lines). */
char *secret_restore(const char *answer, size_t len, const struct secret_list *secrets,
                     size_t *out_len);

void secret_list_free(struct secret_list *list);

#endif
