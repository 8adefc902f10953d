#!/bin/sh
# Runs the benchmarks briefly and prints their figures (never part of `make test`).
# Called by `make bench` with SWITCHBOARD_BIN and BENCH_DIR set.
set -eu
cd "$(dirname "$0")/.."
: "${SWITCHBOARD_BIN:=$PWD/switchboard}"
: "${BENCH_DIR:=$PWD/build/rel/bench}"
for b in "$BENCH_DIR"/*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b" "$SWITCHBOARD_BIN"
done
