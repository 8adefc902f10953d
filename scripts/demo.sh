#!/bin/sh
# `make demo`: a scripted editing session against the fake model server, no API key
# (scripts/demo.py). `scripts/demo_lsp.py` prints a raw LSP session transcript instead.
set -eu
cd "$(dirname "$0")/.."
: "${SWITCHBOARD_BIN:=$PWD/switchboard}"
export SWITCHBOARD_BIN
exec python3 scripts/demo.py "$@"
