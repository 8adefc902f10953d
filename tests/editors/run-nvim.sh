#!/bin/sh
# Headless Neovim end-to-end tests of editors/neovim (see tests/editors/nvim_run.py).
# Last line: "nvim: N passed, M failed".
cd "$(dirname "$0")/../.." || exit 1
exec python3 tests/editors/nvim_run.py "$@"
