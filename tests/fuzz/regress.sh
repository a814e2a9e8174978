#!/bin/sh
# The fuzz regression of tests/run.sh: every libFuzzer target (clang,
# ASan+UBSan, built in BUILD) runs each seed of its corpus
# (tests/fuzz/seeds.sh) once, then RUNS mutations from them with a fixed
# seed: the same inputs every time for a given tree, so a failure is a
# finding to reproduce, never a flake. Long runs stay by hand
# (tests/fuzz/run.sh). TAP output, one test per target.
# Usage: tests/fuzz/regress.sh BUILD_DIR [RUNS]   (RUNS default 50000)
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:?usage: $0 BUILD_DIR [RUNS]}
RUNS=${2:-50000}
TARGETS="config seccomp state annotations cli dbus"
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
cd "$BUILD"
if [ ! -f Makefile ]; then
  CC=clang CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
    "$SRC/configure" -q --enable-fuzzing --enable-sanitizers
fi
make -s -j2 hull $(for t in $TARGETS; do printf 'tests/fuzz/fuzz_%s ' "$t"; done)
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
echo "1..$(echo $TARGETS | wc -w)"
n=0
bad=0
for t in $TARGETS; do
  n=$((n + 1))
  seeds=$BUILD/fuzz-seeds-$t
  found=$BUILD/fuzz-found-$t
  rm -rf "$seeds" "$found"
  mkdir -p "$found"
  sh "$SRC/tests/fuzz/seeds.sh" "$t" "$seeds" ./hull
  if [ "$t" = config ] || [ "$t" = seccomp ]; then len=65536; else len=8192; fi
  # -runs counts the seeds too; new inputs go to $found (the first dir),
  # crashes to crash-* in BUILD.
  if "./tests/fuzz/fuzz_$t" -seed=1 -runs="$RUNS" -max_len="$len" -rss_limit_mb=1024 \
      -timeout=25 -artifact_prefix="$BUILD/fuzz-$t-" -print_final_stats=1 \
      "$found" "$seeds" >"$BUILD/fuzz-$t.log" 2>&1; then
    echo "ok $n - fuzz_$t: $(ls "$seeds" | wc -l) seeds, $RUNS runs (seed 1)"
  else
    bad=$((bad + 1))
    echo "not ok $n - fuzz_$t: a finding (input in $BUILD/fuzz-$t-*)"
    tail -n 60 "$BUILD/fuzz-$t.log" | sed 's/^/# /'
  fi
done
[ "$bad" -eq 0 ]
