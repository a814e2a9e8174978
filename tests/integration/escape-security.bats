#!/usr/bin/env bats
# Escapes in security/'s area, each tried from a malicious config or image:
# CVE-2022-29162 (exec --cap leaking into inheritable/ambient) and
# CVE-2019-16884 (a fake /proc catching LSM/oom/sysctl writes).
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  require_root
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  ID=esc-sec-$$-$RANDOM
  make_bundle "$BUNDLE"
}

teardown() {
  hull delete --force "$ID" >/dev/null 2>&1 || true
  remove_test_cgroups "$BUNDLE"
}

@test "CVE-2022-29162: exec --cap never fills inheritable or ambient" {
  update_config "$BUNDLE" '.process.args = ["sleep", "100"]'
  hull run --detach --bundle "$BUNDLE" "$ID"
  run hull exec --cap CAP_SYS_ADMIN --cap CAP_NET_ADMIN "$ID" grep ^Cap /proc/self/status
  [ "$status" -eq 0 ]
  [[ "$output" == *"CapInh:	0000000000000000"* ]]
  [[ "$output" == *"CapAmb:	0000000000000000"* ]]
  # The capabilities asked for are there (CAP_NET_ADMIN=12, CAP_SYS_ADMIN=21).
  eff=$(echo "$output" | awk '/^CapEff/ {print $2}')
  (( (0x$eff & 0x201000) == 0x201000 ))
  # ...and as a non-root user they do not survive execve.
  run hull exec --user 1000:1000 --cap CAP_SYS_ADMIN "$ID" grep ^Cap /proc/self/status
  [ "$status" -eq 0 ]
  [[ "$output" == *"CapInh:	0000000000000000"* ]]
  [[ "$output" == *"CapEff:	0000000000000000"* ]]
  [[ "$output" == *"CapAmb:	0000000000000000"* ]]
}

@test "CVE-2019-16884: a volume over /proc does not catch the oom_score_adj write" {
  local fake=$BATS_TEST_TMPDIR/fakeproc
  mkdir -p "$fake/self" "$fake/1"
  echo untouched >"$fake/self/oom_score_adj"
  echo untouched >"$fake/1/oom_score_adj"
  update_config "$BUNDLE" '.process.oomScoreAdj = 500 | .process.args = ["true"]
    | .mounts = [.mounts[] | if .destination == "/proc"
        then {"destination": "/proc", "type": "bind", "source": $f, "options": ["rbind"]} else . end]' \
    --arg f "$fake"
  run hull run --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [ "$(cat "$fake/self/oom_score_adj")" = untouched ]
  [ "$(cat "$fake/1/oom_score_adj")" = untouched ]
}

@test "CVE-2025-52881: a file bind-mounted over a /proc file is refused" {
  local fake=$BATS_TEST_TMPDIR/fake_oom
  echo untouched >"$fake"
  # The container's init is pid 1 in its pid namespace: /proc/1 is "self".
  update_config "$BUNDLE" '.process.oomScoreAdj = 500 | .process.args = ["true"]
    | .mounts += [{"destination": "/proc/1/oom_score_adj", "type": "bind", "source": $f, "options": ["bind"]}]' \
    --arg f "$fake"
  run hull run --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [ "$(cat "$fake")" = untouched ]
}
