/* The textDocument/copilotInlineEdit result: {edits: [{range, text, textDocument:
 * {uri, version}, command}]}, positions always in UTF-16 (what Copilot clients send and
 * apply, whatever encoding initialize agreed). */
#ifndef NES_REPLY_H
#define NES_REPLY_H
#include "lsp/document.h"
#include "lsp/edit_prediction.h"
#include "nes/edit_diff.h"
#include <cjson/cJSON.h>

#define NES_ACCEPT_COMMAND "switchboard.acceptNextEdit"

/* {edits: []}: "no suggestion", never null or an error for expected cases. */
cJSON *nes_reply_empty(void);
/* edits are relative to region_start in doc; uri is echoed exactly as the client sent
 * it; each edit's accept command has the arguments [attempt_id, uri, model]. */
cJSON *nes_reply_edits(const struct document *doc, const char *uri, size_t region_start,
                       const struct nes_edits *edits, const char *attempt_id, const char *model);
/* One edit (relative to region_start), in document offsets, for another feature (the
 * inline one). */
struct lsp_predicted_edit *nes_reply_predicted(size_t region_start, const struct nes_edit *edit,
                                               const char *attempt_id, const char *model);

#endif
