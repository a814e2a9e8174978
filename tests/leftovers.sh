#!/bin/sh
# What the test suite may leave on the host, so that tests/run.sh can show
# it left the host as it found it.
#
#   tests/leftovers.sh snapshot FILE   record the host's state in FILE
#   tests/leftovers.sh clean FILE      remove the empty /hull-test parent
#                                      cgroups (only those, only if empty),
#                                      and the rootless test user when FILE
#                                      shows it did not exist before
#   tests/leftovers.sh check FILE      print what is there now and was not
#                                      in FILE; exit 1 if anything is
#
# The state is one line per thing: test cgroups (any hierarchy), mount
# points, network namespaces, host links, nftables tables, hull state dirs
# under /run/hull, test dirs in /tmp, loop devices, users with their
# subordinate ids, and processes of the rootless test user.
set -u
HULL_RL_USER=${HULL_RL_USER:-hulltest}

# Test parents: /hull-test in every hierarchy (v1 controllers, the v2
# mount) and the nested /hull-test some tests make below their own cgroup.
test_cgroups() {
  find /sys/fs/cgroup -maxdepth 8 -type d -name 'hull-test*' 2>/dev/null |
    while read -r d; do find "$d" -type d; done
}

state() {
  test_cgroups | sed 's/^/cgroup /'
  # (/run/netns: `ip netns add` binds it onto itself once, for good)
  awk '$5 != "/run/netns" { print "mount " $5 }' /proc/self/mountinfo
  ip netns list 2>/dev/null | awk '{ print "netns " $1 }'
  ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print "link " $2 }'
  nft list tables 2>/dev/null | sed 's/^table /nft /'
  [ -d /run/hull ] && find /run/hull -maxdepth 1 | sed 's/^/state /'
  find /tmp /var/tmp -mindepth 1 -maxdepth 1 \( -name 'hull*' -o -name 'bats-run-*' -o \
    -name 'bats.*' -o -name 'podman*' -o -name 'containers-user-*' -o -name 'containerd*' \) \
    2>/dev/null | sed 's/^/tmp /'
  losetup -n -O NAME 2>/dev/null | sed 's/^/loop /'
  cut -d: -f1 /etc/passwd | sed 's/^/user /'
  cat /etc/subuid /etc/subgid 2>/dev/null | cut -d: -f1 | sort -u | sed 's/^/subid /'
  if id -u "$HULL_RL_USER" >/dev/null 2>&1; then
    ps -o pid=,args= -u "$HULL_RL_USER" 2>/dev/null | sed 's/^ */process /'
  fi
}

# rmdir removes a cgroup only when it has neither children nor tasks, so
# this never touches a live container's cgroup; deepest first. The test
# user (tests/integration/rootless_helpers.bash makes it and keeps it for
# the next file) goes when this run made it.
clean() {
  test_cgroups | sort -r | while read -r d; do rmdir "$d" 2>/dev/null; done
  if ! grep -qx "user $HULL_RL_USER" "$1" && id -u "$HULL_RL_USER" >/dev/null 2>&1; then
    userdel -r "$HULL_RL_USER" 2>/dev/null || userdel "$HULL_RL_USER"
    for f in /etc/subuid /etc/subgid; do
      [ -f "$f" ] && sed -i "/^$HULL_RL_USER:/d" "$f"
    done
  fi
  return 0
}

case "${1:-}" in
snapshot)
  state | sort -u >"$2"
  ;;
clean)
  clean "$2"
  ;;
check)
  new=$(state | sort -u | comm -13 "$2" -)
  if [ -n "$new" ]; then
    echo "left on the host by the tests (not there before):"
    echo "$new" | sed 's/^/  /'
    exit 1
  fi
  echo "nothing left on the host"
  ;;
*)
  echo "usage: $0 snapshot FILE | clean FILE | check FILE" >&2
  exit 2
  ;;
esac
