#!/bin/sh
# Tests of the build scripts that need no network: scripts/debian-mirror.sh fed sample
# apt sources through SB_APT_ETC, and the mirror fetch-debian-suite.sh then hands to apt.
# Mirror hosts are example.org names (RFC 2606); nothing is downloaded.
# Last line: "scripts: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "     $l"; done; }

# case NAME: a fresh apt etc dir at $etc for the sample files of one test.
case_dir() {
    etc=$tmp/$1
    mkdir -p "$etc/sources.list.d"
}

# expect NAME WANT: debian-mirror.sh on $etc prints WANT and exits 0.
expect() {
    got=$(SB_APT_ETC=$etc sh scripts/debian-mirror.sh 2>"$tmp/err")
    rc=$?
    if [ $rc -eq 0 ] && [ "$got" = "$2" ]; then ok "$1"
    else bad "$1" "want: $2" "got:  $got (exit $rc)" "$(cat "$tmp/err")"; fi
}

# expect_none NAME: debian-mirror.sh on $etc exits non-zero and says what to set.
expect_none() {
    got=$(SB_APT_ETC=$etc sh scripts/debian-mirror.sh 2>"$tmp/err")
    rc=$?
    if [ $rc -ne 0 ] && [ -z "$got" ] && grep -q DEBIAN_MIRROR "$tmp/err"; then ok "$1"
    else bad "$1" "want: no output, an exit status and a DEBIAN_MIRROR hint" \
        "got:  $got (exit $rc)" "$(cat "$tmp/err")"; fi
}

case_dir classic
cat > "$etc/sources.list" <<'EOF'
# deb http://old.example.org/debian bookworm main
deb-src http://src.example.org/debian bookworm main
deb http://security.example.org/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://ftp.example.org/debian/ bookworm main contrib
deb http://later.example.org/debian bookworm-updates main
EOF
expect "classic sources.list: first deb archive line, options, security and deb-src skipped" \
    "http://ftp.example.org/debian/"

case_dir options_spaced
echo 'deb [ arch=amd64 trusted=yes ] http://spaced.example.org/debian bookworm main # a comment' \
    > "$etc/sources.list"
expect "classic: options in brackets with spaces, trailing comment" "http://spaced.example.org/debian"

case_dir deb822
cat > "$etc/sources.list.d/debian.sources" <<'EOF'
Types: deb
# a comment inside a stanza
URIs: http://mirror.example.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://mirror.example.org/debian http://second.example.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
expect "deb822: security stanza first is skipped, first of URIs taken" "http://mirror.example.org/debian"

case_dir deb822_disabled
cat > "$etc/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://off.example.org/debian
Suites: bookworm
Enabled: no

types: deb
uris:
 http://on.example.org/debian
suites: bookworm
EOF
expect "deb822: Enabled: no skipped, lower-case fields, URI on a continuation line" \
    "http://on.example.org/debian"

case_dir third_party
cat > "$etc/sources.list.d/a-vendor.list" <<'EOF'
deb https://packages.example.com/apt cloud-sdk-bookworm main
EOF
cat > "$etc/sources.list.d/b-node.sources" <<'EOF'
Types: deb
URIs: https://deb.example.com/node_20.x
Suites: nodistro
Components: main
EOF
cat > "$etc/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://archive.example.org/debian
Suites: trixie
EOF
echo 'deb http://disabled.example.org/debian bookworm main' > "$etc/sources.list.d/old.list.disabled"
expect "sources.list.d: other vendors' repositories and *.disabled files ignored" \
    "http://archive.example.org/debian"

case_dir order
echo 'deb http://list.example.org/debian bookworm main' > "$etc/sources.list"
printf 'Types: deb\nURIs: http://parts.example.org/debian\nSuites: bookworm\n' \
    > "$etc/sources.list.d/debian.sources"
expect "sources.list is read before sources.list.d, as apt does" "http://list.example.org/debian"

case_dir mirror_file
printf 'Types: deb\nURIs: mirror+file:///etc/apt/mirrors/debian-security.list\nSuites: bookworm-security\n\nTypes: deb\nURIs: mirror+file:///etc/apt/mirrors/debian.list\nSuites: bookworm bookworm-updates\n' \
    > "$etc/sources.list.d/debian.sources"
expect "deb822: a mirror+file list (cloud images) is passed on as apt reads it" \
    "mirror+file:///etc/apt/mirrors/debian.list"

case_dir keyring_only
cat > "$etc/sources.list" <<'EOF'
deb http://cache.example.org:3142/apt bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://local.example.org/pool bookworm main
EOF
expect "no /debian path: the entry signed with Debian's archive key" "http://local.example.org/pool"

case_dir none
echo 'deb https://packages.example.com/apt stable main' > "$etc/sources.list"
echo 'deb http://security.example.org/debian-security bookworm-security main' \
    > "$etc/sources.list.d/security.list"
expect_none "no Debian archive entry: an error naming DEBIAN_MIRROR, no output"

case_dir empty
expect_none "no sources files at all: an error, no output"

# fetch-debian-suite.sh hands the mirror to its private apt. The archives are file: URIs
# of an empty folder under $tmp, so apt fails at once, locally, after writing its list.
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; then
    case_dir fetch
    mkdir -p "$tmp/archive/debian" "$tmp/override/debian"
    echo "deb file://$tmp/archive/debian bookworm main" > "$etc/sources.list"
    (unset DEBIAN_MIRROR; SB_APT_ETC=$etc sh scripts/fetch-debian-suite.sh --only sid "$tmp/dest1" hello) \
        >/dev/null 2>&1
    if grep -q " file://$tmp/archive/debian sid main\$" "$tmp/dest1/apt/etc/sources.list" 2>/dev/null
    then ok "fetch-debian-suite.sh: apt is given the machine's mirror"
    else bad "fetch-debian-suite.sh: apt is given the machine's mirror" \
        "$(cat "$tmp/dest1/apt/etc/sources.list" 2>&1)"; fi
    DEBIAN_MIRROR=file://$tmp/override/debian SB_APT_ETC=$etc \
        sh scripts/fetch-debian-suite.sh --only sid "$tmp/dest2" hello >/dev/null 2>&1
    if grep -q " file://$tmp/override/debian sid main\$" "$tmp/dest2/apt/etc/sources.list" 2>/dev/null
    then ok "fetch-debian-suite.sh: DEBIAN_MIRROR overrides the machine's mirror"
    else bad "fetch-debian-suite.sh: DEBIAN_MIRROR overrides the machine's mirror" \
        "$(cat "$tmp/dest2/apt/etc/sources.list" 2>&1)"; fi
    (unset DEBIAN_MIRROR; SB_APT_ETC=$tmp/none sh scripts/fetch-debian-suite.sh --only sid "$tmp/dest3" hello) \
        >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ] && grep -q DEBIAN_MIRROR "$tmp/err" && [ ! -e "$tmp/dest3/apt" ]
    then ok "fetch-debian-suite.sh: no mirror found stops before apt runs"
    else bad "fetch-debian-suite.sh: no mirror found stops before apt runs" "exit $rc" "$(cat "$tmp/err")"; fi
fi

cd "$root" || exit 1
echo "scripts: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
