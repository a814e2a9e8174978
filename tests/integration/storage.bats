#!/usr/bin/env bats
# storage/: rootfs, spec mounts, /dev, masked/readonly paths, checked from
# inside the container. The containers are made by storage-driver (a test
# program calling hull_rootfs_prepare/finish in fresh namespaces).
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  driver_setup
  H=$BATS_TEST_TMPDIR/host
  mkdir -p "$H"
}

teardown() {
  remove_test_cgroups "$B"
}

# "mountpoint fstype options" for every mount, from inside.
MOUNTS='awk "{for(i=1;i<=NF;i++) if(\$i==\"-\") print \$5, \$(i+1), \$6}" /proc/self/mountinfo'

@test "default mounts: each destination has the filesystem asked for" {
  run drive --defaults "$R" -- sh -c "$MOUNTS"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/proc proc rw"* ]]
  [[ "$output" == *"/dev tmpfs rw,nosuid"* ]]
  [[ "$output" == *"/dev/pts devpts rw,nosuid,noexec"* ]]
  [[ "$output" == *"/dev/shm tmpfs rw,nosuid,nodev,noexec"* ]]
  [[ "$output" == *"/dev/mqueue mqueue rw,nosuid,nodev,noexec"* ]]
  [[ "$output" == *"/sys sysfs ro,nosuid,nodev,noexec"* ]]
  [[ "$output" == *"/tmp tmpfs rw,nosuid,nodev"* ]]
  # the host's mounts are gone after pivot_root
  [[ "$output" != *"/tmp/hull-test-root"* ]]
  [ "$(echo "$output" | head -1 | cut -d' ' -f1)" = "/" ]
}

@test "a bundle's config.json through the spec parser: mounts, devices, masks" {
  echo vol >"$H/f"
  mkdir "$B/relsrc" && echo rel >"$B/relsrc/r"
  update_config "$B" '.mounts += [{"destination": "/vol", "type": "bind", "source": $h, "options": ["rbind", "ro", "nosuid"]},
      {"destination": "/rel", "type": "bind", "source": "relsrc", "options": ["bind"]}]
    | .linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 384, "uid": 3, "gid": 4}]
    | .linux.rootfsPropagation = "slave"' --arg h "$H"
  # relative bind sources are relative to the bundle, not the cwd
  cd /
  run drive --bundle "$B" -- sh -c "$MOUNTS | grep -E '^/(vol|proc/sys|sys) '; cat /vol/f /rel/r; stat -c '%F %t:%T %a %u:%g' /dev/fuse /proc/timer_list; touch /x 2>&1; true"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "/sys sysfs ro,nosuid,nodev,noexec"* ]]
  [[ "${lines[1]}" == "/vol ext4 ro,nosuid"* ]]
  [[ "${lines[2]}" == "/proc/sys proc ro"* ]]
  [ "${lines[3]}" = "vol" ]
  [ "${lines[4]}" = "rel" ]
  [ "${lines[5]}" = "character special file a:e5 600 3:4" ]
  [[ "${lines[6]}" == "character special file 1:3 "* ]]
  [[ "${lines[7]}" == *"Read-only file system"* ]]
}

@test "default devices: null zero full random urandom tty with their numbers" {
  run drive --defaults "$R" -- sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done'
  [ "$status" -eq 0 ]
  lines_are "/dev/null character special file 1:3 666" \
    "/dev/zero character special file 1:5 666" \
    "/dev/full character special file 1:7 666" \
    "/dev/random character special file 1:8 666" \
    "/dev/urandom character special file 1:9 666" \
    "/dev/tty character special file 5:0 666"
}

@test "/dev symlinks: ptmx, fd, stdin, stdout, stderr; /dev/pts is a new devpts" {
  run drive --defaults "$R" -- sh -c 'for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done; stat -c "%F %t:%T" /dev/pts/ptmx; ls /dev/pts | wc -l'
  [ "$status" -eq 0 ]
  # /dev/pts holds only ptmx: none of the host's ptys
  lines_are "pts/ptmx" \
    "/proc/self/fd" \
    "/proc/self/fd/0" \
    "/proc/self/fd/1" \
    "/proc/self/fd/2" \
    "character special file 5:2" \
    "1"
}

@test "root.readonly: / is read-only, tmpfs mounts stay writable" {
  run drive --defaults "$R" -- sh -c 'touch /x 2>&1; touch /tmp/y && echo tmp-ok'
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Read-only file system"* ]]
  [ "${lines[1]}" = "tmp-ok" ]
  [ ! -e "$R/x" ]
  run drive --defaults --rw-root "$R" -- sh -c 'touch /x && echo ok'
  [ "$output" = "ok" ]
  [ -e "$R/x" ]
}

