#!/usr/bin/env bats
# contrib/quickstart.sh (the README's first command), run against the built
# hull so it cannot rot: what its container prints, and that nothing is left.
load helpers

QS=$HULL_SRCDIR/contrib/quickstart.sh

@test "quickstart: the container shows its hostname, pid 1, own mounts, memory limit" {
  require_root
  run "$QS" --hull "$HULL"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'\nhostname: quickstart\n'* ]]
  # ps: the container's shell is pid 1
  echo "$output" | grep -Eq '^ +1 +root +sh /show.sh$'
  # the mount table: only what config.json asks for, none of the host's
  local mounts
  mounts=$(echo "$output" | sed -n '/^-- mounts/,/^-- memory/p' | sed '1d;$d' | awk '{print $2}')
  [ -n "$mounts" ]
  echo "$mounts" | grep -qx /proc
  ! echo "$mounts" | grep -Evx '/|/(proc|dev|sys)(/.*)?'
  # the 64 MiB limit, read from inside (v1 here, memory.max on cgroup v2)
  echo "$output" | grep -Eqx '/sys/fs/cgroup/(memory/memory\.limit_in_bytes|memory\.max): 67108864'
  # nothing left behind: bundle, state, cgroup
  local work id
  work=$(echo "$output" | sed -n 's|^== making a bundle in \(.*\)/bundle$|\1|p')
  id=$(echo "$output" | sed -n 's|^== hull run \(.*\)$|\1|p')
  [ -n "$work" ] && [ ! -e "$work" ]
  [ -n "$id" ]
  ! ls -d /sys/fs/cgroup/*/hull-quickstart/"$id" /sys/fs/cgroup/hull-quickstart/"$id" 2>/dev/null
}

@test "quickstart: a failing step still removes what it made" {
  require_root
  # /bin/false as hull: `hull spec` fails right after the bundle is made
  run "$QS" --hull /bin/false
  [ "$status" -ne 0 ]
  local work
  work=$(echo "$output" | sed -n 's|^== making a bundle in \(.*\)/bundle$|\1|p')
  [ -n "$work" ] && [ ! -e "$work" ]
}

@test "quickstart: an unknown option is refused with usage" {
  run "$QS" --frobnicate
  [ "$status" -eq 1 ]
  [[ "${lines[0]}" == "quickstart: unknown option --frobnicate" ]]
}
