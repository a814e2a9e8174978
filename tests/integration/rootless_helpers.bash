# Rootless test harness: a dedicated unprivileged user runs hull.
#
#   load helpers
#   load rootless_helpers
#   setup_file()    { rl_setup_file; }      # user, subuid/subgid, private dirs
#   teardown_file() { rl_teardown_file; }   # deletes every container, removes dirs
#
# The user (HULL_RL_USER, default hulltest) is created once, idempotently,
# as a system user with a home under /var/lib and the subordinate ranges
# HULL_RL_SUBID_START..+65535 in /etc/subuid and /etc/subgid; it is kept
# between runs (nothing of it runs once a file's teardown is done). Every test
# file gets its own directory RL_DIR owned by the user (mode 0700) with:
#   RL_DIR/run     XDG_RUNTIME_DIR (hull's state is RL_DIR/run/hull)
#   RL_DIR/bin     a copy of the hull under test (the build tree may not be
#                  reachable by the user, e.g. a CI clone under /root)
#   RL_DIR/b/NAME  bundles made by rl_make_bundle, owned by the user
# rl_run CMD... runs a command as the user (setpriv: no PAM session, no
# capabilities left, a clean environment) and rl_hull ARGS... runs hull so.

HULL_RL_USER=${HULL_RL_USER:-hulltest}
HULL_RL_SUBID_START=${HULL_RL_SUBID_START:-300000}
HULL_RL_SUBID_COUNT=65536

# Creates the user and its ranges unless present. Serialized with a lock:
# several bats files may set up at once.
rl_ensure_user() {
  (
    flock 9
    if ! id -u "$HULL_RL_USER" >/dev/null 2>&1; then
      mkdir -p /var/lib
      useradd --system --user-group --create-home --home-dir "/var/lib/$HULL_RL_USER" \
        --shell /bin/sh "$HULL_RL_USER" || exit 1
    fi
    local f range="$HULL_RL_USER:$HULL_RL_SUBID_START:$HULL_RL_SUBID_COUNT"
    for f in /etc/subuid /etc/subgid; do
      [ -e "$f" ] || install -m 0644 /dev/null "$f"
      grep -q "^$HULL_RL_USER:" "$f" || echo "$range" >>"$f"
    done
  ) 9>/run/hull-rootless-user.lock
}

# The mapped range, as written in /etc/subuid (one line per user here).
rl_subid_range() { # FILE -> "start count"
  awk -F: -v u="$HULL_RL_USER" '$1 == u { print $2, $3; exit }' "$1"
}

rl_setup_file() {
  require_root
  command -v setpriv >/dev/null || skip "setpriv (util-linux) missing"
  rl_ensure_user || return 1
  export RL_UID RL_GID RL_HOME RL_DIR
  RL_UID=$(id -u "$HULL_RL_USER")
  RL_GID=$(id -g "$HULL_RL_USER")
  RL_HOME=$(awk -F: -v u="$HULL_RL_USER" '$1 == u { print $6 }' /etc/passwd)
  RL_DIR=$(mktemp -d /tmp/hull-rootless.XXXXXX)
  mkdir -p "$RL_DIR/run" "$RL_DIR/bin" "$RL_DIR/b"
  install -m 0755 "$HULL" "$RL_DIR/bin/hull"
  chown -R "$RL_UID:$RL_GID" "$RL_DIR"
  chmod 0700 "$RL_DIR" "$RL_DIR/run"
}

# Every container in the file's state root is force-deleted (its processes
# killed, pasta stopped) as the user, then the directory goes.
rl_teardown_file() {
  [ -n "${RL_DIR:-}" ] && [ -d "$RL_DIR" ] || return 0
  local id
  for id in $(rl_hull list -q 2>/dev/null); do
    rl_hull delete --force "$id" >/dev/null 2>&1
  done
  rm -rf "$RL_DIR"
}