@test "maskedPaths: a file gets /dev/null, a directory an empty read-only tmpfs" {
  run drive --defaults "$R" -- sh -c 'stat -c "%F %t:%T" /proc/timer_list; wc -c </proc/timer_list; ls -A /sys/firmware | wc -l; touch /sys/firmware/x 2>&1; stat -f -c %T /sys/firmware'
  [ "$status" -eq 0 ]
  lines_are "character special file 1:3" "0" "0"
  [[ "${lines[3]}" == *"Read-only file system"* ]]
  [ "${lines[4]}" = "tmpfs" ]
}

@test "readonlyPaths: /proc/sys is read-only, the rest of /proc is not" {
  run drive --defaults "$R" -- sh -c 'echo x >/proc/sys/kernel/hostname 2>&1; echo 0 >/proc/self/oom_score_adj && echo proc-rw'
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Read-only file system"* ]]
  [ "${lines[1]}" = "proc-rw" ]
}

@test "bind mounts: a read-only directory and a file, destinations created" {
  echo hello >"$H/file"
  mkdir "$H/dir" && echo in-dir >"$H/dir/f"
  run drive --defaults "$R" --mount /data/ro --type bind --source "$H/dir" --options bind,ro \
    --mount /etc/hostfile --source "$H/file" --options rbind -- \
    sh -c 'cat /data/ro/f; touch /data/ro/x 2>&1; cat /etc/hostfile'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "in-dir" ]
  [[ "${lines[1]}" == *"Read-only file system"* ]]
  [ "${lines[2]}" = "hello" ]
  [ ! -e "$H/dir/x" ]
}

@test "rbind: ro covers only the top mount, rro every submount" {
  mkdir -p "$H/top/sub"
  run unshare -m --propagation private sh -c "mount -t tmpfs tmpfs '$H/top/sub' &&
    '$DRIVER' --defaults '$R' --mount /a --source '$H/top' --options rbind,ro \
      --mount /b --source '$H/top' --options rbind,rro -- \
      sh -c 'touch /a/x 2>&1; touch /a/sub/x && echo a-sub-rw; touch /b/sub/y 2>&1; true'"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Read-only file system"* ]]
  [ "${lines[1]}" = "a-sub-rw" ]
  [[ "${lines[2]}" == *"Read-only file system"* ]]
}

@test "mount options: flags reach the mount, data reaches the filesystem" {
  run drive --defaults "$R" --mount /m --type tmpfs --source tmpfs \
    --options nosuid,nodev,noexec,noatime,nodiratime,mode=700,size=1m,uid=7 -- \
    sh -c "$MOUNTS | grep '^/m '; stat -c '%a %u' /m; df -k /m | tail -1"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "/m tmpfs rw,nosuid,nodev,noexec,noatime,nodiratime" ]]
  [ "${lines[1]}" = "700 7" ]
  [[ "${lines[2]}" == *" 1024 "* ]]
}

@test "superblock flags, nosymfollow, recursive attributes on a fresh mount, remount" {
  run drive --defaults "$R" --mount /m --type tmpfs --source tmpfs --options sync,dirsync,lazytime,nosymfollow,mand,silent,iversion \
    --mount /m2 --type tmpfs --source tmpfs --options rnoexec,rnosymfollow,rnoatime \
    --mount /m2 --type none --options remount,ro -- \
    sh -c "grep -E ' /m2? ' /proc/self/mountinfo | cut -d' ' -f5-"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/m rw,relatime,nosymfollow - tmpfs tmpfs rw,sync,dirsync,mand,lazytime" ]
  [ "${lines[1]}" = "/m2 ro,noexec,noatime,nosymfollow - tmpfs tmpfs rw" ]
}

@test "propagation options and rootfsPropagation" {
  run drive --defaults --propagation shared "$R" --mount /m --type tmpfs --source tmpfs --options private -- \
    sh -c 'awk "\$5==\"/\"" /proc/self/mountinfo; awk "\$5==\"/m\"" /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"shared:"* ]]
  [[ "${lines[1]}" != *"shared:"* ]]
  run drive --defaults "$R" --mount /m --type tmpfs --source tmpfs --options shared -- \
    sh -c 'awk "\$5==\"/\"" /proc/self/mountinfo; awk "\$5==\"/m\"" /proc/self/mountinfo'
  [[ "${lines[0]}" != *"shared:"* ]]
  [[ "${lines[1]}" == *"shared:"* ]]
}

