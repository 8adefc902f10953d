#!/bin/sh
# Unpacks the Neovim of a Debian suite (trixie: 0.10, forky: 0.12) into DEST and writes
# DEST/bin/nvim, which runs it with its own runtime files and Lua modules. Debian 12
# ships only 0.7.2; the headless tests run the plugin on these too (tests/editors).
# Usage: fetch-nvim.sh SUITE DEST
set -eu
[ $# -eq 2 ] || { echo "usage: $0 SUITE DEST" >&2; exit 2; }
here=$(dirname "$0")
sh "$here/fetch-debian-suite.sh" "$1" "$2" neovim
dest=$(cd "$2" && pwd)
root="$dest/root"
mkdir -p "$dest/bin"
# Neovim finds its runtime from its own path, which is the loader's here: name it.
cat > "$dest/bin/nvim" <<WRAP
#!/bin/sh
VIM="$root/usr/share/nvim" VIMRUNTIME="$root/usr/share/nvim/runtime" \\
LUA_CPATH="$root/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;;" \\
LUA_PATH="$root/usr/share/lua/5.1/?.lua;$root/usr/share/lua/5.1/?/init.lua;;" \\
    exec "$dest/run" usr/bin/nvim "\$@"
WRAP
chmod +x "$dest/bin/nvim"
"$dest/bin/nvim" --version | head -n 1
