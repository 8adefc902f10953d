#!/bin/sh
# Makes sure the Debian packages a step needs are present. As root it installs what
# is missing with apt-get; otherwise it prints the exact command and fails.
# Usage: ensure-deps.sh build|test|demo|node|all
set -eu
step=${1:-build}

need=""
want() { # want PACKAGE CHECK-COMMAND...
    pkg=$1; shift
    if ! "$@" >/dev/null 2>&1; then need="$need $pkg"; fi
}
have_pc() { pkg-config --exists "$1"; }
# eglot is built into Emacs 29+; Debian 12's Emacs 28 needs the elpa-eglot package.
have_eglot() {
    command -v emacs >/dev/null 2>&1 && \
        emacs --batch --eval "(progn (require 'package) (package-initialize) (require 'eglot))"
}

case "$step" in
build|all)
    want pkg-config command -v pkg-config
    want gcc command -v cc
    want make command -v make
    want libuv1-dev have_pc libuv
    want libcurl4-openssl-dev have_pc libcurl
    want libcjson-dev have_pc libcjson
    # Telemetry's OTLP and remote-write encoding (C generated from telemetry/proto).
    want libprotobuf-c-dev have_pc libprotobuf-c
    want protobuf-c-compiler command -v protoc-c
    ;;
esac
case "$step" in
test|demo|all)
    want python3 command -v python3
    ;;
esac
case "$step" in
test|all)
    want neovim command -v nvim
    # tests/editors/test_other_editors.py drives eglot in `emacs --batch`.
    want emacs-nox command -v emacs
    want elpa-eglot have_eglot
    want nodejs command -v node
    want npm command -v npm
    # tests/integration/test_telemetry_prometheus.py runs a real Prometheus.
    want prometheus command -v prometheus
    ;;
esac
case "$step" in
node)
    want nodejs command -v node
    want npm command -v npm
    ;;
esac

[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "switchboard: installing missing packages:$need" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || apt-get update
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $need >/dev/null || apt-get install -y --no-install-recommends $need
else
    echo "switchboard: missing packages:$need" >&2
    echo "install them with:  sudo apt-get install -y$need" >&2
    exit 1
fi