@test "tmpcopyup: the image's directory content is copied into the tmpfs" {
  mkdir -p "$R/data/sub"
  echo image >"$R/data/sub/f"
  ln -s sub/f "$R/data/link"
  chmod 0710 "$R/data"
  run drive --defaults "$R" --mount /data --type tmpfs --source tmpfs --options tmpcopyup -- \
    sh -c 'stat -f -c %T /data; cat /data/sub/f; readlink /data/link; stat -c %a /data; echo new >/data/n && echo written'
  [ "$status" -eq 0 ]
  lines_are "tmpfs" "image" "sub/f" "710" "written"
  [ ! -e "$R/data/n" ]
}

@test "idmap: uidMappings/gidMappings remap the owners seen through a bind" {
  mkdir "$H/owned" && echo x >"$H/owned/f" && chown -R 1000:2000 "$H/owned"
  run drive --defaults "$R" --mount /owned --source "$H/owned" --options bind,idmap \
    --uidmap 1000:0:1 --gidmap 2000:0:1 -- sh -c 'stat -c "%u:%g" /owned/f; touch /owned/new && stat -c "%u:%g" /owned/new'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0:0" ]
  [ "${lines[1]}" = "0:0" ]
  # mappings are containerID(on disk) -> hostID(seen), as for runc: what
  # the container's root created belongs to 1000:2000 on the disk
  [ "$(stat -c %u:%g "$H/owned/new")" = "1000:2000" ]
}

@test "ridmap maps every submount, idmap only the top one; idmap needs mappings" {
  mkdir -p "$H/t/sub" && chown -R 1000:2000 "$H/t"
  run unshare -m --propagation private sh -c "mount -t tmpfs -o uid=1000,gid=2000 tmpfs '$H/t/sub' &&
    '$DRIVER' --defaults '$R' --mount /r --source '$H/t' --options rbind,ridmap --uidmap 1000:0:1 --gidmap 2000:0:1 \
      --mount /i --source '$H/t' --options rbind,idmap --uidmap 1000:0:1 --gidmap 2000:0:1 -- \
      stat -c '%n %u:%g' /r /r/sub /i /i/sub"
  [ "$status" -eq 0 ]
  lines_are "/r 0:0" "/r/sub 0:0" "/i 0:0" "/i/sub 1000:2000"
  run drive --defaults "$R" --mount /x --source "$H/t" --options bind,idmap -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"idmap needs uidMappings and gidMappings"* ]]
}

@test "linux.devices: node created with fileMode, uid and gid" {
  run drive --defaults "$R" --device /dev/fuse:c:10:229:0640:1:2 --device /dev/sub/loopx:b:7:200 -- \
    sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/fuse /dev/sub/loopx'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file a:e5 640 1:2" ]
  [ "${lines[1]}" = "block special file 7:c8 666 0:0" ]
}

@test "--no-pivot: MS_MOVE + chroot gives the same view" {
  run drive --defaults --no-pivot "$R" -- sh -c 'stat -c "%F %t:%T" /dev/null; touch /x 2>&1; ls /bin/busybox'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file 1:3" ]
  [[ "${lines[1]}" == *"Read-only file system"* ]]
  [ "${lines[2]}" = "/bin/busybox" ]
}

@test "console: /dev/console is the pty slave given" {
  run drive --defaults --console "$R" -- sh -c 'stat -c "%F %t" /dev/console'
  [ "$status" -eq 0 ]
  [ "$output" = "character special file 88" ] # 0x88 = 136, a pty slave
}

@test "user namespace: devices are bound from the host, sysfs is bound read-only" {
  run drive --defaults --userns "$R" -- sh -c "$MOUNTS | grep -E '^/(dev/null|sys) '; stat -c '%F %t:%T' /dev/null; touch /sys/x 2>&1; true"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "/sys sysfs ro,nosuid,nodev,noexec"* ]]
  [[ "${lines[1]}" == "/dev/null devtmpfs"* ]]
  [ "${lines[2]}" = "character special file 1:3" ]
  [[ "${lines[3]}" == *"Read-only file system"* ]]
}

