#!/bin/sh
# Runs every benchmark briefly and prints its figures (never part of `make test`):
# the binaries built from bench/*.c (in $BENCH_DIR, given the server binary as their
# argument) and the scripts bench/*.py. Called by `make bench`.
set -u
cd "$(dirname "$0")/.."
: "${SWITCHBOARD_BIN:=$PWD/switchboard}"
: "${BENCH_DIR:=$PWD/build/rel/bench}"
export SWITCHBOARD_BIN
rc=0
for b in "$BENCH_DIR"/*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b" "$SWITCHBOARD_BIN" || rc=1
done
for s in bench/*.py; do
    [ -f "$s" ] || continue
    echo "== $(basename "$s")"
    python3 "$s" || rc=1
done
exit $rc
