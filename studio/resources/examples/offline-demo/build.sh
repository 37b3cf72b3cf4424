#!/bin/sh
# The pretend compiler step of the offline demo: checks that the "toolchain" is
# there and writes the "built" files into the folder given as $1. No network.
set -eu
out="$1"
test -f /toolchain/compiler || { echo "no toolchain" >&2; exit 1; }
mkdir -p "$out"
cat greeting.src > "$out/greeting.txt"
echo "built by $(basename "$0") at stage build" >> "$out/greeting.txt"