# rl_run CMD...: CMD as the test user (no capabilities, the bounding set
# kept as a login has it so setuid newuidmap works), in RL_DIR, with only a
# minimal environment (HOME, PATH, XDG_RUNTIME_DIR, and RL_ENV: extra
# VAR=VALUE words). With RL_PRIVATE_TUN set it runs in a private mount
# namespace whose /dev/net holds a tun node of the usual mode 0666 (see
# rl_need_tun); the host's /dev is never touched. With RL_CGROUP (a cgroup
# v2 directory) it is moved there first, as root (a delegated login shell).
rl_run() {
  # shellcheck disable=SC2206
  # (an absolute path: busybox sh, the VM's, would run its own applet)
  local -a cmd=("$(command -v setpriv)" --reuid="$RL_UID" --regid="$RL_GID" --init-groups --inh-caps=-all
    env -i HOME="$RL_HOME" USER="$HULL_RL_USER" LOGNAME="$HULL_RL_USER"
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin XDG_RUNTIME_DIR="$RL_DIR/run"
    ${RL_ENV:-} "$@")
  if [ -n "${RL_CGROUP:-}" ]; then
    cmd=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$RL_CGROUP" "${cmd[@]}")
  fi
  if [ -n "${RL_PRIVATE_TUN:-}" ]; then
    cmd=(unshare -m -- sh -c 'mount --make-rprivate / && mount -t tmpfs -o mode=755 tmpfs /dev/net &&
      mknod -m 666 /dev/net/tun c 10 200 && exec "$@"' sh "${cmd[@]}")
  fi
  (cd "$RL_DIR" && "${cmd[@]}")
}

# pasta needs /dev/net/tun, world-usable on a usual host (mode 0666). Where
# the user cannot open it (this sandbox has it 0600), later rl_run calls
# of the test get a private one (RL_PRIVATE_TUN).
rl_need_tun() {
  [ -c /dev/net/tun ] || skip "no /dev/net/tun"
  rl_run sh -c '[ -r /dev/net/tun ] && [ -w /dev/net/tun ]' || RL_PRIVATE_TUN=1
}

# rl_hull ARGS...: the hull under test, as the user, default state root.
rl_hull() {
  rl_run "$RL_DIR/bin/hull" "$@"
}

# rl_make_bundle NAME [uid|ranges]: RL_DIR/b/NAME with a busybox rootfs and
# `hull spec --rootless` (made by the user, so its own ids) with the test
# config's process (sh, a read-only root) and no cgroupsPath. "ranges" maps
# container 0 to the user and 1..65536 to its subordinate range (needs
# newuidmap/newgidmap). Prints the bundle path.
rl_make_bundle() {
  local name=$1 kind=${2:-uid} dir
  dir=$RL_DIR/b/$name
  mkdir -p "$dir"
  cp -a "$(rootfs_template)" "$dir/rootfs"
  chown "$RL_UID:$RL_GID" "$dir"
  rl_hull spec --rootless --bundle "$dir" || return 1
  jq '.process.terminal = false | .process.args = ["sh"] | .root.readonly = true |
      .hostname = "hull"' "$dir/config.json" >"$dir/config.json.new" &&
    mv "$dir/config.json.new" "$dir/config.json"
  if [ "$kind" = ranges ]; then
    local us uc gs gc
    read -r us uc < <(rl_subid_range /etc/subuid)
    read -r gs gc < <(rl_subid_range /etc/subgid)
    jq --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson us "$us" --argjson uc "$uc" \
      --argjson gs "$gs" --argjson gc "$gc" \
      '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1},
                             {containerID: 1, hostID: $us, size: $uc}] |
       .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1},
                             {containerID: 1, hostID: $gs, size: $gc}]' \
      "$dir/config.json" >"$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
  fi
  chown -R "$RL_UID:$RL_GID" "$dir"
  echo "$dir"
}

# rl_update_config DIR JQ-FILTER [jq args...]: edits a bundle's config,
# keeping it the user's.
rl_update_config() {
  update_config "$@" && chown "$RL_UID:$RL_GID" "$1/config.json"
}

# Waits until container ID is in STATUS (as the user), 10 s at most.
rl_wait_status() {
  local id=$1 want=$2 i
  for i in $(seq 100); do
    [ "$(rl_hull state "$id" 2>/dev/null | jq -r .status)" = "$want" ] && return 0
    sleep 0.1
  done
  echo "container $id never reached $want" >&2
  return 1
}
