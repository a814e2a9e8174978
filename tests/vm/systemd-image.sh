#!/bin/sh
# systemd-image.sh CACHEDIR: builds CACHEDIR/systemd.cpio, appended after
# the base initramfs for the systemd leg (tests/vm/systemd/): the host's
# systemd (PID 1, systemctl, busctl) with every library ldd lists, and two
# units: hullvm.target pulls in hullvm-tests.service, a oneshot running
# the guest's test script (/vm/run), which powers the VM off at its end;
# and the user units a user manager (systemd --user) starts with.
# guest-init execs systemd when the kernel command line says
# hullvm.init=systemd. Rebuilt when this script or systemd's version change.
set -eu
cache=$1
die() { echo "systemd-image.sh: $*" >&2; exit 1; }
sd=/lib/systemd/systemd
[ -x "$sd" ] || die "$sd not found: apt-get install systemd"
here=$(cd "$(dirname "$0")" && pwd)
key=$({ cat "$0" "$here/image-lib.sh"; dpkg-query -W systemd 2>/dev/null; } | cksum | cut -d' ' -f1)
[ -s "$cache/systemd.cpio" ] && [ "$(cat "$cache/systemd.key" 2>/dev/null)" = "$key" ] && exit 0

ir=$cache/systemd.tmp
rm -rf "$ir"
mkdir -p "$ir"
IMG=$ir
. "$here/image-lib.sh"
img_usr_links
img_add "$sd"
img_add "$(command -v systemctl)"
img_add "$(command -v busctl)"
# systemd's own units for the slices and targets it always loads.
mkdir -p "$ir/usr/lib/systemd/system" "$ir/etc/systemd/system"
for u in -.slice system.slice user.slice machine.slice shutdown.target umount.target \
  final.target poweroff.target sysinit.target basic.target; do
  [ -f "/usr/lib/systemd/system/$u" ] && cp "/usr/lib/systemd/system/$u" "$ir/usr/lib/systemd/system/"
done
# A user manager (systemd --user) for the rootless test: its targets.
mkdir -p "$ir/usr/lib/systemd/user"
for u in default.target basic.target paths.target sockets.target timers.target shutdown.target \
  exit.target app.slice session.slice background.slice; do
  [ -f "/usr/lib/systemd/user/$u" ] && cp "/usr/lib/systemd/user/$u" "$ir/usr/lib/systemd/user/"
done
cat >"$ir/etc/systemd/system/hullvm.target" <<'U'
[Unit]
Description=hull VM tests
Wants=hullvm-tests.service
U
cat >"$ir/etc/systemd/system/hullvm-tests.service" <<'U'
[Unit]
Description=hull VM tests (bats)
DefaultDependencies=no
[Service]
Type=oneshot
Environment=HULLVM_SYSTEMD=1
ExecStart=/vm/run
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
TimeoutStartSec=infinity
U
: >"$ir/etc/machine-id"
img_cpio "$cache/systemd.cpio"
echo "$key" >"$cache/systemd.key"
rm -rf "$ir"
