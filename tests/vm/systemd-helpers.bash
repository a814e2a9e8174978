# Shared by tests/vm/systemd/ and tests/vm/systemd-v1/ (systemd 252 as
# PID 1 in the VM): a bundle whose container is a scope, the teardown that
# stops what a failed test left, and the checks on units.
load ../../integration/helpers

sdhull() { hull --systemd-cgroup "$@"; }
# prop UNIT PROPERTY ("--": a unit name may start with a dash)
prop() { systemctl show -P "$2" -- "$1"; }
init_pid() { hull state "$1" | jq -r .pid; }

# gone UNIT DIR: no such unit loaded, no such cgroup.
gone() {
  [ "$(prop "$1" LoadState)" = not-found ] || { systemctl status -- "$1" >&2; return 1; }
  [ ! -e "$2" ]
}

# procs_naming STRING: processes whose command line holds STRING (a
# container's shim is hull's clone, its argv hull's), bats' own excepted.
procs_naming() {
  local p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$1" && echo "${p#/proc/}"
  done
  return 0
}

# sd_setup PREFIX: bundle B running `sleep 1000`, its cgroupsPath
# system.slice:hull-test:NAME (NAME unique: make_bundle's), so the scope is
# UNIT=hull-test-NAME.scope; the container's id is ID=PREFIX-NAME. These
# legs exist to run under systemd: without it they fail, never skip.
sd_setup() {
  require_root
  [ -S /run/systemd/private ] || { echo "# systemd is not PID 1 here" >&3; return 1; }
  B=$BATS_TEST_TMPDIR/bundle
  make_bundle "$B"
  NAME=$(cat "$B/.cgname")
  ID=$1-$NAME
  UNIT=hull-test-$NAME.scope
  update_config "$B" '.linux.cgroupsPath = $p | .process.args = ["sleep", "1000"]' \
    --arg p "system.slice:hull-test:$NAME"
}

# sd_teardown [UNIT...]: every container deleted; UNIT and these units
# stopped and their failed state reset, whatever a failed test left.
sd_teardown() {
  local id
  for id in $(hull list -q 2>/dev/null); do
    hull --systemd-cgroup delete --force "$id" >/dev/null 2>&1
  done
  systemctl stop -- "$UNIT" "$@" >/dev/null 2>&1 || true
  systemctl reset-failed -- "$UNIT" "$@" >/dev/null 2>&1 || true
}
