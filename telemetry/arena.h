/* A list of allocations freed together: the protobuf-c messages an encoder builds
 * point at each other (arrays of pointers to sub-messages), and are packed and
 * thrown away at once. */
#ifndef TELEMETRY_ARENA_H
#define TELEMETRY_ARENA_H
#include <stddef.h>

struct tel_arena {
    void **ptrs;
    size_t count, cap;
};

/* Zeroed memory owned by the arena. */
void *tel_arena_alloc(struct tel_arena *a, size_t size);
void tel_arena_free(struct tel_arena *a);

#endif
