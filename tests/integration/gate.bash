# gated FIFO CMD...: starts CMD in the background (its output in
# $BATS_TEST_TMPDIR/out, its pid in GATED and PIDS_TO_KILL) held until
# `release FIFO`, so the test can put it in a cgroup before it runs.
# Sourced by helpers.bash and cgroup2_helpers.bash (busybox sh tools only:
# the VM's cgroup v2 tests use it too).
gated() {
  local fifo=$1
  shift
  mkfifo "$fifo"
  (read -r _ <"$fifo"; exec "$@") >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
  GATED=$!
  PIDS_TO_KILL="$PIDS_TO_KILL $GATED"
}
release() { echo go >"$1"; }
