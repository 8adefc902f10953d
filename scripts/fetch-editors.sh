#!/bin/sh
# The editors the tests run that Debian 12 does not ship, unpacked from newer Debian
# suites into .deps/ (once; the system's packages are not touched):
#   Neovim 0.10 (trixie) and 0.12 (forky)  -> .deps/nvim-<suite>/bin/nvim
#   lsp-mode 10 and the Emacs Lisp it needs -> .deps/lsp-mode-<suite>/root/usr/share/emacs/site-lisp/elpa-src
# SB_NVIM_SUITES (default "trixie forky") and SB_LSP_MODE_SUITE (default forky) choose the
# suites; empty fetches none, and the tests then run on Debian 12's own editors only.
set -eu
cd "$(dirname "$0")/.."
nvim_suites=${SB_NVIM_SUITES-trixie forky}
lsp_mode_suite=${SB_LSP_MODE_SUITE-forky}
fail() {
    echo "switchboard: could not unpack $1 from Debian's mirror." >&2
    echo "  To test with Debian 12's own editors only: SB_NVIM_SUITES= SB_LSP_MODE_SUITE= make test" >&2
    exit 1
}
for suite in $nvim_suites; do
    sh scripts/fetch-nvim.sh "$suite" ".deps/nvim-$suite" >/dev/null || fail "Neovim ($suite)"
done
if [ -n "$lsp_mode_suite" ]; then
    sh scripts/fetch-debian-suite.sh --only "$lsp_mode_suite" ".deps/lsp-mode-$lsp_mode_suite" \
        elpa-lsp-mode elpa-dash elpa-f elpa-s elpa-ht elpa-spinner elpa-markdown-mode elpa-lv \
        || fail "lsp-mode ($lsp_mode_suite)"
fi
