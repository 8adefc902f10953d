/* Next-edit prompts. The model sees the user's recent edits as unified diffs and an
 * excerpt of the file in which markers delimit the editable region and mark the cursor;
 * it answers with the rewritten region between the same markers (nes/answer.h).
 * Two formats, chosen per model (`next_edit_format` in the config):
 *   chat: system instructions + one user message, for any chat model;
 *   zeta: one raw completion prompt in the layout of Zed's Zeta model and models
 *         trained like it. Pure. */
#ifndef NES_PROMPT_H
#define NES_PROMPT_H
#include <stdbool.h>
#include <stddef.h>

#define NES_REGION_START "<|editable_region_start|>"
#define NES_REGION_END "<|editable_region_end|>"
#define NES_CURSOR "<|user_cursor_is_here|>"
#define NES_FILE_START "<|start_of_file|>"

struct nes_prompt_input {
    const char *path;                       /* shown to the model; may be NULL */
    const char *language;                   /* may be NULL */
    const char *edits;                      /* unified diffs (nes_history_render); may be "" */
    const char *before; size_t before_len;  /* context above the region */
    const char *region; size_t region_len;
    size_t cursor;                          /* offset in region */
    const char *after; size_t after_len;    /* context below the region */
    bool at_file_start;                     /* `before` starts the file */
};

const char *nes_prompt_chat_system(void);
char *nes_prompt_chat_user(const struct nes_prompt_input *in);   /* malloc'd */
char *nes_prompt_zeta(const struct nes_prompt_input *in);        /* malloc'd */

#endif
