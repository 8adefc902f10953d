/* Kept review diagnostics. On each change of a reviewed document the new text is
 * compared with the snapshot (text_diff: one changed region); findings whose lines
 * meet the region are dropped, those after it shift by the change in line count.
 * Only reviewed documents pay for the comparison. */
#include "actions/review_store.h"
#include "lsp/server.h"
#include "lsp/rpc.h"
#include "lsp/text_diff.h"
#include "base/xalloc.h"
#include "ledger/ledger.h"
#include <stdlib.h>
#include <string.h>

struct review_entry {
    char *uri;
    char *attempt_id;         /* the review's attempt, for finding signals ("" = none) */
    char *snapshot;
    size_t snapshot_len;
    struct review_diagnostic *items;
    size_t count;
    struct review_entry *next;
};

struct review_store { struct review_entry *entries; };

struct review_store *review_store_new(void) { return xcalloc(1, sizeof(struct review_store)); }

static void free_items(struct review_diagnostic *items, size_t count)
{
    for (size_t i = 0; i < count; i++) free(items[i].message);
    free(items);
}

/* One signal line per finding that went away (see review_store.h). */
static void signal_findings(struct server *srv, const struct review_entry *e, size_t count,
                            enum ledger_signal kind)
{
    for (size_t i = 0; i < count && srv && *e->attempt_id; i++)
        ledger_signal(server_ledger(srv), kind, e->attempt_id, -1, -1);
}

static void entry_free(struct review_entry *e)
{
    free(e->uri);
    free(e->attempt_id);
    free(e->snapshot);
    free_items(e->items, e->count);
    free(e);
}

void review_store_free(struct review_store *store)
{
    if (!store) return;
    while (store->entries) {
        struct review_entry *e = store->entries;
        store->entries = e->next;
        entry_free(e);
    }
    free(store);
}

static struct review_entry **find(struct review_store *store, const char *uri)
{
    struct review_entry **pp = &store->entries;
    while (*pp && strcmp((*pp)->uri, uri) != 0) pp = &(*pp)->next;
    return pp;
}

static void publish(struct server *srv, const char *uri, int version,
                    const struct review_diagnostic *items, size_t count)
{
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "uri", uri);
    if (version >= 0) cJSON_AddNumberToObject(params, "version", version);
    cJSON *list = cJSON_AddArrayToObject(params, "diagnostics");
    for (size_t i = 0; i < count; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToObject(d, "range", range_to_json(items[i].range));
        cJSON_AddNumberToObject(d, "severity", items[i].severity);
        cJSON_AddStringToObject(d, "source", "switchboard");
        cJSON_AddStringToObject(d, "code", "review");
        cJSON_AddStringToObject(d, "message", items[i].message);
        cJSON_AddItemToArray(list, d);
    }
    rpc_notify(srv, "textDocument/publishDiagnostics", params);
}

void review_store_set(struct review_store *store, struct server *srv, struct document *doc,
                      struct review_diagnostic *items, size_t count, const char *attempt_id)
{
    struct review_entry **pp = find(store, document_uri(doc));
    if (*pp) {   /* replaced by the new review: the old findings were left as they were */
        struct review_entry *old = *pp;
        *pp = old->next;
        signal_findings(srv, old, old->count, SIGNAL_FINDING_DISMISSED);
        entry_free(old);
    }
    publish(srv, document_uri(doc), document_version(doc), items, count);
    if (!count) { free_items(items, count); return; }
    struct review_entry *e = xcalloc(1, sizeof *e);
    e->uri = xstrdup(document_uri(doc));
    e->attempt_id = xstrdup(attempt_id ? attempt_id : "");
    e->snapshot = document_text(doc, &e->snapshot_len);
    e->items = items;
    e->count = count;
    e->next = store->entries;
    store->entries = e;
}

/* Line breaks (\n, \r\n, lone \r) in s[0, n). */
static long count_breaks(const char *s, size_t n)
{
    long lines = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') lines++;
        else if (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n')) lines++;
    }
    return lines;
}

/* True when s[pos - 1] ends a line break. */
static bool is_break_end(const char *s, size_t pos)
{
    return pos > 0 && (s[pos - 1] == '\n' || s[pos - 1] == '\r');
}

void review_store_document_changed(struct review_store *store, struct server *srv,
                                   struct document *doc)
{
    struct review_entry **pp = find(store, document_uri(doc));
    struct review_entry *e = *pp;
    if (!e) return;
    size_t len;
    char *text = document_text(doc, &len);
    struct text_edit edit;
    if (!text_diff(e->snapshot, e->snapshot_len, text, len, &edit)) { free(text); return; }
    long first = count_breaks(e->snapshot, edit.start);
    long last = first + count_breaks(e->snapshot + edit.start, edit.end - edit.start);
    long delta = count_breaks(text + edit.new_start, edit.new_end - edit.new_start) -
                 (last - first);
    /* A region that ends just after a line break does not touch the next line; an
     * insertion of whole lines at a line start touches no line at all. */
    bool ends_with_break = edit.end > edit.start && is_break_end(e->snapshot, edit.end);
    bool at_line_start = edit.start == 0 || is_break_end(e->snapshot, edit.start);
    if (ends_with_break) last--;
    else if (edit.end == edit.start && at_line_start && edit.new_end > edit.new_start &&
             is_break_end(text, edit.new_end))
        last = first - 1;
    size_t kept = 0;
    for (size_t i = 0; i < e->count; i++) {
        struct review_diagnostic d = e->items[i];
        if ((long)d.range.end.line < first) { e->items[kept++] = d; continue; }
        if ((long)d.range.start.line > last) {
            d.range.start.line = (uint32_t)((long)d.range.start.line + delta);
            d.range.end.line = (uint32_t)((long)d.range.end.line + delta);
            e->items[kept++] = d;
            continue;
        }
        free(d.message);   /* the edit touched it */
    }
    bool dropped = kept != e->count;
    signal_findings(srv, e, e->count - kept, SIGNAL_FINDING_FIXED);
    e->count = kept;
    free(e->snapshot);
    e->snapshot = text;
    e->snapshot_len = len;
    if (dropped || delta) publish(srv, e->uri, document_version(doc), e->items, e->count);
    if (!e->count) {
        *pp = e->next;
        entry_free(e);
    }
}

void review_store_document_closed(struct review_store *store, struct server *srv,
                                  const char *uri)
{
    struct review_entry **pp = find(store, uri);
    if (!*pp) return;
    struct review_entry *e = *pp;
    *pp = e->next;
    publish(srv, uri, -1, NULL, 0);
    signal_findings(srv, e, e->count, SIGNAL_FINDING_DISMISSED);
    entry_free(e);
}

size_t review_store_count(const struct review_store *store, const char *uri)
{
    for (const struct review_entry *e = store->entries; e; e = e->next)
        if (strcmp(e->uri, uri) == 0) return e->count;
    return 0;
}
