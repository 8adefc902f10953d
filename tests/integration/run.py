#!/usr/bin/env python3
"""Integration test runner: discovers tests/integration/test_*.py (stdlib unittest),
runs them against the real binary ($SWITCHBOARD_BIN) and the fake model server, and
prints 'integration: N passed, M failed' last. Optional args filter test ids."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "fake_server"))


class CountingResult(unittest.TextTestResult):
    pass


def main():
    loader = unittest.TestLoader()
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    filters = sys.argv[1:]
    if filters:
        def flatten(s):
            for t in s:
                if isinstance(t, unittest.TestSuite):
                    yield from flatten(t)
                else:
                    yield t
        suite = unittest.TestSuite(t for t in flatten(suite) if any(f in t.id() for f in filters))
    runner = unittest.TextTestRunner(verbosity=2, resultclass=CountingResult, stream=sys.stdout)
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"integration: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
