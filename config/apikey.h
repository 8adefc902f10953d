/* API key resolution: from the environment variable named by a provider's
 * api_key_env, else from the first line printed by its api_key_cmd (an argv run once,
 * without a shell, with a timeout). Errors name the command and what went wrong but
 * never include what it printed. Resolved keys are registered with log_add_secret. */
#ifndef CONFIG_APIKEY_H
#define CONFIG_APIKEY_H
#include <stddef.h>

#define APIKEY_CMD_TIMEOUT_MS 5000

/* Runs argv[0] (looked up in PATH) with argv; stdin and stderr are /dev/null. On
 * success *out is the first line of its output, trimmed (malloc'd) and 0 is returned;
 * otherwise -1 with err set ("'pass' exited with status 1", "... timed out after 5 s").
 * Blocks for at most timeout_ms. */
int apikey_run_command(char *const *argv, long timeout_ms, char **out, char *err, size_t errlen);

#endif
