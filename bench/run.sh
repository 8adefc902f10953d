#!/bin/sh
# Runs every benchmark binary built into $BENCH_DIR (briefly: the machine is shared).
set -u
: "${BENCH_DIR:=build/rel/bench}"
for b in "$BENCH_DIR"/*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b" || echo "$(basename "$b"): failed"
done
