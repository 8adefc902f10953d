/* The loader's messages ("FILE: PATH: problem", see config_internal.h) taken apart
 * again, for tools that report each finding by its JSON path (switchboard check
 * --json). The format stays owned by config/: the splitter sits next to its writer. */
#ifndef CONFIG_CONFIG_MESSAGE_H
#define CONFIG_CONFIG_MESSAGE_H

/* msg as written by the loader for file (the name config_load was given, or
 * "defaults"). Returns the problem text (a pointer into msg: msg itself when msg does
 * not start with "FILE: "). *path is the malloc'd JSON path ("routes[1].targets[0]",
 * "providers[\"my key\"]") or NULL when the message names none (syntax errors give a
 * line and column instead, notes and root-level warnings give no place). */
const char *config_message_split(const char *msg, const char *file, char **path);

#endif
