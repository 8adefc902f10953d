#!/usr/bin/env python3
"""Layering test: no #include points upward.

Each top folder of the C code sits on a floor (docs/architecture.md). A file may
include headers of its own folder and of folders on lower floors only; two rooms
on the same floor (inline/ and actions/) stay independent of each other, so a
capability can be removed or rewritten without touching its neighbours. Prints
one line per violation and ends with "layering: N passed, M failed".
"""
import os
import re
import sys

FLOORS = {
    'base': 1,
    'providers': 2,
    'config': 3,
    'ledger': 4, 'telemetry': 4,
    'router': 5,
    'lsp': 6,
    'inline': 7, 'actions': 7, 'nes': 7,
    'cli': 8,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def violations(root):
    for folder in sorted(FLOORS):
        path = os.path.join(root, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if not name.endswith(('.c', '.h')):
                continue
            rel = f'{folder}/{name}'
            with open(os.path.join(path, name), encoding='utf-8') as f:
                text = f.read()
            for target in INCLUDE.findall(text):
                top = target.split('/', 1)[0]
                if '/' not in target or top == folder:
                    continue
                if top not in FLOORS:
                    yield f'{rel}: includes "{target}", which is in no known layer'
                elif FLOORS[top] >= FLOORS[folder]:
                    how = 'beside it' if FLOORS[top] == FLOORS[folder] else 'above it'
                    yield f'{rel}: includes "{target}", a layer {how} ({top} is floor {FLOORS[top]}, {folder} is floor {FLOORS[folder]})'


def unknown_folders(root):
    """A new top folder of C code must be given a floor, or it escapes the check."""
    for entry in sorted(os.listdir(root)):
        p = os.path.join(root, entry)
        if entry in FLOORS or entry in ('tests', 'bench', 'build', 'editors', 'scripts') or entry.startswith('.'):
            continue
        if os.path.isdir(p) and any(n.endswith(('.c', '.h')) for n in os.listdir(p)):
            yield f'{entry}/: C code in a folder with no floor (add it to FLOORS in {__file__})'


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..')
    bad = list(violations(root)) + list(unknown_folders(root))
    for line in bad:
        print('FAIL', line)
    if not bad:
        print('ok   no include points upward or sideways')
    print(f'layering: {0 if bad else 1} passed, {len(bad)} failed')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
