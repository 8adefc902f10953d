/* Internal to the code action feature (code_action.c, action_run.c,
 * action_output.c): the identity of an offered action (CodeAction.data) and a
 * running action job. */
#ifndef ACTIONS_ACTION_RUN_H
#define ACTIONS_ACTION_RUN_H
#include "actions/secret_restore.h"
#include "actions/action_prompt.h"
#include "lsp/document.h"
#include "lsp/server.h"
#include "base/buf.h"
#include "providers/task.h"
#include <cjson/cJSON.h>
#include <stdint.h>

struct route_run;
struct router;
struct route_result;
struct progress;
struct review_store;

#define ACTION_ATTEMPT_ID_MAX 64   /* ledger attempt ids are far shorter */

/* What CodeAction.data holds: enough to find the document, notice it changed, and
 * know which action on which range was offered. */
struct action_ref {
    char *uri;
    struct lsp_range range;
    int version;
    uint64_t generation;
    char *action;              /* action id: "refactor", "user:<id>" */
    cJSON *diagnostics;        /* fix: the diagnostics it was offered for; may be NULL */
    /* "Retry with <stronger model>" (actions/action_retry.h): the attempt whose applied
     * edit this run replaces, and the model to run on; both NULL otherwise. */
    char *retry_of;
    char *retry_model;
};

cJSON *action_ref_to_json(const struct action_ref *ref);
/* false (with a reason) when data is not ours or malformed. */
bool action_ref_parse(const cJSON *data, struct action_ref *out, char *err, size_t errlen);
void action_ref_free(struct action_ref *ref);

enum action_mode { ACTION_MODE_RESOLVE, ACTION_MODE_COMMAND };

struct action_job {
    struct server *srv;
    struct rpc_request *req;          /* replied exactly once, then NULL */
    enum action_mode mode;
    cJSON *code_action;               /* resolve: the action returned with its edit */
    struct action_ref ref;
    struct config *cfg;               /* reference: def points into it */
    struct action_def def;
    size_t sel_start, sel_end;        /* bytes of the (widened) selection */
    uint32_t sel_line;                /* its first line */
    char *selection;
    struct secret_list secrets;       /* what the placeholders in the prompt stood for */
    struct task task;
    struct route_run *run;
    struct progress *progress;
    struct buf answer;
    char model[96];                   /* model of the current attempt */
    char attempt_id[ACTION_ATTEMPT_ID_MAX];   /* the answering attempt's ledger id, for signals */
    /* Cascade: models whose answers failed validation ("\na\nb\n"), and the one tried
     * next (task.pin_model points here). */
    struct buf tried;
    char next_model[96];
    bool starting;                    /* inside router_run */
    void *early;                      /* result of a run that ended inside router_run */
    bool awaiting_client;             /* workspace/applyEdit sent, answer pending */
    bool orphaned;                    /* request answered while awaiting the client */
    struct action_job *next;
};

/* The feature's per-server state. */
struct applied_watches;

struct code_action_state {
    struct action_job *jobs;
    struct review_store *reviews;
    struct applied_watches *applied;   /* edits given to the editor, followed */
};
struct code_action_state *code_action_state(struct server *srv);

/* Starts the model call for ref (mode says how to answer req). code_action: resolve's
 * CodeAction (ownership taken). token: the request's workDoneToken or NULL. Replies
 * to req itself on every path. */
void action_job_start(struct server *srv, struct rpc_request *req, enum action_mode mode,
                      struct action_ref *ref, cJSON *code_action, const cJSON *token);
/* The end of a job: reply with result (ownership taken; NULL sends null) or with an
 * error, end the progress with message, unlink and free. While awaiting_client the
 * job is only orphaned and the client's answer frees it. */
void action_job_reply(struct action_job *job, cJSON *result, const char *progress_message);
void action_job_fail(struct action_job *job, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Frees a job that has replied (after the client's answer to applyEdit). */
void action_job_free(struct action_job *job);
/* The document changed or closed: jobs on it whose output depends on its text get
 * ContentModified. */
void action_jobs_document_changed(struct server *srv, const char *uri);

/* action_output.c: turns the answer (job->answer) into the action's effect and ends
 * the job (now, or after the client answers workspace/applyEdit). summary: "model,
 * cost, time" for the progress end and messages. */
void action_output_finish(struct action_job *job, const char *summary);
/* Bounded text of an existing test file for the prompt (NULL when none). */
char *action_find_test_file(struct server *srv, const char *path, const char *language,
                            char **text);

/* The first model router_plan picks for task (its config name) into out. */
bool action_planned_model(struct router *router, const struct task *task, char *out, size_t n);
/* The task an action of kind on text_bytes of doc would run, as far as planning needs
 * it (no text): language, path (*path, freed by the caller), local-only as the run
 * decides it, and the prompt estimate (text plus the context a run sends, roughly).
 * What the menu's titles and the retry offers plan with, so they name the model that
 * the run itself would use. */
void action_plan_task(struct server *srv, struct document *doc, enum task_kind kind,
                      size_t text_bytes, struct task *task, char **path);

/* Helpers shared by the feature files. */
/* A CodeAction for the menu: data is ref; a command (switchboard.runAction) unless the
 * client resolves the edit this action makes. tag: add the LLMGenerated tag. */
cJSON *action_code_action(const char *title, const struct action_def *def, const struct action_ref *ref,
                          bool resolves, bool tag);
cJSON *action_workspace_edit(struct server *srv, const char *uri, int version, cJSON *edits);
cJSON *action_text_edit(struct lsp_range range, const char *text, size_t len);

#endif
