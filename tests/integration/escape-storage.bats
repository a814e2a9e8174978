#!/usr/bin/env bats
# Known escapes in the storage area, each tried from a malicious image or
# config, each shown to fail. The containers are made by storage-driver
# (hull_rootfs_prepare/finish in fresh namespaces). A naive runtime (paths
# joined and followed on the host) fails these tests.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  driver_setup
  # a directory of the host the attacks aim at; must stay empty
  V=$BATS_TEST_TMPDIR/victim
  mkdir -p "$V"
  RACER=
}

teardown() {
  [ -n "$RACER" ] && kill "$RACER" 2>/dev/null && wait "$RACER" 2>/dev/null
  remove_test_cgroups "$B"
}

@test "CVE-2019-19921/CVE-2023-27561: /proc in the image is a symlink" {
  rm -rf "$R/proc"
  ln -s "$V" "$R/proc"
  run drive --defaults "$R" -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"/proc: is a symlink in the rootfs"* ]]
  [ -z "$(ls -A "$V")" ]
  # relative, climbing out
  rm "$R/proc"
  ln -s ../../../../../../../../.."$V" "$R/proc"
  run drive --defaults "$R" -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"/proc: is a symlink in the rootfs"* ]]
  [ -z "$(ls -A "$V")" ]
}

@test "CVE-2019-19921: /sys in the image is a symlink" {
  rm -rf "$R/sys"
  ln -s "$V" "$R/sys"
  run drive --defaults "$R" -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"/sys: is a symlink in the rootfs"* ]]
  [ -z "$(ls -A "$V")" ]
}

@test "CVE-2021-30465: a mount destination symlink to a host path stays inside the rootfs" {
  mkdir -p "$R/mnt" "$R$V"
  ln -s "$V" "$R/mnt/abs"
  ln -s ../../../../../../../../.."$V" "$R/mnt/rel"
  # (no /tmp tmpfs here: the victim path is under /tmp on the host)
  run drive --rw-root "$R" --mount /mnt/abs/a/b --type tmpfs --source tmpfs \
    --mount /mnt/rel/c --type tmpfs --source tmpfs -- \
    sh -c 'stat -f -c %T /mnt/abs/a/b /mnt/rel/c; touch /mnt/abs/a/b/x /mnt/rel/c/y && echo ok'
  [ "$status" -eq 0 ]
  lines_are "tmpfs" "tmpfs" "ok"
  # nothing created or mounted on the host: the symlinks resolved in the rootfs
  [ -z "$(ls -A "$V")" ]
  [ -d "$R$V/a/b" ]
  [ -d "$R$V/c" ]
  # a symlink dangling inside the rootfs is an error, never a host path
  rm -rf "$R$V"
  run drive --rw-root "$R" --mount /mnt/abs/d --type tmpfs --source tmpfs -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"mnt/abs in the rootfs: No such file or directory"* ]]
  [ -z "$(ls -A "$V")" ]
}

@test "CVE-2021-30465: a bind mount destination swapped for a symlink during setup" {
  mkdir -p "$B/src"
  echo data >"$B/src/f"
  # the racer flips /vol between a directory holding x and a symlink to the host
  ( set +e; while :; do
      rm -rf "$R/vol.new"; mkdir -p "$R/vol.new/x"; mv -T "$R/vol.new" "$R/vol"
      rm -rf "$R/vol.lnk"; ln -s "$V" "$R/vol.lnk"; mv -T "$R/vol.lnk" "$R/vol"
    done ) 2>/dev/null &
  RACER=$!
  ok=0
  for i in $(seq 1 40); do
    out=$(drive --rw-root "$R" --mount /vol/x --type bind --source "$B/src" --options bind -- cat /vol/x/f 2>&1) || continue
    [ "$out" = "data" ]
    ok=$((ok + 1))
  done
  kill "$RACER"
  wait "$RACER" 2>/dev/null || true
  RACER=
  # every run either refused or bound inside the rootfs; the host got nothing
  [ -z "$(ls -A "$V")" ]
  echo "runs that won the race and mounted: $ok/40"
}

@test "CVE-2019-16884: a volume over /proc is refused" {
  mkdir -p "$B/fakeproc/self/attr"
  run drive --defaults "$R" --mount /proc --type bind --source "$B/fakeproc" --options rbind -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"only procfs may be mounted over /proc"* ]]
  run drive --defaults "$R" --mount /proc/self/attr --type tmpfs --source tmpfs -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"only procfs may be mounted over /proc"* ]]
  run drive --defaults "$R" --mount /proc --type tmpfs --source tmpfs -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"only procfs may be mounted over /proc"* ]]
  # lxcfs-style single files stay possible
  echo "MemTotal: 1 kB" >"$B/meminfo"
  run drive --defaults "$R" --mount /proc/meminfo --type bind --source "$B/meminfo" --options bind -- cat /proc/meminfo
  [ "$status" -eq 0 ]
  [ "$output" = "MemTotal: 1 kB" ]
}

