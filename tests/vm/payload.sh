#!/bin/sh
# payload.sh DIR SRCDIR BUILDDIR HULL FILE...: packs what changes from run to
# run into DIR.cpio (appended to the base initramfs): the hull binary, the
# test programs built under BUILDDIR/tests/integration (drivers the bats
# files call) and their libraries, the repo's test helpers and the given bats
# files (paths relative
# to SRCDIR, laid out as in the repo under /hull/src so `load` and
# HULL_SRCDIR work unchanged), and a fresh random token that marks the
# guest's result lines.
set -eu
dir=$1 src=$2 build=$3 hull=$4
shift 4
rm -rf "$dir"
mkdir -p "$dir/vm/payload" "$dir/hull/src/tests" "$dir/hull/build"

# add_elf FILE DEST: FILE at DEST in the image, with its libraries at their
# canonical host paths (the base image has the host's /lib -> usr/lib links,
# so the ELF interpreter path resolves too).
add_elf() {
  mkdir -p "$(dirname "$dir$2")"
  cp "$1" "$dir$2"
  for l in $(ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
    d=$(readlink -f "$(dirname "$l")")
    if [ ! -e "$dir$d/${l##*/}" ]; then
      mkdir -p "$dir$d"
      cp -L "$l" "$dir$d/${l##*/}"
    fi
  done
}
add_elf "$hull" /hull/build/hull
for f in "$build"/tests/integration/*; do
  if [ -f "$f" ] && [ -x "$f" ] && head -c 4 "$f" | grep -q ELF; then
    add_elf "$f" "/hull/build/tests/integration/${f##*/}"
  fi
done

cp -a "$src/tests/integration" "$dir/hull/src/tests/integration"
# The README's quick start, run on cgroup v2 by smoke.bats.
mkdir -p "$dir/hull/src/contrib"
cp "$src/contrib/quickstart.sh" "$dir/hull/src/contrib/quickstart.sh"
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
