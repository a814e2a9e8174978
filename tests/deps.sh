#!/bin/sh
# Installs, from Debian's archive, what hull needs to build and test.
# Idempotent and quiet when everything is there already.
set -e
# HULL_DEPS_PKGS replaces the list (contrib/quickstart.sh asks for fewer).
PKGS=${HULL_DEPS_PKGS:-"autoconf automake libtool pkg-config make gcc clang libseccomp-dev libcap-dev
libyajl-dev libmnl-dev libnftnl-dev libcmocka-dev bats busybox-static iproute2 util-linux jq
qemu-system-x86 procps psmisc libcap2-bin nftables passt slirp4netns uidmap attr
containerd runc podman conmon python3-grpcio dbus systemd valgrind libclang-rt-14-dev"}
[ -n "$HULL_EXTRA_PKGS" ] && PKGS="$PKGS $HULL_EXTRA_PKGS"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
