#!/bin/sh
# Usage: embed.sh INPUT SYMBOL > OUTPUT.c
# Turns a data file into a C array `const unsigned char SYMBOL[]` (NUL-terminated) and
# `const unsigned long SYMBOL_len`, so shipped data (the price list) is compiled into
# the binary. Uses only od and sed (no xxd).
set -eu
in=$1
sym=$2
echo "/* Generated from $in by scripts/embed.sh; do not edit. */"
echo "const unsigned char $sym[] = {"
od -An -v -tx1 "$in" | sed -e 's/[[:space:]]*\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/ /'
echo " 0x00"
echo "};"
echo "const unsigned long ${sym}_len = sizeof $sym - 1;"
