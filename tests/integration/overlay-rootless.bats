#!/usr/bin/env bats
# The copy-on-write rootfs run by an unprivileged user (rootless hull): the
# shim mounts the overlay inside the container's user namespace, with
# userxattr; the user's bundle rootfs is never written.
load helpers
load rootless_helpers

setup_file() { rl_setup_file; }
teardown_file() { rl_teardown_file; }

setup() {
  grep -qw overlay /proc/filesystems || skip "overlayfs is not available"
  ID=rlovl-$$-$RANDOM
}

teardown() {
  rl_hull delete --force "$ID" >/dev/null 2>&1 || true
}

manifest() {
  (cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %C@ %l\n' | LC_ALL=C sort &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# rootless_overlay KIND: the container's process writes, deletes, renames
# (whiteouts, an opaque dir) on a bundle made by rl_make_bundle KIND.
rootless_overlay() {
  B=$(rl_make_bundle "ovl-$RANDOM" "$1")
  R=$B/rootfs
  before=$(manifest "$R")
  rl_update_config "$B" '.root.readonly = false | .process.args = ["sh", "-c", $c]' --arg c \
    'echo new >/etc/new && rm /bin/ls && mv /etc/group /etc/g2 && rm -r /root && mkdir /root &&
     cat /etc/new; ls /bin/ls 2>&1; head -n 1 /etc/g2; ls -A /root | wc -l; grep " / / " /proc/self/mountinfo'
  run rl_hull run --overlay -b "$B" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "new" ]
  [[ "${lines[1]}" == *"/bin/ls: No such file or directory" ]]
  [ "${lines[2]}" = "root:x:0:" ]
  [ "${lines[3]}" = "0" ]
  [[ "${lines[4]}" == *" - overlay "*"userxattr"* ]]
  [ "$(manifest "$R")" = "$before" ]
  [ ! -e "$RL_DIR/run/hull/$ID" ]
}

@test "rootless --overlay: writes, whiteouts and renames stay out of the user's bundle" {
  rootless_overlay uid
}

@test "rootless --overlay with subordinate id ranges (newuidmap): the same" {
  command -v newuidmap >/dev/null || skip "newuidmap (uidmap) missing"
  rootless_overlay ranges
}

@test "rootless --overlay=upper=: kept in the user's directory across containers" {
  B=$(rl_make_bundle "ovl-$RANDOM")
  R=$B/rootfs
  UP=$RL_DIR/keep/upper
  rl_update_config "$B" '.root.readonly = false | .process.args = ["sh", "-c", "echo kept >/etc/kept"]'
  run rl_hull run --overlay="upper=$UP" -b "$B" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(stat -c %U "$UP/etc/kept")" = "$HULL_RL_USER" ]
  [ ! -e "$UP.work" ]
  rl_update_config "$B" '.process.args = ["cat", "/etc/kept"]'
  run rl_hull run --overlay="upper=$UP" -b "$B" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "kept" ]
  [ ! -e "$R/etc/kept" ]
}
