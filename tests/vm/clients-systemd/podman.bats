#!/usr/bin/env bats
# podman 4.3 with conmon driving hull with --cgroup-manager systemd (podman's
# default on a systemd host), in the VM with systemd 252 as PID 1 on pure
# cgroup v2: each container is the scope machine.slice/libpod-CID.scope
# (cgroupsPath machine.slice:libpod:CID), its limits in the scope's cgroup
# files and unit properties; nothing may be left, no scope unit either.
# Steps in tests/clients/podman-scenario.bash.

POD_SYSTEMD=1
load ../../clients/podman-scenario

setup_file() {
  [ -S /run/systemd/private ] || { echo "# systemd is not PID 1 here" >&3; return 1; }
  podman_setup_file
}
teardown_file() { podman_teardown_file; }

@test "podman systemd: run --rm to completion: output, exit status" { pod_step_run_exit; }
@test "podman systemd: run -d --memory --cpus --pids-limit: the scope, its properties and files" { pod_step_limits; }
@test "podman systemd: exec, exec -d joins the scope" { pod_step_exec; }
@test "podman systemd: stats --no-stream" { pod_step_stats; }
@test "podman systemd: update --memory --cpus: properties and files" { pod_step_update; }
@test "podman systemd: stop (SIGTERM), rm: no scope, no cgroup" { pod_step_stop_rm; }
@test "podman systemd: nothing left behind" { pod_step_nothing_left; }
