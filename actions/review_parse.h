/* Review findings from a model's answer. The model is asked for one finding a line,
 * `LINE <n> [error|warning|info|hint]: message`, with n counted from 1 at the first
 * line of the reviewed selection. Answers drift, so variants are accepted too:
 * `L12: msg`, `line 12 - msg`, `Line 12 (warning): msg`, `- **Line 12** [warning]: msg`,
 * `LINE 3-5 [error]: msg` (a span), and a JSON list
 * `[{"line": 3, "end_line"?: 5, "severity": "warning", "message": "..."}]`, fenced or not.
 * Lines that are not findings are ignored. Pure: the feature maps findings to ranges. */
#ifndef ACTIONS_REVIEW_PARSE_H
#define ACTIONS_REVIEW_PARSE_H
#include <stddef.h>
#include <stdint.h>

/* LSP DiagnosticSeverity values. */
enum review_severity {
    REVIEW_ERROR = 1, REVIEW_WARNING = 2, REVIEW_INFO = 3, REVIEW_HINT = 4
};

struct review_finding {
    uint32_t line;        /* 0-based, relative to the selection's first line */
    uint32_t end_line;    /* >= line; equal for a one-line finding */
    enum review_severity severity;
    char *message;        /* malloc'd, trimmed, never empty */
};

struct review_findings {
    struct review_finding *items;
    size_t count;
};

/* Parses answer; line numbers are clamped to [1, line_count] (line_count 0 = no
 * clamping). Returns the number of findings. out must be freed with
 * review_findings_free even when none were found. */
size_t review_parse(const char *answer, size_t len, uint32_t line_count,
                    struct review_findings *out);
void review_findings_free(struct review_findings *findings);

/* "error" | "warning" | ... ; also bug, critical, warn, note, suggestion, style, nit.
 * Returns 0 for an unknown word. */
int review_severity_parse(const char *word, size_t len);

#endif
