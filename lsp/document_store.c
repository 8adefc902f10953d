/* Open documents by URI. An editor has tens to a few hundred files open, and each
 * lookup is followed by JSON parsing that costs far more than a string compare per
 * document, so a plain array keeps this simple and keeps index iteration stable. */
#include "lsp/document.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

struct document_store {
    struct document **docs;
    size_t count, cap;
};

struct document_store *document_store_new(void)
{
    return xcalloc(1, sizeof(struct document_store));
}

void document_store_free(struct document_store *store)
{
    if (!store) return;
    for (size_t i = 0; i < store->count; i++) document_free(store->docs[i]);
    free(store->docs);
    free(store);
}

static long find(const struct document_store *store, const char *uri)
{
    for (size_t i = 0; i < store->count; i++)
        if (strcmp(document_uri(store->docs[i]), uri) == 0) return (long)i;
    return -1;
}

struct document *document_store_get(struct document_store *store, const char *uri)
{
    long i = uri ? find(store, uri) : -1;
    return i < 0 ? NULL : store->docs[i];
}

void document_store_put(struct document_store *store, struct document *doc)
{
    long i = find(store, document_uri(doc));
    if (i >= 0) {
        document_free(store->docs[i]);
        store->docs[i] = doc;
        return;
    }
    if (store->count == store->cap) {
        store->cap = store->cap ? store->cap * 2 : 16;
        store->docs = xrealloc(store->docs, store->cap * sizeof *store->docs);
    }
    store->docs[store->count++] = doc;
}

void document_store_remove(struct document_store *store, const char *uri)
{
    long i = uri ? find(store, uri) : -1;
    if (i < 0) return;
    document_free(store->docs[i]);
    memmove(store->docs + i, store->docs + i + 1, (store->count - (size_t)i - 1) * sizeof *store->docs);
    store->count--;
}

struct document *document_store_at(struct document_store *store, size_t index)
{
    return index < store->count ? store->docs[index] : NULL;
}

size_t document_store_count(const struct document_store *store) { return store->count; }
