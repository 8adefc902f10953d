/* Next-edit suggestions: textDocument/copilotInlineEdit as the Copilot language server
 * defines it, with textDocument/didShowInlineEdit and textDocument/didFocus, the
 * switchboard.acceptNextEdit command, the edit history fed from didChange, and the
 * session that serves the rest of an answer after the client applied its first edit.
 * docs/next-edit.md describes the behaviour and settings. */
#ifndef NES_FEATURE_H
#define NES_FEATURE_H
#include "lsp/server.h"

extern const struct lsp_feature next_edit_feature;

#endif
