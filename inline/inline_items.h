/* JSON items for the inline feature: InlineCompletionItem and CompletionItem, each
 * carrying the switchboard.accept command. Pure: cJSON in, cJSON out. */
#ifndef INLINE_INLINE_ITEMS_H
#define INLINE_INLINE_ITEMS_H
#include "lsp/document.h"
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#define INLINE_ACCEPT_COMMAND "switchboard.accept"

/* {insertText: before + text, range, command}. before is the selected completion's
 * text (selectedCompletionInfo) or "". */
cJSON *inline_item_json(const char *before, const char *text, struct lsp_range range,
                        const char *attempt_id, const char *model);

/* A completion item inserting word + text over range (the word typed before the
 * cursor, so the client's filtering keeps the item): plain text (insertTextFormat 1,
 * insertTextMode asIs), labelled as AI with the model in detail. */
cJSON *inline_completion_item_json(const char *word, const char *text, struct lsp_range range,
                                   const char *attempt_id, const char *model, size_t index);

/* Bytes of the identifier that ends line_before (letters, digits, '_', UTF-8). */
size_t inline_word_before(const char *line_before, size_t len);

#endif
