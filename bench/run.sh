#!/bin/sh
# Runs every benchmark binary built from bench/*.c (in $BENCH_DIR) from the repo
# root, briefly. Figures are printed, never asserted by the test suite.
set -u
cd "$(dirname "$0")/.."
rc=0
for b in "$BENCH_DIR"/*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b" || rc=1
done
exit $rc
