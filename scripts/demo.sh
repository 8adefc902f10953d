#!/bin/sh
# `make demo`: runs the scripted demos against the built binary ($SWITCHBOARD_BIN),
# without any API key. Each part prints what it shows; add later parts below.
set -eu
cd "$(dirname "$0")/.."
: "${SWITCHBOARD_BIN:=$PWD/switchboard}"
export SWITCHBOARD_BIN
echo "== LSP session transcript (-> client to server, <- server to client)"
python3 scripts/demo_lsp.py
