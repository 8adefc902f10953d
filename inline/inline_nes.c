/* Next-edit predictions as inline and completion items (see inline_nes.h). */
#include "inline/inline_nes.h"
#include "inline/inline_items.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

char *inline_nes_from_cursor(const struct document *doc, size_t cursor, size_t start, size_t end,
                             const char *text, size_t *out_end)
{
    size_t doc_len = document_length(doc);
    if (start > end || end > doc_len || cursor > doc_len) return NULL;
    size_t old_len = 0, new_len = strlen(text);
    char *old = document_slice(doc, start, end, &old_len);
    /* the common start and end, on character boundaries of both texts */
    size_t head = 0;
    while (head < old_len && head < new_len && old[head] == text[head]) head++;
    while (head > 0 && ((head < old_len && continuation((unsigned char)old[head])) ||
                        (head < new_len && continuation((unsigned char)text[head]))))
        head--;
    size_t tail = 0;
    while (tail < old_len - head && tail < new_len - head &&
           old[old_len - 1 - tail] == text[new_len - 1 - tail])
        tail++;
    while (tail > 0 && (continuation((unsigned char)old[old_len - tail]) ||
                        continuation((unsigned char)text[new_len - tail])))
        tail--;
    free(old);
    start += head;
    end -= tail;
    if (start < cursor) return NULL;
    size_t kept_len = 0;
    char *kept = document_slice(doc, cursor, end, &kept_len);
    bool one_line = !memchr(kept, '\n', kept_len) && !memchr(kept, '\r', kept_len);
    free(kept);
    size_t added = new_len - head - tail;
    if (!one_line || (start == end && added == 0)) return NULL;
    size_t before_len = 0;
    char *before = document_slice(doc, cursor, start, &before_len);
    char *insert = xasprintf("%s%.*s", before, (int)added, text + head);
    free(before);
    *out_end = end;
    return insert;
}

/* The edit as the item, when it is at the cursor; takes e. */
static void take_edit(struct inline_nes *n, struct lsp_predicted_edit *e)
{
    struct document *doc = e ? document_store_get(server_documents(n->srv), n->uri) : NULL;
    if (!doc) {
        lsp_predicted_edit_free(e);
        return;
    }
    enum position_encoding enc = server_encoding(n->srv);
    size_t cursor = document_offset_at(doc, n->pos, enc), end = 0;
    char *insert = inline_nes_from_cursor(doc, cursor, e->start, e->end, e->text, &end);
    if (!insert) {
        log_debug("inline %s: the next edit is not at the cursor; not offered inline", n->uri);
        lsp_predicted_edit_free(e);
        return;
    }
    n->insert = insert;
    n->end = document_position_at(doc, end, enc);
    n->edit = e;
}

static void on_predicted(void *data, struct lsp_predicted_edit *e)
{
    struct inline_nes *n = data;
    n->running = NULL;
    take_edit(n, e);
    n->ready(n->data);
}

static const struct lsp_edit_predictor *begin(struct inline_nes *n, struct server *srv,
                                              const char *uri, struct lsp_position pos)
{
    const struct lsp_edit_predictor *predictor = server_edit_predictor();
    if (!predictor || n->running || n->insert) return NULL;
    struct document *doc = document_store_get(server_documents(srv), uri);
    if (!doc) return NULL;
    n->srv = srv;
    n->pos = pos;
    if (!n->uri) n->uri = xstrdup(uri);
    return predictor;
}

static size_t cursor_of(struct inline_nes *n)
{
    struct document *doc = document_store_get(server_documents(n->srv), n->uri);
    return document_offset_at(doc, n->pos, server_encoding(n->srv));
}

bool inline_nes_live(struct inline_nes *n, struct server *srv, const char *uri, struct lsp_position pos)
{
    const struct lsp_edit_predictor *predictor = begin(n, srv, uri, pos);
    if (!predictor) return false;
    struct lsp_predicted_edit *e = predictor->live(srv, uri, cursor_of(n));
    if (e) n->live = true;
    take_edit(n, e);
    return n->insert != NULL;
}

