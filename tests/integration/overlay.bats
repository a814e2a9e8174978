#!/usr/bin/env bats
# The copy-on-write rootfs (create/run --overlay, annotation
# run.hull.rootfs.overlay) through real containers: the bundle's rootfs is
# never written, layers stack in order, upper= keeps changes, many
# containers share one image, and nothing is left after a crash.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  require_root
  grep -qw overlay /proc/filesystems || skip "overlayfs is not available"
  # 0755 (not bats' 0700 tmp dirs): a mapped root must reach the bundle
  T=$(mktemp -d /tmp/hull-overlay.XXXXXX)
  chmod 755 "$T"
  BUNDLE=$T/bundle
  ID=ovl-$$-$RANDOM
  make_bundle "$BUNDLE"
  R=$BUNDLE/rootfs
  update_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "network")) | .root.readonly = false'
}

teardown() {
  local b id
  for id in "$ID" $(hull list -q 2>/dev/null); do hull delete --force "$id" >/dev/null 2>&1; done
  for b in "$BUNDLE" "$T"/many/b*; do [ -e "$b/.cgname" ] && remove_test_cgroups "$b"; done
  rm -rf "$T"
}

# set_cmd CMD: the container runs sh -c CMD.
set_cmd() {
  update_config "$BUNDLE" '.process.args = ["sh", "-c", $c]' --arg c "$1"
}

