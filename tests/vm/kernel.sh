#!/bin/sh
# kernel.sh CACHEDIR: makes CACHEDIR/kernel/ hold Debian's kernel for the VM:
#   vmlinux       the uncompressed ELF image (qemu boots it through PVH)
#   version       its release string (e.g. 6.1.0-57-amd64)
#   modules/      the few modules the tests need, with their dependencies,
#                 signatures stripped (so loading skips the RSA check)
#   modules.list  their file names, dependencies first (insmod order)
# The package is fetched with `apt-get download` and unpacked with dpkg-deb
# into the cache: nothing is installed and the host's /boot is not touched.
# Prints nothing and does nothing when the cache is already complete.
set -eu
cache=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$cache/kernel
# Modules the tests need: copy-on-write rootfs, veth pairs, bridges.
WANT_MODULES=${HULL_VM_MODULES:-"overlay veth bridge"}

[ -s "$out/vmlinux" ] && [ -s "$out/modules.list" ] && exit 0

die() { echo "kernel.sh: $*" >&2; exit 1; }
command -v apt-get >/dev/null || die "apt-get not found: the VM kernel comes from Debian's linux-image-amd64"

# The versioned package linux-image-amd64 points at (a metapackage).
find_pkg() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1
}
pkg=$(find_pkg)
if [ -z "$pkg" ]; then
  apt-get update -qq >/dev/null 2>&1 || true
  pkg=$(find_pkg)
fi
[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 with apt-cache (is Debian's archive reachable?)"

dl=$cache/download
mkdir -p "$dl"
deb=$(ls "$dl/${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
  # _apt cannot write into a root-owned build dir; apt falls back to root.
  # Stale package lists name a version the archive has dropped: refresh
  # them once and resolve again.
  if ! (cd "$dl" && apt-get download -q "$pkg" >/dev/null 2>&1); then
    apt-get update -qq >/dev/null 2>&1 || true
    pkg=$(find_pkg)
    [ -n "$pkg" ] || die "cannot resolve linux-image-amd64 after apt-get update"
    (cd "$dl" && apt-get download -q "$pkg" >&2) || die "apt-get download $pkg failed"
  fi
  deb=$(ls "$dl/${pkg}"_*.deb | head -n 1)
fi

tmp=$cache/kernel.tmp
rm -rf "$tmp" "$out"
mkdir -p "$tmp/x" "$tmp/modules"
dpkg-deb --fsys-tarfile "$deb" |
  tar -x -C "$tmp/x" --wildcards './boot/vmlinuz-*' './lib/modules/*/kernel/*' ||
  die "unpacking $deb failed"
vmlinuz=$(ls "$tmp"/x/boot/vmlinuz-* | head -n 1)
version=${vmlinuz##*/vmlinuz-}
echo "$version" >"$tmp/version"
sh "$here/extract-vmlinux.sh" "$vmlinuz" "$tmp/vmlinux"

moddir=$tmp/x/lib/modules/$version/kernel
# deps_of FILE: the module names in FILE's .modinfo "depends=" entry.
deps_of() {
  tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '
}
# add NAME: appends NAME's dependencies, then NAME, to modules.list once.
add() {
  grep -qx "$1.ko" "$tmp/modules.list" 2>/dev/null && return 0
  f=$(find "$moddir" -name "$1.ko" | head -n 1)
  [ -n "$f" ] || die "module $1 not found in $pkg"
  for d in $(deps_of "$f"); do add "$d"; done
  # (sh has no locals: the recursion above reused $f)
  f=$(find "$moddir" -name "$1.ko" | head -n 1)
  # A signed module ends with the magic string after a 12-byte header
  # whose last 4 bytes are the big-endian signature length.
  magic='~Module signature appended~'
  size=$(stat -c %s "$f")
  if [ "$(tail -c 28 "$f" | head -c 27)" = "$magic" ]; then
    siglen=$(tail -c 32 "$f" | head -c 4 | od -An -tu1 |
      awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
    head -c "$((size - 28 - 12 - siglen))" "$f" >"$tmp/modules/$1.ko"
  else
    cp "$f" "$tmp/modules/$1.ko"
  fi
  echo "$1.ko" >>"$tmp/modules.list"
}
: >"$tmp/modules.list"
for m in $WANT_MODULES; do add "$m"; done

rm -rf "$tmp/x"
mv "$tmp" "$out"
