#!/bin/sh
# VS Code extension tests without VS Code: tsc --noEmit, then node --test with a stub
# vscode module, including a test that the launch options start the real binary.
# Last line: "vscode: N passed, M failed".
set -u
cd "$(dirname "$0")/../../editors/vscode"
if [ ! -d node_modules/vscode-languageclient ] || [ ! -d node_modules/typescript ]; then
    if ! npm ci --no-audit --no-fund >/tmp/switchboard-npm.log 2>&1; then
        tail -20 /tmp/switchboard-npm.log
        echo "vscode: 0 passed, 1 failed"
        exit 1
    fi
fi
fail_tc=0
if npx tsc -p . --noEmit; then echo "ok   tsc --noEmit"; else echo "FAIL tsc --noEmit"; fail_tc=1; fi
npx tsc -p . || true
out=$(node --test test/*.test.js 2>&1)
echo "$out" | grep -E '^(not ok|ok) |^# (pass|fail)' || true
echo "$out" | grep -A30 '^not ok' | head -60
pass=$(echo "$out" | sed -n 's/^# pass \([0-9]*\)/\1/p')
fail=$(echo "$out" | sed -n 's/^# fail \([0-9]*\)/\1/p')
pass=${pass:-0}; fail=${fail:-1}
[ "$fail_tc" = 0 ] && pass=$((pass + 1)) || fail=$((fail + 1))
echo "vscode: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
