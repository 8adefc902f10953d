#!/bin/sh
# Runs every benchmark briefly and prints its figures (never part of `make test`): the
# binaries built from bench/*.c (in $BENCH_DIR) and the scripts bench/*.py. Called by
# `make bench`.
#
# A benchmark reports figures and never judges them (they move with the machine's load):
# this exits non-zero only when a benchmark crashes, hangs (BENCH_TIMEOUT seconds each,
# default 900) or reports an error, and names which. The benchmarks take no arguments
# from here; the server binary reaches them as $SWITCHBOARD_BIN (a path given as the
# first argument was read as http_bench's stream count).
set -u
cd "$(dirname "$0")/.." || exit 1
: "${SWITCHBOARD_BIN:=$PWD/switchboard}"
: "${BENCH_DIR:=$PWD/build/rel/bench}"
: "${BENCH_TIMEOUT:=900}"
export SWITCHBOARD_BIN
failed=""

run() { # run NAME COMMAND...
    name=$1; shift
    echo "== $name"
    timeout "$BENCH_TIMEOUT" "$@"
    rc=$?
    case $rc in
        0) return ;;
        124) echo "$name: hung (no end after $BENCH_TIMEOUT s)" ;;
        *) if [ $rc -gt 128 ]; then echo "$name: crashed (signal $((rc - 128)))"
           else echo "$name: error (exit status $rc)"; fi ;;
    esac
    failed="$failed $name"
}

for b in "$BENCH_DIR"/*; do
    { [ -f "$b" ] && [ -x "$b" ]; } || continue
    run "$(basename "$b")" "$b"
done
for s in bench/*.py; do
    [ -f "$s" ] || continue
    run "$(basename "$s")" python3 "$s"
done
if [ -n "$failed" ]; then
    echo "bench: failed:$failed"
    exit 1
fi
echo "bench: all ran"