@test "a user namespace storage was not told about (rootless podman): binds, read-only sysfs and cgroupfs" {
  run drive --defaults --userns-untold "$R" --mount /sys/fs/cgroup --type cgroup --source cgroup --options nosuid,noexec,nodev \
    --device /dev/fuse:c:10:229 -- \
    sh -c "$MOUNTS | grep -E '^/(dev/null|dev/fuse|sys|sys/fs/cgroup) '; stat -c '%F %t:%T' /dev/null /dev/fuse"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "/sys sysfs ro,nosuid,nodev,noexec"* ]]
  [[ "${lines[1]}" == "/sys/fs/cgroup tmpfs ro,nosuid,nodev,noexec"* ]]
  [[ "$output" == *"/dev/null devtmpfs"* ]]
  [[ "$output" == *"/dev/fuse devtmpfs"* ]]
  [[ "$output" == *"character special file 1:3"* ]]
  [[ "$output" == *"character special file a:e5"* ]]
}

@test "/dev bound from the host: no node created or removed there, console bound over the existing one" {
  # a stand-in for the host's /dev (never the real one in a test)
  mkdir "$H/dev"
  mknod -m 600 "$H/dev/console" c 5 1
  mknod -m 666 "$H/dev/null" c 1 3
  run unshare -m --propagation private "$DRIVER" --rw-root "$R" --mount /proc --type proc --source proc \
    --mount /dev --type bind --source "$H/dev" --options rbind --console -- \
    sh -c 'stat -c "%F %t" /dev/console; ls /dev | sort | tr "\n" " "'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file 88" ]
  [ "${lines[1]}" = "console null " ]
  [ "$(stat -c '%F %t:%T %a' "$H/dev/console")" = "character special file 5:1 600" ]
  [ "$(ls "$H/dev" | wc -l)" = "2" ]
}

@test "devices the config bind-mounts itself (rootless podman style) are kept" {
  run drive --defaults "$R" --mount /dev/null --type bind --source /dev/null --options bind \
    --mount /dev/ptmx --type bind --source /dev/null --options bind -- \
    sh -c "$MOUNTS | grep -E '^/dev/(null|ptmx) '; stat -c '%F %t:%T' /dev/null /dev/zero"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "/dev/null devtmpfs"* ]]
  [[ "${lines[1]}" == "/dev/ptmx devtmpfs"* ]]
  [ "${lines[2]}" = "character special file 1:3" ]
  [ "${lines[3]}" = "character special file 1:5" ]
}

@test "user namespace: console from the host's devpts, --no-pivot" {
  run drive --defaults --userns --console "$R" -- stat -c "%F %t" /dev/console
  [ "$status" -eq 0 ]
  [ "$output" = "character special file 88" ]
  run drive --defaults --userns --no-pivot "$R" -- sh -c 'stat -c "%F %t:%T" /dev/null; touch /x 2>&1; true'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file 1:3" ]
  [[ "${lines[1]}" == *"Read-only file system"* ]]
}

@test "cgroup mount with a cgroup namespace: one read-only mount per hierarchy" {
  run drive --defaults --cgroupns "$R" --mount /sys/fs/cgroup --type cgroup --source cgroup \
    --options nosuid,noexec,nodev,relatime,ro -- sh -c "$MOUNTS | grep /sys/fs/cgroup; ls /sys/fs/cgroup"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/sys/fs/cgroup tmpfs ro"* ]]
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = "cgroup2fs" ]; then
    [[ "$output" == *"/sys/fs/cgroup cgroup2 ro"* ]]
  else
    [[ "$output" == *"/sys/fs/cgroup/memory cgroup ro,nosuid,nodev,noexec"* ]]
    [[ "$output" == *"/sys/fs/cgroup/pids cgroup ro"* ]]
  fi
}

@test "cgroup mount with a cgroup namespace: no unified/ where the host has no cgroup2 there" {
  [ "$(stat -f -c %T /sys/fs/cgroup)" != "cgroup2fs" ] || skip "a pure cgroup v2 host"
  [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = "cgroup2fs" ] || skip "no cgroup2 at unified/ to cover"
  run drive --defaults --cgroupns "$R" --mount /sys/fs/cgroup --type cgroup --source cgroup \
    --options nosuid,noexec,nodev,relatime,ro -- sh -c "$MOUNTS | grep /sys/fs/cgroup"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/sys/fs/cgroup/unified cgroup2 ro"* ]]
  # unified/ covered by an empty tmpfs (as bench/run.sh does): a v1 host
  cat >"$BATS_TEST_TMPDIR/v1.sh" <<EOS
#!/bin/sh
mount -t tmpfs cover /sys/fs/cgroup/unified && exec "$DRIVER" "\$@"
EOS
  chmod +x "$BATS_TEST_TMPDIR/v1.sh"
  run unshare -m --propagation private "$BATS_TEST_TMPDIR/v1.sh" --defaults --cgroupns "$R" \
    --mount /sys/fs/cgroup --type cgroup --source cgroup --options nosuid,noexec,nodev,relatime,ro -- \
    sh -c "$MOUNTS | grep /sys/fs/cgroup"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/sys/fs/cgroup/memory cgroup ro"* ]]
  [[ "$output" != *"unified"* ]]
}

