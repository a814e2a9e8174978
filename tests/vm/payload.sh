#!/bin/sh
# payload.sh DIR SRCDIR BUILDDIR HULL FILE...: packs what changes from run to
# run into DIR.cpio (appended to the base initramfs): the hull binary, the
# test programs built under BUILDDIR/tests/integration (drivers the bats
# files call) and their libraries, the repo's test helpers (integration/,
# clients/, tests/vm/*.bash), contrib/ and the given bats files (paths
# relative to SRCDIR, laid out as in the repo under /hull/src so `load` and
# HULL_SRCDIR work unchanged), and a fresh random token that marks the
# guest's result lines.
set -eu
dir=$1 src=$2 build=$3 hull=$4
shift 4
rm -rf "$dir"
mkdir -p "$dir/vm/payload" "$dir/hull/src/tests" "$dir/hull/build"

IMG=$dir
. "$(dirname "$0")/image-lib.sh"
img_add_as "$hull" /hull/build/hull
for f in "$build"/tests/integration/*; do
  if [ -f "$f" ] && [ -x "$f" ] && head -c 4 "$f" | grep -q ELF; then
    img_add_as "$f" "/hull/build/tests/integration/${f##*/}"
  fi
done

cp -a "$src/tests/integration" "$dir/hull/src/tests/integration"
# The client tests' helpers (tests/vm/clients*/ load them), and contrib/:
# the README's quick start (smoke.bats runs it on cgroup v2) and the
# containerd and podman configs the client tests use as they are.
cp -a "$src/tests/clients" "$dir/hull/src/tests/clients"
# The VM suites' shared helpers (tests/vm/*.bash).
mkdir -p "$dir/hull/src/tests/vm"
cp "$src"/tests/vm/*.bash "$dir/hull/src/tests/vm/"
cp -a "$src/contrib" "$dir/hull/src/contrib"
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
img_cpio "$dir.cpio"
