/* The inline completion feature: textDocument/inlineCompletion (LSP 3.18) and, for
 * editors without it, AI items in textDocument/completion. Debounced automatic
 * triggers, supersede and $/cancelRequest reaching the upstream connection, cache
 * and typed-through reuse, streaming early stop, privacy, acceptance recording.
 * docs/inline.md describes the behaviour and settings. */
#ifndef INLINE_INLINE_H
#define INLINE_INLINE_H
#include "lsp/server.h"

extern const struct lsp_feature inline_feature;

/* workspace/executeCommand "switchboard.accept" (arguments: [attempt_id, model?]):
 * records the acceptance in the ledger. Listed in the inline feature's commands. */
void inline_command_accept(struct server *srv, struct rpc_request *req, const cJSON *params);
/* switchboard.toggleInline [{enabled?, uri?}]: suggestions off/on globally or for one
 * buffer, without a restart; while off, inline requests get empty results. Shown in
 * switchboard/status as "inline_enabled" and "inline_buffers". */
void inline_command_toggle(struct server *srv, struct rpc_request *req, const cJSON *params);

#endif