# Every entry of a tree with type, mode, owner, size, mtime, ctime and link
# target, then the sha256 of every file: equal manifests = an untouched tree.
manifest() {
  (cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %C@ %l\n' | LC_ALL=C sort &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# No process on the host has a mount of anything under DIR.
no_mounts_of() {
  ! grep -ls -- "$1" /proc/[0-9]*/mountinfo
}

MOUNTS='awk "{for(i=1;i<=NF;i++) if(\$i==\"-\") print \$5, \$(i+1), \$6, \$(i+3)}" /proc/self/mountinfo'

@test "--overlay: writes, deletes and renames (lower files too) leave the bundle rootfs byte-identical" {
  rm -rf "$R/tmp" "$R/sys" # mount points: made in the upper layer, not the image
  mkdir -p "$R/data/sub"
  echo lower >"$R/data/sub/f"
  echo keep >"$R/data/keep"
  before=$(manifest "$R")
  set_cmd 'echo new >/etc/new && echo more >>/etc/passwd && rm /bin/ls && mv /etc/group /etc/group.moved &&
    mv /data /data2 && rm -r /data2/sub && mkdir /data2/sub && chmod 700 /etc && ln -s x /etc/link &&
    cat /etc/new; tail -n 1 /etc/passwd; ls /bin/ls 2>&1; cat /etc/group.moved | head -n 1; cat /data2/keep;
    ls -A /data2/sub | wc -l; stat -c %a /etc; '"$MOUNTS"' | grep "^/ "'
  run hull run --overlay -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "new" ]
  [ "${lines[1]}" = "more" ]
  [[ "${lines[2]}" == *"/bin/ls: No such file or directory" ]]
  [ "${lines[3]}" = "root:x:0:" ]
  [ "${lines[4]}" = "keep" ]
  [ "${lines[5]}" = "0" ]
  [ "${lines[6]}" = "700" ]
  [[ "${lines[7]}" == "/ overlay rw,"* ]]
  [[ "${lines[7]}" == *"volatile"* ]] # the state dir's upper needs no syncs
  [ "$(manifest "$R")" = "$before" ]
  [ ! -e "$HULL_TEST_ROOT/$ID" ]
  # the next container starts from the pristine image
  set_cmd 'test -e /etc/new || echo no-new; test -L /bin/ls && echo ls-ok; cat /data/sub/f; stat -c %a /etc'
  run hull run --overlay=true -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  lines_are "no-new" "ls-ok" "lower" "755"
  [ "$(manifest "$R")" = "$before" ]
}

@test "--overlay: whiteouts go to the state dir; delete --force of a running container leaves no mount or dir" {
  before=$(manifest "$R")
  # a tree deeper than the remover's fd budget, with dirs locked by mode
  set_cmd 'd=/deep; for i in $(seq 120); do d=$d/x; done; mkdir -p $d/y && touch $d/y/f &&
    chmod 000 $d/y /deep/x/x && rm /bin/ls && echo w >/etc/w && exec sleep 100'
  hull run -d --overlay -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  U=$HULL_TEST_ROOT/$ID/rootfs-overlay/upper
  for i in $(seq 50); do [ -e "$U/etc/w" ] && break; sleep 0.1; done
  [ "$(cat "$U/etc/w")" = "w" ]
  [ "$(stat -c '%F %t:%T' "$U/bin/ls")" = "character special file 0:0" ]
  pid=$(hull state "$ID" | jq -r .pid)
  grep -q "upperdir=$U" "/proc/$pid/mountinfo"
  # the mount exists in the container's mount namespace only
  ! grep -q "$HULL_TEST_ROOT/$ID" /proc/self/mountinfo
  [ "$(hull state "$ID" | jq -r '.annotations["run.hull.rootfs.overlay"]')" = "true" ]
  hull delete --force "$ID"
  [ ! -e "$HULL_TEST_ROOT/$ID" ]
  ! kill -0 "$pid" 2>/dev/null
  no_mounts_of "$HULL_TEST_ROOT/$ID/"
  [ "$(manifest "$R")" = "$before" ]
}

@test "--overlay=lower=: three layers stack top first, whiteouts of upper layers hide lower files" {
  L=$T/layers
  mkdir -p "$L/l1/etc" "$L/l2/etc"
  cp -a "$R" "$L/l3"
  for f in a b c; do echo l3 >"$L/l3/etc/$f"; done
  echo l2 >"$L/l2/etc/a"
  mknod "$L/l2/etc/b" c 0 0 # l2 hides l3's b
  echo l2 >"$L/l2/etc/d"
  echo l1 >"$L/l1/etc/a"
  echo l1 >"$L/l1/etc/c"
  mknod "$L/l1/etc/d" c 0 0 # l1 hides l2's d
  before=$(manifest "$L")
  # root.path is only the mount point
  rm -rf "$R"
  mkdir "$R"
  set_cmd 'for f in a b c d; do echo "$f=$(cat /etc/$f 2>/dev/null || echo none)"; done; rm /etc/a /etc/c; echo x >/etc/b; ls /etc | grep -c "^[abcd]$"'
  run hull run --overlay="lower=$L/l1:$L/l2:$L/l3" -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  lines_are "a=l1" "b=none" "c=l1" "d=none" "1"
  [ "$(manifest "$L")" = "$before" ]
  [ -z "$(ls -A "$R")" ]
  # the same through the annotation, in its first form (a bare layer list)
  update_config "$BUNDLE" '.annotations["run.hull.rootfs.overlay"] = $v' --arg v "$L/l2:$L/l3"
  set_cmd 'cat /etc/a /etc/d; cat /etc/b 2>/dev/null || echo no-b'
  run hull run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'l2\nl2\nno-b')" ]
}

@test "--overlay=upper=: changes are kept across two containers, the work dir goes at delete" {
  before=$(manifest "$R")
  UP=$T/keep/upper
  set_cmd 'echo first >/etc/kept && rm /bin/ls'
  run hull run --overlay="upper=$UP" -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$(cat "$UP/etc/kept")" = "first" ]
  [ ! -e "$UP.work/$ID" ]
  [ ! -e "$UP.work" ]
  set_cmd 'cat /etc/kept; ls /bin/ls 2>&1; echo second >>/etc/kept'
  run hull run --overlay="volatile,upper=$UP" -b "$BUNDLE" "$ID-2"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "first" ]
  [[ "${lines[1]}" == *"No such file or directory" ]]
  [ "$(cat "$UP/etc/kept")" = "$(printf 'first\nsecond')" ]
  [ "$(manifest "$R")" = "$before" ]
  # a kept upper layer shows in the container's mount options
  set_cmd "$MOUNTS | grep '^/ '"
  run hull run --overlay="upper=$UP,volatile" -b "$BUNDLE" "$ID"
  [[ "$output" == "/ overlay rw,"*"upperdir=$UP,workdir=$UP.work/$ID,"*"volatile"* ]]
}

