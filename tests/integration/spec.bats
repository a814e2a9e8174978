#!/usr/bin/env bats
# `hull spec`: the default config.json, its rootless variant, refusal to
# overwrite; and that an invalid config is refused before anything is made.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() { DIR=$(mktemp -d /tmp/hull-spec-test.XXXXXX); }
teardown() {
  [ -d "$DIR/bundle" ] && remove_test_cgroups "$DIR/bundle"
  rm -rf "$DIR"
}

@test "spec writes runc's default shape into the current directory" {
  cd "$DIR"
  run hull spec
  [ "$status" -eq 0 ]
  [ -f config.json ]
  [ "$(jq -r '.process.args | join(" ")' config.json)" = "sh" ]
  [ "$(jq -r '.process.terminal' config.json)" = "true" ]
  [ "$(jq -r '.root.path' config.json)" = "rootfs" ]
  [ "$(jq -r '[.linux.namespaces[].type] | join(",")' config.json)" = "pid,network,ipc,uts,mount,cgroup" ]
  [ "$(jq -r '[.mounts[].destination] | join(",")' config.json)" = "/proc,/dev,/dev/pts,/dev/shm,/dev/mqueue,/sys,/sys/fs/cgroup" ]
  [ "$(jq -r '.linux.maskedPaths | index("/proc/kcore") != null' config.json)" = "true" ]
  [ "$(jq -r '.linux.readonlyPaths | index("/proc/sys") != null' config.json)" = "true" ]
  [ "$(jq -r '.linux.cgroupsPath' config.json)" = "null" ]
}

@test "spec --bundle writes there and refuses to overwrite" {
  run hull spec --bundle "$DIR"
  [ "$status" -eq 0 ]
  echo '{"keep":"me"}' >"$DIR/config.json"
  run hull spec --bundle "$DIR"
  [ "$status" -ne 0 ]
  [[ "$output" == *"$DIR/config.json exists: remove it first"* ]]
  [ "$(jq -r .keep "$DIR/config.json")" = "me" ]
}

@test "spec --rootless maps the caller and drops network namespace and resources" {
  run hull spec --rootless -b "$DIR"
  [ "$status" -eq 0 ]
  local c=$DIR/config.json
  [ "$(jq -r '[.linux.namespaces[].type] | join(",")' "$c")" = "pid,ipc,uts,mount,cgroup,user" ]
  [ "$(jq -r '.linux.uidMappings[0].hostID' "$c")" = "$(id -u)" ]
  [ "$(jq -r '.linux.gidMappings[0].hostID' "$c")" = "$(id -g)" ]
  [ "$(jq -r '.linux.uidMappings[0].size' "$c")" = "1" ]
  [ "$(jq -r '.mounts[] | select(.destination == "/sys") | .options | index("rbind") != null' "$c")" = "true" ]
  [ "$(jq -r '.mounts[] | select(.destination == "/dev/pts") | .options | index("gid=5")' "$c")" = "null" ]
  [ "$(jq -r '.linux.resources' "$c")" = "null" ]
}

@test "spec fails clearly on a missing bundle directory and stray arguments" {
  run hull spec --bundle "$DIR/nope"
  [ "$status" -ne 0 ]
  [[ "$output" == *"bundle $DIR/nope: No such file or directory"* ]]
  run hull spec --bundle "$DIR" extra
  [ "$status" -ne 0 ]
  [[ "$output" == *"unexpected argument \"extra\""* ]]
  [ ! -e "$DIR/config.json" ]
}

# A config that fails validation must not leave anything behind: no state
# directory, no cgroup. (make_bundle gives the container its own cgroupsPath.)
@test "create with an invalid config fails with the field path and creates nothing" {
  require_root
  make_bundle "$DIR/bundle"
  local cg
  cg=$(cat "$DIR/bundle/.cgname")
  update_config "$DIR/bundle" '.linux.resources.memory.limit = "1G"'
  run hull create --bundle "$DIR/bundle" spec-bad-1
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources.memory.limit: expected integer, got string"* ]]
  [ ! -e "$HULL_TEST_ROOT/spec-bad-1" ]
  ! ls -d /sys/fs/cgroup/*/hull-test/"$cg" /sys/fs/cgroup/hull-test/"$cg" 2>/dev/null

  update_config "$DIR/bundle" '.linux.resources.memory.limit = 1048576 |
    .process.capabilities.bounding += ["CAP_FOO"]'
  run hull create --bundle "$DIR/bundle" spec-bad-2
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.capabilities.bounding["*"]: unknown capability \"CAP_FOO\""* ]]
  [ ! -e "$HULL_TEST_ROOT/spec-bad-2" ]
  ! ls -d /sys/fs/cgroup/*/hull-test/"$cg" /sys/fs/cgroup/hull-test/"$cg" 2>/dev/null
}

@test "create reports malformed JSON with line and column" {
  require_root
  make_bundle "$DIR/bundle"
  printf '{\n  "ociVersion": "1.0.0",\n  "root": {"path": "rootfs"},,\n}\n' >"$DIR/bundle/config.json"
  run hull create --bundle "$DIR/bundle" spec-bad-3
  [ "$status" -ne 0 ]
  [[ "$output" == *"config.json: config: invalid JSON at line 3, column "* ]]
  [ ! -e "$HULL_TEST_ROOT/spec-bad-3" ]
}
