#!/bin/sh
# Unpacks Debian packages of another suite (trixie, sid, ...) and everything they depend
# on into a private folder, without touching the system's packages: apt runs with its own
# lists, status and cache under that folder, and the packages are extracted with dpkg-deb.
# The tests use it for the Neovim releases Debian 12 does not ship (0.10 in trixie, 0.12 in
# sid), run through the suite's own dynamic loader so its newer libc is used for them only.
#
# Usage: fetch-debian-suite.sh [--only] SUITE DEST PACKAGE...
# Makes DEST/root (the unpacked files) and DEST/run, which runs a program of DEST/root
# with its own loader and libraries: DEST/run usr/bin/nvim --version
# --only unpacks just the named packages (Emacs Lisp ones, say), and makes no DEST/run.
# Idempotent: a DEST that already holds every named package is left as it is.
# The mirror is the machine's own (scripts/debian-mirror.sh) unless DEBIAN_MIRROR is set.
set -eu
only=no
[ "${1:-}" = --only ] && { only=yes; shift; }
[ $# -ge 3 ] || { echo "usage: $0 [--only] SUITE DEST PACKAGE..." >&2; exit 2; }
suite=$1; dest=$2; shift 2
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
stamp="$dest/.packages"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$suite $*" ]; then
    exit 0
fi
command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || {
    echo "fetch-debian-suite: needs apt-get and dpkg-deb (Debian)" >&2; exit 1; }
# DEBIAN_MIRROR=URI overrides; otherwise the Debian mirror this machine's apt uses.
if [ -n "${DEBIAN_MIRROR:-}" ]; then
    mirror=$DEBIAN_MIRROR
else
    mirror=$(sh "$(dirname "$0")/debian-mirror.sh") || exit 1
fi
apt="$dest/apt"
rm -rf "$apt" "$dest/root" "$dest/debs" "$stamp"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc" "$dest/debs" "$dest/root"
: > "$apt/status"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
    > "$apt/etc/sources.list"
pkgs="$*"
# apt with its own lists, status and cache: the system's own are neither read nor changed.
private() { # private apt-get|apt-cache ARGS...
    tool=$1; shift
    "$tool" -o "Dir::Etc::SourceList=$apt/etc/sources.list" -o "Dir::Etc::SourceParts=-" \
        -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status" \
        -o "Dir::Cache=$apt/cache" -o "Debug::NoLocking=1" \
        -o "APT::Sandbox::User=$(id -un)" -o "Acquire::Retries=3" "$@"
}
echo "fetch-debian-suite: reading $suite's package lists" >&2
private apt-get -qq update
# The dependency closure, as real package names (virtual ones are shown as <name>).
# shellcheck disable=SC2086
if [ $only = yes ]; then closure=$pkgs; else closure=$(private apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances $pkgs | grep -v '^ ' | grep -v '^<' | sort -u); fi
count=$(echo $closure | wc -w)
echo "fetch-debian-suite: downloading $count packages from $suite" >&2
# As root apt downloads as _apt, which cannot write here; say so once, not per file.
# shellcheck disable=SC2086
(cd "$dest/debs" && private apt-get -qq download $closure 2>&1 | grep -v 'unsandboxed as root' >&2 || true)
got=$(ls "$dest/debs" | grep -c '\.deb$' || true)
[ "$got" -eq "$count" ] || {
    echo "fetch-debian-suite: got $got of $count packages from $suite" >&2; exit 1; }
for deb in "$dest"/debs/*.deb; do dpkg-deb -x "$deb" "$dest/root"; done
if [ $only = yes ]; then
    rm -rf "$dest/debs" "$apt/cache"
    echo "$suite $pkgs" > "$stamp"
    exit 0
fi
loader=$(find "$dest/root" -name 'ld-linux-x86-64.so.2' | head -n 1)
[ -n "$loader" ] || { echo "fetch-debian-suite: no dynamic loader in $suite's libc6" >&2; exit 1; }
libpath=""
for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib usr/lib; do
    [ -d "$dest/root/$d" ] && libpath="$libpath${libpath:+:}$dest/root/$d"
done
cat > "$dest/run" <<EOF
#!/bin/sh
# Runs a program unpacked from Debian $suite with $suite's loader and libraries.
# Through the loader's --library-path, not LD_LIBRARY_PATH, so that programs it starts
# (a language server, say) still use this system's own libraries.
prog=\$1; shift
exec "$loader" --library-path "$libpath" "$dest/root/\$prog" "\$@"
EOF
chmod +x "$dest/run"
rm -rf "$dest/debs" "$apt/cache"
echo "$suite $pkgs" > "$stamp"