@test "--overlay: 50 containers share one lower directory at the same time" {
  IMG=$T/image
  cp -a "$R" "$IMG"
  before=$(manifest "$IMG")
  mkdir -p "$T/many"
  for i in $(seq 50); do
    b=$T/many/b$i
    mkdir -p "$b"
    echo "ovl50-$$-$i" >"$b/.cgname"
    jq --arg cg "/hull-test/ovl50-$$-$i" --arg img "$IMG" --arg i "$i" \
      '.linux.cgroupsPath = $cg | .root.path = $img |
       .process.args = ["sh", "-c", "echo " + $i + " >/etc/who && rm /bin/ls && sleep 1 && cat /etc/who && ls /bin/ls 2>&1 | wc -l"]' \
      "$BUNDLE/config.json" >"$b/config.json"
  done
  for i in $(seq 50); do
    (hull run --overlay -b "$T/many/b$i" "ovl50-$$-$i" >"$T/many/out$i" 2>&1; echo $? >"$T/many/rc$i") &
  done
  wait
  for i in $(seq 50); do
    [ "$(cat "$T/many/rc$i")" = 0 ] || { cat "$T/many/out$i"; false; }
    [ "$(cat "$T/many/out$i")" = "$(printf '%s\n1' "$i")" ] || { cat "$T/many/out$i"; false; }
    [ ! -e "$HULL_TEST_ROOT/ovl50-$$-$i" ]
  done
  [ "$(manifest "$IMG")" = "$before" ]
  no_mounts_of "$IMG"
}

@test "--overlay with root.readonly: a read-only overlay refuses writes" {
  before=$(manifest "$R")
  update_config "$BUNDLE" '.root.readonly = true'
  set_cmd "touch /x 2>&1; rm /bin/ls 2>&1; $MOUNTS | grep '^/ '"
  run hull run --overlay -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"/x: Read-only file system" ]]
  [[ "${lines[1]}" == *"Read-only file system" ]]
  [[ "${lines[2]}" == "/ overlay ro,"* ]]
  [ "$(manifest "$R")" = "$before" ]
}

@test "--overlay: after kill -9 of hull mid-create, delete --force removes every mount and directory" {
  before=$(manifest "$R")
  # hull waits on a createContainer hook: the shim has the overlay mounted
  update_config "$BUNDLE" '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", $c]}]' \
    --arg c "touch $T/hook.ready; exec sleep 60"
  set_cmd 'echo never'
  # ("$HULL" itself, not the hull function: $! must be hull, not a subshell
  # around it, or the kill below misses it and delete just waits for the
  # create to finish)
  "$HULL" --root "$HULL_TEST_ROOT" create --overlay -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 3>&- &
  hpid=$!
  for i in $(seq 100); do [ -e "$T/hook.ready" ] && break; sleep 0.1; done
  pid=$(jq -r .pid "$HULL_TEST_ROOT/$ID/state.json")
  grep -q "$HULL_TEST_ROOT/$ID/rootfs-overlay" "/proc/$pid/mountinfo"
  kill -9 "$hpid"
  wait "$hpid" || true
  [ -d "$HULL_TEST_ROOT/$ID/rootfs-overlay/upper" ]
  run hull delete --force "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ ! -e "$HULL_TEST_ROOT/$ID" ]
  ! kill -0 "$pid" 2>/dev/null
  no_mounts_of "$HULL_TEST_ROOT/$ID/"
  [ "$(manifest "$R")" = "$before" ]
}