@test "CVE-2024-45310: racing mkdir cannot create directories outside the rootfs" {
  # a racer flips /race between a directory and a symlink to the host
  ( set +e; while :; do
      rm -rf "$R/race.new"; mkdir "$R/race.new"; mv -T "$R/race.new" "$R/race"
      rm -rf "$R/race.lnk"; ln -s "$V" "$R/race.lnk"; mv -T "$R/race.lnk" "$R/race"
    done ) 2>/dev/null &
  RACER=$!
  for i in $(seq 1 60); do
    drive --rw-root "$R" --mount /race/a/b/c --type tmpfs --source tmpfs -- true >/dev/null 2>&1 || true
  done
  kill "$RACER"
  wait "$RACER" 2>/dev/null || true
  RACER=
  [ -z "$(ls -A "$V")" ]
}

@test "CVE-2025-31133: maskedPaths with the container's /dev/null swapped for a symlink" {
  # between mounting and masking, the container's /dev/null becomes a
  # symlink to a writable procfs file; masking must still use a real null
  run drive --defaults "$R" --between 'rm -f "$ROOTFS/dev/null" && ln -s /proc/sys/kernel/hostname "$ROOTFS/dev/null"' -- \
    sh -c 'stat -c "%F %t:%T" /proc/timer_list /proc/keys; wc -c </proc/timer_list'
  [ "$status" -eq 0 ]
  lines_are "character special file 1:3" "character special file 1:3" "0"
}

@test "CVE-2025-52565: /dev/console in the image is a symlink" {
  # no /dev tmpfs: the image's own /dev is used
  mkdir -p "$R/dev"
  echo secret >"$R/etc/victim"
  ln -s /etc/victim "$R/dev/console"
  run drive --rw-root "$R" --mount /proc --type proc --source proc --console -- \
    sh -c 'stat -c "%F %t" /dev/console; stat -c %F /etc/victim; cat /etc/victim'
  [ "$status" -eq 0 ]
  lines_are "character special file 88" "regular file" "secret"
  # and no pty was bound over a host file through an absolute symlink
  rm -f "$R/dev/console"
  echo host-secret >"$V/file"
  ln -s "$V/file" "$R/dev/console"
  run drive --rw-root "$R" --mount /proc --type proc --source proc --console -- stat -c "%F %t" /dev/console
  [ "$status" -eq 0 ]
  [ "$output" = "character special file 88" ]
  [ "$(cat "$V/file")" = "host-secret" ]
}

@test "CVE-2025-52565: /dev/pts in the image is a symlink (the console is never looked up there)" {
  mkdir -p "$R/dev" "$R/etc/pts-target"
  rm -rf "$R/dev/pts"
  ln -s /etc/pts-target "$R/dev/pts"
  run drive --rw-root "$R" --mount /proc --type proc --source proc --console -- \
    sh -c 'stat -c "%F %t" /dev/console; ls -A /etc/pts-target | wc -l'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file 88" ]
  [ "${lines[1]}" = "0" ]
  [ -z "$(ls -A "$V")" ]
  # a devpts mount whose destination is that symlink lands inside the rootfs
  run drive --rw-root "$R" --mount /proc --type proc --source proc \
    --mount /dev/pts --type devpts --source devpts --options newinstance,ptmxmode=0666 --console -- \
    sh -c 'stat -c "%F %t" /dev/console; stat -f -c %T /etc/pts-target'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file 88" ]
  [ "${lines[1]}" = "devpts" ]
}

@test "CVE-2026-41579: /dev in the image is a symlink, no node is created on the host" {
  rm -rf "$R/dev"
  ln -s "$V" "$R/dev"
  run drive --rw-root "$R" --mount /proc --type proc --source proc -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"/dev: is a symlink in the rootfs"* ]]
  run drive --defaults "$R" -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"/dev: is a symlink in the rootfs"* ]]
  [ -z "$(ls -A "$V")" ]
  # a device whose parent directory is a symlink stays in the rootfs
  rm "$R/dev"
  mkdir -p "$R/dev" "$R$V"
  ln -s "$V" "$R/dev/evil"
  run drive --rw-root "$R" --mount /proc --type proc --source proc --device /dev/evil/null2:c:1:3 -- stat -c "%F %t:%T" /dev/evil/null2
  [ "$status" -eq 0 ]
  [ "$output" = "character special file 1:3" ]
  [ -z "$(ls -A "$V")" ]
  [ -c "$R$V/null2" ]
}

@test "CVE-2023-25809: rootless cgroupfs and sysfs are read-only binds" {
  run drive --defaults --userns --rootless "$R" --mount /sys/fs/cgroup --type cgroup --source cgroup \
    --options nosuid,noexec,nodev,relatime -- \
    sh -c 'awk "\$5 ~ \"^/sys\" {print \$5, \$6}" /proc/self/mountinfo; touch /sys/fs/cgroup/x /sys/kernel/x 2>&1; true'
  [ "$status" -eq 0 ]
  [[ "$output" == *"/sys ro,"* ]]
  [[ "$output" == *"/sys/fs/cgroup ro,"* ]]
  # every mount under /sys is read-only, submounts included
  [ -z "$(echo "$output" | grep '^/sys' | grep -v ' ro,')" ]
  [[ "$output" == *"/sys/fs/cgroup/x: Read-only file system"* ]]
}