@test "cgroup mount on a cgroup v2 host (simulated in a private mount namespace)" {
  [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = "cgroup2fs" ] || skip "no cgroup2 mount to simulate a v2 host with"
  cat >"$BATS_TEST_TMPDIR/v2.sh" <<EOS
#!/bin/sh
mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup && exec "$DRIVER" "\$@"
EOS
  chmod +x "$BATS_TEST_TMPDIR/v2.sh"
  v2() {
    unshare -m --propagation private "$BATS_TEST_TMPDIR/v2.sh" --defaults "$@" "$R" \
      --mount /sys/fs/cgroup --type cgroup --source cgroup --options nosuid,noexec,nodev -- \
      sh -c "$MOUNTS | grep '^/sys/fs/cgroup ' | tail -1"
  }
  run v2 --cgroupns
  [ "$status" -eq 0 ]
  [[ "$output" == "/sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec"* ]]
  # without a cgroupns: only the container's own cgroup, read-only
  run v2
  [ "$status" -eq 0 ]
  [[ "$output" == "/sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec"* ]]
  # a user namespace owning its cgroupns may mount cgroup2 itself
  run v2 --userns --cgroupns
  [ "$status" -eq 0 ]
  [[ "$output" == "/sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec"* ]]
  # rootless without a cgroupns: the host's tree, read-only (CVE-2023-25809)
  run v2 --userns --rootless
  [ "$status" -eq 0 ]
  [[ "$output" == "/sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec"* ]]
}

@test "overlay mount entries" {
  mkdir -p "$H/lower" "$H/upper" "$H/work"
  echo low >"$H/lower/l"
  run drive --defaults "$R" --mount /ov --type overlay --source overlay \
    --options "lowerdir=$H/lower,upperdir=$H/upper,workdir=$H/work" -- \
    sh -c 'cat /ov/l; echo up >/ov/u && stat -f -c %T /ov'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "low" ]
  [ "$(cat "$H/upper/u")" = "up" ]
}

@test "overlay mount entries: layers in the rootfs resolved inside it, never through the image's symlinks" {
  mkdir -p "$R/layers/low" "$R/layers/up" "$R/layers/work" "$H/hostdir"
  echo in-image >"$R/layers/low/f"
  run drive --defaults --rw-root "$R" --mount /ov --type overlay --source overlay \
    --options "lowerdir=$R/layers/low,upperdir=$R/layers/up,workdir=$R/layers/work" -- \
    sh -c 'cat /ov/f; echo w >/ov/new'
  [ "$status" -eq 0 ]
  [ "$output" = "in-image" ]
  [ "$(cat "$R/layers/up/new")" = "w" ]
  # the image points its "upper layer" at a host directory: resolved in the
  # rootfs, the link's target is not there
  ln -s "$H/hostdir" "$R/evil"
  run drive --defaults --rw-root "$R" --mount /ov --type overlay --source overlay \
    --options "lowerdir=$R/layers/low,upperdir=$R/evil,workdir=$R/layers/work" -- \
    sh -c 'echo escaped >/ov/x'
  [ "$status" -ne 0 ]
  [[ "$output" == *"overlay mount /ov: upperdir $R/evil: No such file or directory"* ]]
  [ -z "$(ls -A "$H/hostdir")" ]
  ln -s ../../../../../../../../.. "$R/up"
  run drive --defaults --rw-root "$R" --mount /ov --type overlay --source overlay \
    --options "lowerdir=$R/layers/low:$R/up$H/hostdir,upperdir=$R/layers/up,workdir=$R/layers/work" -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"lowerdir $R/up$H/hostdir: No such file or directory"* ]]
  # made in a user namespace: userxattr added
  run drive --defaults --userns --rw-root "$R" --mount /ov --type overlay --source overlay \
    --options "lowerdir=$R/layers/low,upperdir=$H/upper2,workdir=$H/work2" -- \
    sh -c "grep ' /ov ' /proc/self/mountinfo"
  [ "$status" -ne 0 ]
  [[ "$output" == *"upperdir $H/upper2: No such file or directory"* ]]
  mkdir -p "$H/upper2" "$H/work2"
  run drive --defaults --userns --rw-root "$R" --mount /ov --type overlay --source overlay \
    --options "lowerdir=$R/layers/low,upperdir=$H/upper2,workdir=$H/work2" -- \
    sh -c "grep ' /ov ' /proc/self/mountinfo"
  [ "$status" -eq 0 ]
  [[ "$output" == *"userxattr"* ]]
}

