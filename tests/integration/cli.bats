#!/usr/bin/env bats
# The command line surface: version, help, unknown commands and flags.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

@test "--version prints the four lines clients parse" {
  run "$HULL" --version
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^hull\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
  [[ "${lines[1]}" =~ ^commit:\ [0-9a-f]{40}$|^commit:\ unknown$ ]]
  [ "${lines[2]}" = "spec: 1.3.0" ]
  [[ "${lines[3]}" =~ ^libseccomp:\ 2\.[0-9]+\.[0-9]+$ ]]
}

@test "--help lists every command and global flag" {
  run "$HULL" --help
  [ "$status" -eq 0 ]
  for c in checkpoint create delete events exec features kill list pause ps \
           restore resume run spec start state update; do
    [[ "$output" == *"   $c "* ]]
  done
  for f in --root --log --log-format --debug --systemd-cgroup --rootless --cgroup-manager; do
    [[ "$output" == *"$f "* ]]
  done
}

@test "help CMD and CMD --help print the command's usage" {
  run "$HULL" help run
  [ "$status" -eq 0 ]
  [[ "${lines[1]}" == *"hull run - "* ]]
  help_output=$output
  run "$HULL" run --help
  [ "$status" -eq 0 ]
  [ "$output" = "$help_output" ]
}

@test "an unknown command fails with one line and exit 1" {
  run "$HULL" frobnicate
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *'unknown command "frobnicate"'* ]]
}

@test "an unknown flag fails with one line and exit 1" {
  run "$HULL" --frob state x
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"flag provided but not defined: -frob"* ]]
  run "$HULL" state --frob x
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
}

@test "bad global flag values are refused" {
  run "$HULL" --log-format xml state x
  [ "$status" -eq 1 ]
  [[ "$output" == *"--log-format"* ]]
  run "$HULL" --cgroup-manager foo state x
  [ "$status" -eq 1 ]
  run "$HULL" --rootless maybe state x
  [ "$status" -eq 1 ]
}

@test "checkpoint is refused and its --help exits non-zero" {
  run "$HULL" checkpoint --help
  [ "$status" -ne 0 ]
  run "$HULL" checkpoint x
  [ "$status" -eq 1 ]
  [[ "$output" == *"not supported"* ]]
}

@test "--log-format json writes error lines to --log" {
  log=$HULL_TEST_ROOT/log.json
  run "$HULL" --root "$HULL_TEST_ROOT" --log "$log" --log-format=json checkpoint x
  [ "$status" -eq 1 ]
  last=$(tail -n 1 "$log")
  [[ "$last" =~ ^\{\"level\":\"error\",\"msg\":\".*not\ supported.*\",\"time\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\"\}$ ]]
}