bool inline_nes_start(struct inline_nes *n, struct server *srv, const char *uri, struct lsp_position pos,
                      const char *request_id, void (*ready)(void *), void *data)
{
    if (inline_nes_live(n, srv, uri, pos) || n->insert || n->live) return false;
    const struct lsp_edit_predictor *predictor = begin(n, srv, uri, pos);
    if (!predictor) return false;
    n->ready = ready;
    n->data = data;
    /* its own request id in the ledger: one run per id, attempts numbered from 1 */
    char *id = xasprintf("%s:next_edit", request_id ? request_id : "");
    n->running = predictor->start(srv, uri, cursor_of(n), id, on_predicted, n);
    free(id);
    return n->running != NULL;
}

bool inline_nes_waiting(const struct inline_nes *n) { return n->running != NULL; }

bool inline_nes_has_item(const struct inline_nes *n) { return n->insert != NULL; }

void inline_nes_cancel(struct inline_nes *n)
{
    const struct lsp_edit_predictor *predictor = server_edit_predictor();
    if (n->running && predictor) predictor->cancel(n->srv, n->running);
    n->running = NULL;
}

void inline_nes_free(struct inline_nes *n)
{
    inline_nes_cancel(n);
    free(n->uri);
    free(n->insert);
    lsp_predicted_edit_free(n->edit);
    memset(n, 0, sizeof *n);
}

/* ---- items ---- */

static bool same_as_inline(const struct inline_nes *n, char *const *texts, size_t count)
{
    if (n->end.line != n->pos.line || n->end.character != n->pos.character) return false;
    for (size_t i = 0; i < count; i++)
        if (texts[i] && strcmp(texts[i], n->insert) == 0) return true;
    return false;
}

/* The next edit's accept command in place of the inline one. */
static void set_command(const struct inline_nes *n, cJSON *item)
{
    cJSON *cmd = cJSON_CreateObject();
    char title[160];
    snprintf(title, sizeof title, "Accept next edit (%s)", n->edit->model);
    cJSON_AddStringToObject(cmd, "title", title);
    cJSON_AddStringToObject(cmd, "command", n->edit->accept_command);
    cJSON *args = cJSON_AddArrayToObject(cmd, "arguments");
    cJSON_AddItemToArray(args, cJSON_CreateString(n->edit->attempt_id));
    cJSON_AddItemToArray(args, cJSON_CreateString(n->uri));
    cJSON_AddItemToArray(args, cJSON_CreateString(n->edit->model));
    cJSON_ReplaceItemInObject(item, "command", cmd);
}

void inline_nes_add_inline_item(const struct inline_nes *n, cJSON *items, char *const *texts,
                                size_t count)
{
    if (!n->insert || same_as_inline(n, texts, count)) return;
    struct lsp_range range = { n->pos, n->end };
    cJSON *item = inline_item_json("", n->insert, range, n->edit->attempt_id, n->edit->model);
    set_command(n, item);
    cJSON_AddItemToArray(items, item);
}

void inline_nes_add_completion_item(const struct inline_nes *n, cJSON *items, const char *word,
                                    struct lsp_position word_start, char *const *texts,
                                    size_t count)
{
    if (!n->insert || same_as_inline(n, texts, count)) return;
    struct lsp_range range = { word_start, n->end };
    cJSON *item = inline_completion_item_json(word, n->insert, range, n->edit->attempt_id,
                                              n->edit->model, count);
    char detail[160];
    snprintf(detail, sizeof detail, "AI next edit (%s)", n->edit->model);
    cJSON_ReplaceItemInObject(item, "detail", cJSON_CreateString(detail));
    set_command(n, item);
    cJSON_AddItemToArray(items, item);
}
