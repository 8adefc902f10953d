#!/bin/sh
# Prints the URI of the Debian archive this machine's apt is configured for (its main
# archive, not the security one), so that fetch-debian-suite.sh downloads from the mirror
# the machine already uses instead of one written into the project.
#
# Reads, in apt's order, the one-line sources (sources.list, sources.list.d/*.list) and
# the deb822 sources (sources.list.d/*.sources, their URIs: field). The first enabled
# "deb" entry whose URI path has a "debian" component (http://HOST/debian,
# mirror+file:///.../debian.list) wins; failing that, the first one signed with
# debian-archive-keyring (a mirror at another path). Entries of the security archive
# (a debian-security path, or only *-security suites) are skipped: they hold no suite's
# packages. Exits 1 with a message when there is no such entry.
#
# SB_APT_ETC=DIR reads DIR/sources.list and DIR/sources.list.d/ instead of apt's own
# configuration (tests/scripts feeds it sample files this way).
set -eu
export LC_ALL=C   # apt reads sources.list.d in byte order; so does the glob then
if [ -n "${SB_APT_ETC:-}" ]; then
    list=$SB_APT_ETC/sources.list
    parts=$SB_APT_ETC/sources.list.d
elif command -v apt-config >/dev/null 2>&1; then
    # apt's own idea of where its sources are (Dir, Dir::Etc may be configured).
    list='' parts=''
    eval "$(apt-config shell list Dir::Etc::sourcelist/f parts Dir::Etc::sourceparts/d)"
else
    list=/etc/apt/sources.list
    parts=/etc/apt/sources.list.d
fi
set --
[ -n "$list" ] && [ -f "$list" ] && set -- "$list"
for f in "${parts%/}"/*; do
    case $f in *.list|*.sources) [ -f "$f" ] && set -- "$@" "$f" ;; esac
done
[ $# -gt 0 ] || {
    echo "debian-mirror: no apt sources files ($list, $parts)" >&2
    echo "  set DEBIAN_MIRROR to the URI of a Debian mirror" >&2
    exit 1
}

awk '
function reset() { types = ""; uris = ""; suites = ""; signed = ""; enabled = "yes"; key = "" }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
# One source entry: TYPES, the first of URIS, SUITES, SIGNED (its options or Signed-By).
function consider(types, uris, suites, signed, enabled,    t, n, i, isdeb, u, uri, s, ns, cnt, sec, path, c, nc, archive) {
    if (tolower(trim(enabled)) == "no") return
    n = split(types, t, /[ \t]+/); isdeb = 0
    for (i = 1; i <= n; i++) if (t[i] == "deb") isdeb = 1
    if (!isdeb) return
    split(trim(uris), u, /[ \t]+/); uri = u[1]
    if (uri == "" || uri ~ /^cdrom:/) return
    ns = split(suites, s, /[ \t]+/); cnt = 0; sec = 1
    for (i = 1; i <= ns; i++) if (s[i] != "") { cnt++; if (s[i] !~ /-security$/) sec = 0 }
    if (cnt == 0) return
    # The path after scheme and host; mirror+file:///x has an empty host.
    path = uri
    if (!sub(/^[A-Za-z0-9+.-]+:\/\/[^\/]*/, "", path)) sub(/^[A-Za-z0-9+.-]+:/, "", path)
    nc = split(path, c, "/"); archive = 0
    for (i = 1; i <= nc; i++) {
        sub(/\.list$/, "", c[i])
        if (c[i] == "debian-security") sec = 1
        if (c[i] == "debian") archive = 1
    }
    if (sec) return
    if (archive) { if (first == "") first = uri }
    else if (signed ~ /debian-archive-keyring/ && second == "") second = uri
}
function flush() { if (types != "") consider(types, uris, suites, signed, enabled); reset() }
BEGIN { reset() }
FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
deb822 {
    if ($0 ~ /^#/) next
    if ($0 ~ /^[ \t]*$/) { flush(); next }
    if ($0 ~ /^[ \t]/) {           # continuation of the field above
        if (key == "uris") uris = uris " " $0
        else if (key == "suites") suites = suites " " $0
        else if (key == "types") types = types " " $0
        else if (key == "signed-by") signed = signed " " $0
        next
    }
    i = index($0, ":"); if (i == 0) next
    key = tolower(trim(substr($0, 1, i - 1))); v = trim(substr($0, i + 1))
    if (key == "types") types = v
    else if (key == "uris") uris = v
    else if (key == "suites") suites = v
    else if (key == "signed-by") signed = v
    else if (key == "enabled") enabled = v
    next
}
{
    # One-line format: TYPE [ OPTIONS ] URI SUITE [COMPONENT...], "#" starts a comment.
    line = $0; sub(/#.*/, "", line)
    n = split(line, w, /[ \t]+/); j = 1
    while (j <= n && w[j] == "") j++
    if (j > n) next
    type = w[j++]; opts = ""
    if (j <= n && substr(w[j], 1, 1) == "[") {
        while (j <= n) { opts = opts " " w[j]; if (w[j] ~ /\]$/) { j++; break } j++ }
    }
    consider(type, w[j], w[j + 1], opts, "yes")
}
END {
    flush()
    if (first != "") print first
    else if (second != "") print second
    else exit 1
}' "$@" || {
    echo "debian-mirror: no Debian archive entry in $*" >&2
    echo "  set DEBIAN_MIRROR to the URI of a Debian mirror" >&2
    exit 1
}
