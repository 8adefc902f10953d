/* Next-edit prompt rendering (see prompt.h). Both formats put the same excerpt between
 * the same markers so one parser reads both answers. */
#include "nes/prompt.h"
#include "base/buf.h"
#include <string.h>

const char *nes_prompt_chat_system(void)
{
    return "You predict a programmer's next edit. You see their recent edits as unified diffs "
           "and an excerpt of the file they are editing. Between " NES_REGION_START " and "
           NES_REGION_END " is the region you may rewrite; " NES_CURSOR " marks the cursor. "
           "Continue the change the edits show (for example, rename the remaining uses of a "
           "renamed name, or finish a pattern the user started) and reply with only the "
           "rewritten region between the same two markers, without the cursor marker, "
           "explanations or markdown fences. If no edit is needed, reply with the region "
           "unchanged.";
}

static void excerpt(struct buf *b, const struct nes_prompt_input *in)
{
    if (in->at_file_start) buf_puts(b, NES_FILE_START "\n");
    buf_append(b, in->before, in->before_len);
    buf_puts(b, NES_REGION_START "\n");
    size_t cursor = in->cursor <= in->region_len ? in->cursor : in->region_len;
    buf_append(b, in->region, cursor);
    buf_puts(b, NES_CURSOR);
    buf_append(b, in->region + cursor, in->region_len - cursor);
    if (in->region_len && in->region[in->region_len - 1] != '\n') buf_putc(b, '\n');
    buf_puts(b, NES_REGION_END "\n");
    buf_append(b, in->after, in->after_len);
    if (in->after_len && in->after[in->after_len - 1] != '\n') buf_putc(b, '\n');
}

static const char *name_of(const struct nes_prompt_input *in)
{
    return in->path && in->path[0] ? in->path : "untitled";
}

char *nes_prompt_chat_user(const struct nes_prompt_input *in)
{
    struct buf b = {0};
    if (in->edits && in->edits[0])
        buf_printf(&b, "Recent edits, oldest first:\n\n```diff\n%s```\n\n", in->edits);
    else
        buf_puts(&b, "No recent edits.\n\n");
    buf_printf(&b, "File: %s\n", name_of(in));
    if (in->language && in->language[0]) buf_printf(&b, "Language: %s\n", in->language);
    buf_puts(&b, "\n");
    excerpt(&b, in);
    buf_puts(&b, "\nReply with the rewritten region between " NES_REGION_START " and "
                 NES_REGION_END ".\n");
    return buf_steal(&b);
}

char *nes_prompt_zeta(const struct nes_prompt_input *in)
{
    struct buf b = {0};
    buf_puts(&b, "### Instruction:\nYou are a code completion assistant and your task is to "
                 "analyze user edits and then rewrite an excerpt that the user provides, "
                 "suggesting the appropriate edits within the excerpt, taking into account the "
                 "cursor location.\n\n### User Edits:\n\n");
    if (in->edits && in->edits[0])
        buf_printf(&b, "User edited \"%s\":\n```diff\n%s```\n", name_of(in), in->edits);
    buf_printf(&b, "\n### User Excerpt:\n\n```%s\n", name_of(in));
    excerpt(&b, in);
    buf_puts(&b, "```\n\n### Response:\n");
    return buf_steal(&b);
}
