/* Allocation list (see arena.h). */
#include "telemetry/arena.h"
#include "base/xalloc.h"
#include <stdlib.h>

void *tel_arena_alloc(struct tel_arena *a, size_t size)
{
    if (a->count == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->ptrs = xrealloc(a->ptrs, a->cap * sizeof *a->ptrs);
    }
    return a->ptrs[a->count++] = xcalloc(1, size ? size : 1);
}

void tel_arena_free(struct tel_arena *a)
{
    for (size_t i = 0; i < a->count; i++) free(a->ptrs[i]);
    free(a->ptrs);
    *a = (struct tel_arena){0};
}
