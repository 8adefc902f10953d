#!/bin/sh
# Runs every libFuzzer target (built by `make fuzz`) for the given number of seconds,
# starting from the seed corpus tests/fuzz/corpus/<target>/ (kept in git; grown copies
# go to a scratch directory). A crash fails the run and leaves the reproducer in
# build/fuzz/findings/; turn it into a regression test before fixing.
set -u
seconds=${1:-60}
cd "$(dirname "$0")/../.."
status=0
mkdir -p build/fuzz/findings
for bin in build/fuzz/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    seeds=tests/fuzz/corpus/$name
    work=build/fuzz/corpus-work/$name
    mkdir -p "$work" "$seeds"
    echo "== $name (${seconds}s)"
    if ! "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=build/fuzz/findings/"$name"- -print_final_stats=0 "$work" "$seeds" \
        >build/fuzz/"$name".log 2>&1; then
        tail -40 build/fuzz/"$name".log
        echo "fuzz: $name FAILED (reproducer in build/fuzz/findings/)"
        status=1
    else
        grep -E 'Done [0-9]+ runs' build/fuzz/"$name".log | tail -1
    fi
done
exit $status
