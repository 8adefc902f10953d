#!/bin/sh
# Runs every suite (unit, integration against the real binary and the fake model
# server, the build scripts' offline tests, editor tests) and ends with the total
# line "N passed, M failed".
# Each suite prints its own "<suite>: N passed, M failed" line last.
set -u
cd "$(dirname "$0")/.."
: "${SWITCHBOARD_BIN:=$PWD/switchboard}"
: "${UNIT_TESTS:=$PWD/build/rel/unit_tests}"
export SWITCHBOARD_BIN
total_pass=0
total_fail=0
log=$(mktemp)

run_suite() { # run_suite NAME COMMAND...
    name=$1; shift
    echo "== $name"
    "$@" 2>&1 | tee "$log"
    rc=$?
    line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
    if [ -z "$p" ]; then
        echo "$name: no summary line (suite crashed?)"
        p=0; f=1
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}

run_suite layering python3 tests/layering/check.py
run_suite unit "$UNIT_TESTS"
run_suite integration python3 tests/integration/run.py
run_suite scripts sh tests/scripts/run.sh
for suite in tests/editors/run-*.sh; do
    [ -f "$suite" ] || continue
    run_suite "$(basename "$suite" .sh)" sh "$suite"
done
rm -f "$log"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