@test "--overlay in a user namespace mapped to 100000: idmapped lower layer, copy-up as the container's root" {
  before=$(manifest "$R")
  map_userns "$BUNDLE"
  set_cmd 'stat -c %u:%g /etc/passwd; echo x >>/etc/passwd && stat -c %u:%g /etc/passwd; rm /bin/ls && mkdir /newdir && stat -c %u /newdir'
  run hull run --keep --overlay -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '0:0\n0:0\n0')" ]
  U=$HULL_TEST_ROOT/$ID/rootfs-overlay/upper
  [ "$(stat -c %u:%g "$U/etc/passwd" "$U/newdir" "$U")" = "$(printf '100000:100000\n100000:100000\n100000:100000')" ]
  hull delete "$ID"
  [ ! -e "$HULL_TEST_ROOT/$ID" ]
  [ "$(manifest "$R")" = "$before" ]
}

@test "--overlay with hull itself in a user namespace (rootless podman style): made there with userxattr" {
  before=$(manifest "$R")
  # uid 0 of a user namespace mapping only itself: no cgroups, no gid 5
  update_config "$BUNDLE" 'del(.linux.cgroupsPath, .linux.resources)
    | .linux.namespaces |= map(select(.type != "cgroup"))
    | (.mounts[] | select(.destination == "/dev/pts") | .options) |= map(select(startswith("gid=") | not))'
  set_cmd 'rm -r /etc && mkdir /etc && echo y >/etc/y && ls /etc && rm /bin/ls; grep " / / " /proc/self/mountinfo'
  run unshare -U -r -m --propagation private \
    "$HULL" --cgroup-manager disabled --root "$HULL_TEST_ROOT" run --overlay -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "y" ]
  [[ "${lines[1]}" == *" - overlay "*",userxattr"* ]]
  [ "$(manifest "$R")" = "$before" ]
  [ ! -e "$HULL_TEST_ROOT/$ID" ]
}

@test "--overlay: bad values and missing layers fail naming the thing, leaving nothing behind" {
  run hull run --overlay=bogus -b "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *'--overlay: unknown option "bogus"'* ]]
  run hull run --overlay="lower=$T/missing:$R" -b "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--overlay: lower layer: $T/missing: No such file or directory"* ]]
  [ ! -e "$HULL_TEST_ROOT/$ID" ]
  run hull run --overlay=lower=relative -b "$BUNDLE" "$ID"
  [[ "$output" == *'--overlay: lower=: "relative" is not an absolute path'* ]]
  # an upper layer inside the lower one would write the image
  before=$(manifest "$R")
  run hull run --overlay="upper=$R/up" -b "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--overlay: upper= $R/up overlaps lower layer $R (the image would be written)"* ]]
  ln -s "$R/etc" "$T/sneaky"
  run hull run --overlay="upper=$T/sneaky/up" -b "$BUNDLE" "$ID"
  [[ "$output" == *"--overlay: upper= $R/etc/up overlaps lower layer $R"* ]]
  [ "$(manifest "$R")" = "$before" ]
  [ ! -e "$HULL_TEST_ROOT/$ID" ]
  # an upper= that is not a directory
  touch "$T/file"
  run hull run --overlay="upper=$T/file" -b "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--overlay: upper=: $T/file: not a directory"* ]]
  update_config "$BUNDLE" '.annotations["run.hull.rootfs.overlay"] = "upper=/x,upper=/y"'
  run hull run -b "$BUNDLE" "$ID"
  [[ "$output" == *"annotation run.hull.rootfs.overlay: upper= given twice"* ]]
  # --overlay=false wins over the annotation
  set_cmd "$MOUNTS | grep '^/ '"
  run hull run --overlay=false -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" != *overlay* ]]
}

@test "hull features lists the overlay annotation; help shows --overlay" {
  run hull features
  [ "$status" -eq 0 ]
  [[ "$(echo "$output" | jq -r '.annotations["run.hull.rootfs.overlay"]')" == *"lower=DIR"* ]]
  run hull help run
  [[ "$output" == *"--overlay[=VALUE]"* ]]
  run hull help create
  [[ "$output" == *"--overlay[=VALUE]"* ]]
}