@test "run.hull.rootfs.overlay: writes go to the state dir, the image is untouched" {
  S=$BATS_TEST_TMPDIR/state
  run drive --defaults --rw-root --annotation run.hull.rootfs.overlay= --overlay-dir "$S/overlay" "$R" -- \
    sh -c "echo new >/etc/new && rm /bin/ls && $MOUNTS | grep '^/ ' && cat /etc/new && ls /bin/ls 2>&1; true"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "/ overlay rw"* ]]
  [ "${lines[1]}" = "new" ]
  [[ "${lines[2]}" == *"No such file or directory"* ]]
  [ ! -e "$R/etc/new" ]
  [ -L "$R/bin/ls" ]
  [ "$(cat "$S/overlay/upper/etc/new")" = "new" ]
  # a layer list instead of the bundle's rootfs; root.readonly still applies
  mkdir -p "$H/l1/etc"
  echo top >"$H/l1/etc/layer"
  run drive --defaults --annotation "run.hull.rootfs.overlay=$H/l1:$R" --overlay-dir "$S/o2" "$R" -- \
    sh -c 'cat /etc/layer; touch /x 2>&1; true'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "top" ]
  [[ "${lines[1]}" == *"Read-only file system"* ]]
  run drive --defaults --annotation "run.hull.rootfs.overlay=lower=$H/none" --overlay-dir "$S/o3" "$R" -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"run.hull.rootfs.overlay: lower layer: $H/none: No such file or directory"* ]]
}

@test "run.hull.rootfs.overlay made inside a user namespace: userxattr, whiteouts and opaque dirs" {
  S=$BATS_TEST_TMPDIR/state
  mkdir -p "$R/data/sub"
  run drive --defaults --userns --rw-root --annotation run.hull.rootfs.overlay=true --overlay-dir "$S" "$R" -- \
    sh -c 'rm -r /data && mkdir /data && ls -A /data | wc -l; rm /bin/ls; grep " / / " /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [[ "${lines[1]}" == *" - overlay "*",userxattr"* ]]
  [ -d "$R/data/sub" ]
  [ -L "$R/bin/ls" ]
  # trusted.* is out of reach in a user namespace: user.overlay.* it is
  [ "$(getfattr --only-values -n user.overlay.opaque "$S/upper/data")" = y ]
  [ "$(stat -c '%F %t:%T' "$S/upper/bin/ls")" = "character special file 0:0" ]
}

@test "linux.mountLabel: applied with SELinux, a clear error without it" {
  if [ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" = "selinux" ]; then
    run drive --defaults --mount-label "system_u:object_r:container_file_t:s0:c1,c2" "$R" -- \
      sh -c "grep ' /tmp ' /proc/self/mountinfo"
    [ "$status" -eq 0 ]
    [[ "$output" == *"context=\"system_u:object_r:container_file_t:s0:c1,c2\""* ]]
  else
    run drive --defaults --mount-label "system_u:object_r:container_file_t:s0:c1,c2" "$R" -- true
    [ "$status" -ne 0 ]
    [[ "$output" == *"linux.mountLabel \"system_u:object_r:container_file_t:s0:c1,c2\": SELinux is not enabled on this host"* ]]
  fi
}

@test "errors name the mount and the option the kernel refused" {
  run drive --defaults "$R" --mount /m --type tmpfs --source tmpfs --options nosuid,bogus=1 -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"mounts[7] /m"* ]]
  [[ "$output" == *"tmpfs option bogus"* ]]
  # a source of our own that is surely missing (/nonexistent is the home
  # of nobody, _apt and messagebus: once it existed on this host)
  local absent=$BATS_TEST_TMPDIR/absent
  run drive --defaults "$R" --mount /m --type bind --source "$absent" --options bind -- true
  [ "$status" -ne 0 ]
  [[ "$output" == *"source $absent: No such file or directory"* ]]
}
