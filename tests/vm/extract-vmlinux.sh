#!/bin/sh
# extract-vmlinux.sh BZIMAGE OUT: writes the uncompressed ELF vmlinux held in
# a bzImage. qemu boots that ELF directly through its PVH entry point, which
# saves the guest from decompressing itself (seconds under TCG emulation).
# The payload is found by its compression magic; the first candidate that
# decompresses to an ELF file wins.
set -eu
in=$1 out=$2
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT

# try MAGIC-AS-GREP-PATTERN DECOMPRESS-COMMAND...
try() {
  pat=$1
  shift
  for off in $(LC_ALL=C grep -aboP "$pat" "$in" 2>/dev/null | cut -d: -f1); do
    tail -c +"$((off + 1))" "$in" | "$@" >"$tmp" 2>/dev/null || true
    if [ "$(head -c 4 "$tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
      mv "$tmp" "$out"
      exit 0
    fi
  done
}

try '\xfd7zXZ\x00' xz -dc --single-stream
try '\x28\xb5\x2f\xfd' zstd -dcq
try '\x1f\x8b\x08' gzip -dc
try '\x02\x21\x4c\x18' lz4 -dc
echo "extract-vmlinux: no ELF kernel found in $in (xz, zstd, gzip, lz4 tried)" >&2
exit 1
