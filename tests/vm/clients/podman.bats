#!/usr/bin/env bats
# podman 4.3 with conmon driving hull on pure cgroup v2 with the cgroupfs
# manager (contrib/containers.conf), in the VM (tests/vm/clients-image.sh
# puts podman in). Steps in tests/clients/podman-scenario.bash.

load ../../clients/podman-scenario

setup_file() { podman_setup_file; }
teardown_file() { podman_teardown_file; }

@test "podman v2: run --rm to completion: output, exit status" { pod_step_run_exit; }
@test "podman v2: run -d --memory --cpus --pids-limit: the init's cgroup and its files" { pod_step_limits; }
@test "podman v2: exec, exec -d joins the cgroup" { pod_step_exec; }
@test "podman v2: stats --no-stream" { pod_step_stats; }
@test "podman v2: update --memory --cpus" { pod_step_update; }
@test "podman v2: stop (SIGTERM), rm: the cgroup is gone" { pod_step_stop_rm; }
@test "podman v2: nothing left behind" { pod_step_nothing_left; }
