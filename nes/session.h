/* What a document's last next-edit answer still offers. copilot-lsp shows and applies
 * only edits[0] and then asks again: the rest of the same answer is served from here
 * with no new model call, by diffing the region as it is now against the model's
 * rewrite. The session follows the region through the document's changes, and tells
 * an applied suggestion (the region now reads as it would with the shown edit, or as
 * the whole rewrite) from the user typing something else (the session ends). That
 * inference is the acceptance signal for clients that never run the edit's command.
 * Pure: offsets and texts in, verdicts out. */
#ifndef NES_SESSION_H
#define NES_SESSION_H
#include "nes/edit_diff.h"
#include <stdbool.h>
#include <stddef.h>

struct nes_session {
    size_t start, end;          /* the region in the current document */
    char *target;               /* the model's rewrite of the region */
    size_t target_len;
    char *expected;             /* the region once the shown edit is applied; NULL none */
    size_t expected_len;
    char *attempt_id;           /* ledger id of the answer (acceptance) */
    char *model;
    bool accept_recorded;       /* the ledger has this answer's acceptance */
    bool touched;               /* a change fell inside the region since the last check */
};

void nes_session_init(struct nes_session *s, size_t start, size_t end, const char *target,
                      size_t target_len, const char *attempt_id, const char *model);
void nes_session_clear(struct nes_session *s);

/* A change [start, end) -> new_len bytes, before it is applied. Returns false when it
 * straddles the region's edge (the session no longer knows its region: end it). */
bool nes_session_follow(struct nes_session *s, size_t start, size_t end, size_t new_len);

enum nes_session_verdict {
    NES_SESSION_UNCHANGED,      /* nothing happened inside the region */
    NES_SESSION_APPLIED,        /* the shown edit was applied; more may remain */
    NES_SESSION_COMPLETE,       /* the region now is the rewrite: nothing remains */
    NES_SESSION_DIVERGED,       /* the user wrote something else: end the session */
};
/* After a didChange: region is the current text of [start, end). */
enum nes_session_verdict nes_session_check(struct nes_session *s, const char *region, size_t len);

/* The edits still to make (relative to the region) and records edits[0] as the one
 * shown. Returns the count (0: nothing remains). */
size_t nes_session_remaining(struct nes_session *s, const char *region, size_t len,
                             struct nes_edits *out);
/* Records e (one of the remaining edits) as the one shown instead: an inline request
 * is offered the edit at its cursor, not necessarily the first. */
void nes_session_show(struct nes_session *s, const char *region, size_t len, const struct nes_edit *e);

#endif
