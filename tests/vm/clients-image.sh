#!/bin/sh
# clients-image.sh CACHEDIR: builds CACHEDIR/clients.cpio, appended after the
# base initramfs (and systemd.cpio) when tests/vm/clients*/ files run: the
# host's containerd 1.6 (containerd, ctr, the runc v2 shim), podman 4.3
# with conmon and /etc/containers/policy.json, GNU tar (the tests' image
# archives), and Debian's python3 with just the modules
# tests/clients/tasks_update.py loads (grpc: containerd's Tasks.Update),
# each ELF file with every library ldd lists. A missing engine is an error
# naming its package: the VM leg fails, it is never skipped. Rebuilt when
# this script or a package's version changes.
set -eu
cache=$1
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "clients-image.sh: $*" >&2; exit 1; }
PKGS="containerd podman conmon golang-github-containers-common tar python3-minimal python3-grpcio"
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    die "package $p is not installed: apt-get install $p (tests/deps.sh does)"
done
key=$({ cat "$0" "$here/image-lib.sh" "$here/../clients/tasks_update.py"
  dpkg-query -W $PKGS; } | cksum | cut -d' ' -f1)
[ -s "$cache/clients.cpio" ] && [ "$(cat "$cache/clients.key" 2>/dev/null)" = "$key" ] && exit 0

ir=$cache/clients.tmp
rm -rf "$ir"
mkdir -p "$ir"
IMG=$ir
. "$here/image-lib.sh"
img_usr_links
for b in containerd ctr containerd-shim-runc-v2 podman conmon tar; do
  f=$(command -v "$b") || die "$b not found in PATH"
  img_add "$f"
done
img_add /etc/containers/policy.json
img_add /usr/share/containers/containers.conf
# podman's blob-info cache goes to /var/lib/containers whatever --root says
# (tests/clients/podman-helpers.bash binds a temp dir there).
mkdir -p "$ir/var/lib/containers"

# python3: the interpreter and the files of every module loaded by
# importing grpc and making a call (to a socket that is not there: the
# error path loads what the call path does) -- the stdlib alone is 54 MB.
py=/usr/bin/python3
img_add "$py"
mods=$("$py" - <<'PY'
import json, sys
import grpc
with grpc.insecure_channel("unix:///nonexistent/hull-vm.sock") as ch:
    f = ch.unary_unary("/x.Y/Z", request_serializer=lambda b: b, response_deserializer=lambda b: b)
    try:
        f(b"", metadata=[("containerd-namespace", "x")], timeout=1)
    except grpc.RpcError as e:
        e.code(), e.details()
import os
seen = set()
for m in list(sys.modules.values()):
    for a in ("__file__", "__cached__"):
        p = getattr(m, a, None)
        if p and os.path.isfile(p):
            seen.add(os.path.realpath(p))
# Every codec: the one the locale names is loaded at start-up.
import encodings
d = os.path.dirname(encodings.__file__)
for n in os.listdir(d):
    if n.endswith(".py"):
        seen.add(os.path.join(d, n))
print("\n".join(sorted(seen)))
PY
) || die "python3 could not load grpc (apt-get install python3-grpcio)"
for f in $mods; do img_add "$f"; done
[ -n "$(find "$ir" -name 'cygrpc*.so' | head -n 1)" ] || die "grpc's cygrpc module did not get in"

img_cpio "$cache/clients.cpio"
echo "$key" >"$cache/clients.key"
rm -rf "$ir"
