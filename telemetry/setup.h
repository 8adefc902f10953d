/* Telemetry options for this process: the OTEL_* variables first, then the
 * configuration file's "telemetry" section over them (the file is the more explicit
 * of the two, as code-level settings beat the environment in the OpenTelemetry SDKs).
 * Editor settings never reach this: the LSP layer drops "telemetry" from them. */
#ifndef TELEMETRY_SETUP_H
#define TELEMETRY_SETUP_H
#include "telemetry/options.h"
#include "config/config.h"

/* workspace_name: the editor's workspace folder name, used only when the file opts in
 * (export_workspace_name). Returns 0, or -1 with a message (options then inactive). */
/* Where a server writes its last session's export counters and `check` reads them:
 * $XDG_STATE_HOME/switchboard/telemetry-status.json (or ~/.local/state/...). malloc'd. */
char *telemetry_status_path(void);

int telemetry_options_resolve(struct telemetry_options *o, const struct config *cfg,
                              tel_getenv_fn getenv_fn, const char *workspace_name, char *err,
                              size_t errlen);

#endif
