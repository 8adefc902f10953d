/* `switchboard probe [--config PATH] [--timeout MS] [MODEL...]`: one tiny real
 * request to each configured model (or the named ones), concurrently; prints latency,
 * tokens and cost or the classified error per model. argv[0] is "probe". Returns the
 * exit code: 0 all ok, 1 any failed, 2 bad usage or configuration. */
#ifndef CLI_CLI_PROBE_H
#define CLI_CLI_PROBE_H

int cli_probe(int argc, char **argv);

#endif
