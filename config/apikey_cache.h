/* Keys printed by api_key_cmd, kept for the life of the process, so that a reload caused
 * by the editor's settings changing (VS Code sends one for any settings edit) does not
 * block the loop running the same command again, up to APIKEY_CMD_TIMEOUT_MS each time.
 * switchboard.reloadConfig forgets them first: it is how a user picks up a rotated key.
 * Entries are matched by the whole argv; forgotten keys are wiped before being freed. */
#ifndef CONFIG_APIKEY_CACHE_H
#define CONFIG_APIKEY_CACHE_H

/* The key argv printed last, or NULL. Valid until apikey_cache_forget. */
const char *apikey_cache_get(char *const *argv);
/* Remembers key (copied) for argv, replacing an earlier one. */
void apikey_cache_put(char *const *argv, const char *key);
/* Forgets every key. */
void apikey_cache_forget(void);

#endif
