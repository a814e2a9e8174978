#!/bin/sh
# Builds the config-parser fuzz target with clang (libFuzzer, ASan, UBSan) in
# BUILD (default /tmp/build-fuzz) and runs it for SECONDS (default 600) from a
# seed corpus: the runtime-spec schema vectors, hull's default configs and
# tests/fuzz/corpus. Usage: tests/fuzz/run.sh [SECONDS] [BUILD]
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-600}
BUILD=${2:-/tmp/build-fuzz}
mkdir -p "$BUILD"
cd "$BUILD"
if [ ! -f Makefile ]; then
  CC=clang CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
    "$SRC/configure" -q --enable-fuzzing --enable-sanitizers
fi
make -s -j2 tests/fuzz/fuzz_config
CORPUS=$BUILD/fuzz-corpus
mkdir -p "$CORPUS"
cp "$SRC"/tests/fuzz/corpus/* "$CORPUS"/ 2>/dev/null || true
for d in "${HULL_SPEC_VECTORS:-$SRC/../shared/ref/runtime-spec/schema/test/config}" \
         /work/shared/ref/runtime-spec/schema/test/config; do
  if [ -d "$d" ]; then
    for f in "$d"/good/*.json "$d"/bad/*.json; do cp "$f" "$CORPUS/$(basename "$(dirname "$f")")-$(basename "$f")"; done
    break
  fi
done
./hull spec --bundle "$CORPUS" 2>/dev/null && mv "$CORPUS/config.json" "$CORPUS/default.json" || true
./hull spec --rootless --bundle "$CORPUS" 2>/dev/null && mv "$CORPUS/config.json" "$CORPUS/rootless.json" || true
# detect_leaks is on by default with ASan; -rss_limit keeps a runaway input
# from eating the shared machine.
# UBSan reports are findings too: stop on the first one like on a crash.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
exec ./tests/fuzz/fuzz_config -max_total_time="$SECS" -rss_limit_mb=1024 \
  -max_len=65536 -print_final_stats=1 "$CORPUS"
