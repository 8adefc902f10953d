/* Files the code actions touch (their URIs are lsp/uri.h's): finding the test file that
 * belongs to a source file (foo.py -> test_foo.py, foo.go -> foo_test.go,
 * foo.ts -> foo.test.ts, ...), and the Markdown documents Explain writes under the
 * state directory. */
#ifndef ACTIONS_ACTION_FILES_H
#define ACTIONS_ACTION_FILES_H
#include <stdbool.h>
#include <stddef.h>

/* Candidate test files for the source file at path, most conventional first.
 * root (the workspace root, may be NULL) adds root/tests/... and root/test/...
 * Returns a NULL-terminated malloc'd array of malloc'd paths; empty (only NULL) when
 * path is itself a test file. Free with action_free_paths. */
char **action_test_candidates(const char *path, const char *language, const char *root);
void action_free_paths(char **paths);
/* True when path looks like a test file (test_x.py, x_test.go, x.test.js, tests/...). */
bool action_is_test_path(const char *path);

/* The state directory: $XDG_STATE_HOME/switchboard, else ~/.local/state/switchboard
 * (malloc'd; not created). */
char *action_state_dir(void);
/* Writes text to <state dir>/<stem>-<pid>-<n>.md (directories 0700, file 0600).
 * Returns the path (malloc'd) or NULL, with the reason in err. */
char *action_write_markdown(const char *stem, const char *text, size_t len, char *err,
                            size_t errlen);

#endif
