#!/usr/bin/env bats
# containerd 1.6 (Debian's, runc v2 shim) driving the runtime under test:
# ctr run --runc-binary $CLIENT_RUNTIME. The steps are in containerd-scenario.bash; they run in order
# on one long-lived container "det" and leave nothing behind.

CTR_MODE=binary
load containerd-scenario

setup_file() { containerd_setup_file; }
teardown_file() { containerd_teardown_file; }

@test "containerd (binary): contrib/containerd-cri.toml loads CRI with BinaryName" { scenario_cri_config; }
@test "containerd (binary): run attached: output, exit status, stdin, cgroup" { scenario_attached; }
@test "containerd (binary): run -t in a pty" { scenario_tty; }
@test "containerd (binary): run -d" { scenario_detached; }
@test "containerd (binary): task exec" { scenario_exec; }
@test "containerd (binary): task exec -t" { scenario_exec_tty; }
@test "containerd (binary): task exec -d, task ps" { scenario_exec_detached_and_ps; }
@test "containerd (binary): task pause, resume" { scenario_pause_resume; }
@test "containerd (binary): task metrics" { scenario_metrics; }
@test "containerd (binary): Tasks.Update, limits in cgroupfs" { scenario_update; }
@test "containerd (binary): task kill with a signal, kill -a" { scenario_kill; }
@test "containerd (binary): task delete, container delete" { scenario_delete; }
@test "containerd (binary): nothing left behind" { scenario_nothing_left; }
