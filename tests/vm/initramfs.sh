#!/bin/sh
# initramfs.sh CACHEDIR: builds CACHEDIR/base.cpio, the part of the VM's
# initramfs that does not change between runs: busybox, bash, bats, jq,
# coreutils and the other tools the tests call (host binaries with every
# library ldd lists, at their host paths), the kernel modules and the init
# scripts. Uncompressed: the kernel unpacks it faster than it decompresses.
# The per-run payload (hull, the tests) is a second cpio appended to it.
# Rebuilt only when this script, the guest scripts or the kernel changed.
set -eu
cache=$1
here=$(cd "$(dirname "$0")" && pwd)
# Debian packages whose programs go in (bats also brings its libexec/).
PKGS=${HULL_VM_PKGS:-"bash bats busybox-static coreutils diffutils findutils grep
mawk sed util-linux mount iproute2 jq procps psmisc libcap2-bin passwd uidmap"}

die() { echo "initramfs.sh: $*" >&2; exit 1; }
# Keyed on these scripts, the kernel and the versions of the packages copied.
key=$({ cat "$0" "$here/image-lib.sh" "$here/guest-init" "$here/guest-run" "$cache/kernel/version" \
  "$here/../integration/rootfs-template.sh"
  dpkg-query -W $PKGS 2>/dev/null; } | cksum | cut -d' ' -f1)
[ -s "$cache/base.cpio" ] && [ "$(cat "$cache/base.key" 2>/dev/null)" = "$key" ] && exit 0

command -v busybox >/dev/null || die "busybox not found: apt-get install busybox-static"
ir=$cache/base.tmp
rm -rf "$ir"
mkdir -p "$ir"
IMG=$ir
. "$here/image-lib.sh"
img_usr_links
for pkg in $PKGS; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
    { echo "initramfs.sh: $pkg not installed, left out" >&2; continue; }
  for f in $(dpkg -L "$pkg"); do
    case $f in
    /bin/* | /sbin/* | /usr/bin/* | /usr/sbin/* | /usr/lib/bats-core/* | /usr/libexec/bats-core/*)
      [ -d "$f" ] || img_add "$f" ;;
    esac
  done
done
[ -x "$ir/bin/busybox" ] || [ -x "$ir/usr/bin/busybox" ] || die "busybox did not get in"

# Busybox applets for whatever Debian's tools did not bring.
bb=$(command -v busybox)
for a in $(busybox --list); do
  [ -e "$ir/usr/bin/$a" ] || [ -e "$ir/usr/sbin/$a" ] || [ -e "$ir/bin/$a" ] ||
    [ -e "$ir/sbin/$a" ] || ln -s "$(readlink -f "$bb")" "$ir/usr/bin/$a" 2>/dev/null || true
done

mkdir -p "$ir/proc" "$ir/sys" "$ir/dev" "$ir/tmp" "$ir/run" "$ir/root" \
  "$ir/etc" "$ir/mnt" "$ir/var/tmp" "$ir/vm/modules"
chmod 1777 "$ir/tmp" "$ir/var/tmp"
cat >"$ir/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PW
cat >"$ir/etc/group" <<'GR'
root:x:0:
tty:x:5:
nogroup:x:65534:
GR
echo hullvm >"$ir/etc/hostname"
: >"$ir/etc/fstab"
cp "$cache"/kernel/modules/*.ko "$cache/kernel/modules.list" "$ir/vm/modules/"
# The integration tests' busybox rootfs, made once here (guest-run points
# HULL_ROOTFS_TEMPLATE at it): inside the VM it costs 25-40 s per bats file.
sh "$here/../integration/rootfs-template.sh" "$ir/vm/rootfs-template"
cp "$here/guest-init" "$ir/init"
cp "$here/guest-run" "$ir/vm/run"
chmod 755 "$ir/init" "$ir/vm/run"

img_cpio "$cache/base.cpio" base
echo "$key" >"$cache/base.key"
rm -rf "$ir"
