#!/usr/bin/env bats
# containerd 1.6 (Debian's, runc v2 shim, `ctr run --runc-binary`) driving
# hull on pure cgroup v2 with the cgroupfs driver, in the VM
# (tests/vm/clients-image.sh puts containerd in). The steps are the host's
# (tests/clients/containerd-scenario.bash), on one long-lived container
# "det" started with limits; nothing may be left behind.

CTR_MODE=binary
CTR_DET_FLAGS="--memory-limit 100663296 --cpu-shares 256 --cpu-quota 30000 --cpu-period 100000"
load ../../clients/containerd-scenario

setup_file() { containerd_setup_file; }
teardown_file() { containerd_teardown_file; }

@test "containerd v2: run to completion: output, exit status, stdin, errors, cgroup" { scenario_attached; }
@test "containerd v2: run -d with limits: the init's cgroup and its v2 files" {
  scenario_detached
  cg_limits det 100663296 256 30000 100000 max
}
@test "containerd v2: task exec, exec -d, task ps" {
  scenario_exec
  scenario_exec_detached_and_ps
}
@test "containerd v2: task pause, resume (cgroup.freeze)" { scenario_pause_resume; }
@test "containerd v2: task metrics (the shim reads cgroup v2)" { scenario_metrics; }
@test "containerd v2: Tasks.Update, limits in cgroup v2 files" { scenario_update; }
@test "containerd v2: task kill with a signal, kill -a" { scenario_kill; }
@test "containerd v2: task delete, container delete" { scenario_delete; }
@test "containerd v2: nothing left behind" { scenario_nothing_left; }
