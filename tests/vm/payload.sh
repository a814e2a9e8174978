#!/bin/sh
# payload.sh DIR SRCDIR HULL FILE...: packs what changes from run to run into
# DIR.cpio (appended to the base initramfs): the hull binary and its
# libraries, the repo's test helpers and the given bats files (paths relative
# to SRCDIR, laid out as in the repo under /hull/src so `load` and
# HULL_SRCDIR work unchanged), and a fresh random token that marks the
# guest's result lines.
set -eu
dir=$1 src=$2 hull=$3
shift 3
rm -rf "$dir"
mkdir -p "$dir/vm/payload" "$dir/hull/src/tests" "$dir/hull/build"

cp "$hull" "$dir/hull/build/hull"
# Libraries at their canonical host paths (the base image has the host's
# /lib -> usr/lib links, so the interpreter path resolves too).
for l in $(ldd "$hull" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
  d=$(readlink -f "$(dirname "$l")")
  mkdir -p "$dir$d"
  cp -L "$l" "$dir$d/${l##*/}"
done

cp -a "$src/tests/integration" "$dir/hull/src/tests/integration"
for f in "$@"; do
  mkdir -p "$dir/hull/src/$(dirname "$f")"
  cp "$src/$f" "$dir/hull/src/$f"
done
echo "$*" >"$dir/vm/payload/files"
cat >"$dir/vm/payload/env" <<ENV
export HULL_SRCDIR=/hull/src HULL_BUILDDIR=/hull/build HULL_BINARY=/hull/build/hull
export HULL_IN_VM=1
ENV
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' | sed 's/^/HULLVM-/' >"$dir/vm/payload/token"
(cd "$dir" && find . -mindepth 1 | busybox cpio -o -H newc 2>/dev/null) >"$dir.cpio"
