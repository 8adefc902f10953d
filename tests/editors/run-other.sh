#!/bin/sh
# Helix and Emacs set-ups against the real binary (tests/editors/test_other_editors.py).
# Last line: "other-editors: N passed, M failed".
cd "$(dirname "$0")/../.." || exit 1
exec python3 - <<'PY'
import sys, unittest
sys.path.insert(0, "tests/editors")
suite = unittest.defaultTestLoader.discover("tests/editors", pattern="test_*.py", top_level_dir="tests/editors")
result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
passed = result.testsRun - failed - len(result.skipped)
line = "other-editors: %d passed, %d failed" % (passed, failed)
if result.skipped:
    line += ", %d skipped" % len(result.skipped)
print(line)
sys.exit(1 if failed else 0)
PY
