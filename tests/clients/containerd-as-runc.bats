#!/usr/bin/env bats
# containerd 1.6 (Debian's, runc v2 shim) driving the runtime under test:
# the runtime as `runc` first in containerd's PATH. The steps are in containerd-scenario.bash; they run in order
# on one long-lived container "det" and leave nothing behind.

CTR_MODE=path
load containerd-scenario

setup_file() { containerd_setup_file; }
teardown_file() { containerd_teardown_file; }

@test "containerd (path): run attached: output, exit status, stdin, cgroup" { scenario_attached; }
@test "containerd (path): run -t in a pty" { scenario_tty; }
@test "containerd (path): run -d" { scenario_detached; }
@test "containerd (path): task exec" { scenario_exec; }
@test "containerd (path): task exec -t" { scenario_exec_tty; }
@test "containerd (path): task exec -d, task ps" { scenario_exec_detached_and_ps; }
@test "containerd (path): task pause, resume" { scenario_pause_resume; }
@test "containerd (path): task metrics" { scenario_metrics; }
@test "containerd (path): Tasks.Update, limits in cgroupfs" { scenario_update; }
@test "containerd (path): task kill with a signal, kill -a" { scenario_kill; }
@test "containerd (path): task delete, container delete" { scenario_delete; }
@test "containerd (path): nothing left behind" { scenario_nothing_left; }
