#!/usr/bin/env bats
# containerd 1.6 driving hull with SystemdCgroup = true (`ctr run
# --runc-binary hull --runc-systemd-cgroup`: the runc v2 shim's options, as
# CRI sets them from its config), in the VM with systemd 252 as PID 1 on
# pure cgroup v2: each container is the scope
# system.slice/hull-test-<prefix>-ID.scope, its limits in the scope's
# cgroup files and in its unit properties; nothing may be left behind, no
# scope unit either. The steps are the host's
# (tests/clients/containerd-scenario.bash).

CTR_MODE=binary
CTR_SYSTEMD=1
CTR_DET_FLAGS="--memory-limit 100663296 --cpu-shares 256 --cpu-quota 30000 --cpu-period 100000"
load ../../clients/containerd-scenario

setup_file() {
  [ -S /run/systemd/private ] || { echo "# systemd is not PID 1 here" >&3; return 1; }
  containerd_setup_file
}
teardown_file() { containerd_teardown_file; }

@test "containerd systemd: run to completion: output, exit status, stdin, errors, the scope" {
  scenario_attached
  # the scopes of the finished containers are gone
  [ -z "$(systemctl list-units --all --plain --no-legend "hull-test-$CG_PREFIX-att*")" ]
}
@test "containerd systemd: run -d with limits: the scope, its properties and cgroup files" {
  scenario_detached
  local u=hull-test-$CG_PREFIX-det.scope
  [ "$(unit_prop "$u" ActiveState)" = active ]
  [ "$(unit_prop "$u" Slice)" = system.slice ]
  [ "$(unit_prop "$u" Delegate)" = yes ]
  # no pids limit in the config: the scope has systemd's DefaultTasksMax
  # (as with runc), so pids.max is not checked here
  cg_limits det 100663296 256 30000 100000 -
}
@test "containerd systemd: task exec, exec -d, task ps" {
  scenario_exec
  scenario_exec_detached_and_ps
}
@test "containerd systemd: task pause, resume" { scenario_pause_resume; }
@test "containerd systemd: task metrics (the shim reads the scope's cgroup)" { scenario_metrics; }
@test "containerd systemd: Tasks.Update: scope properties and cgroup files" { scenario_update; }
@test "containerd systemd: task kill with a signal, kill -a" { scenario_kill; }
@test "containerd systemd: task delete, container delete: the scope is gone" {
  scenario_delete
  unit_gone "hull-test-$CG_PREFIX-det.scope"
}
@test "containerd systemd: nothing left behind" { scenario_nothing_left; }
