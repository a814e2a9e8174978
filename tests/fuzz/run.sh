#!/bin/sh
# Builds a fuzz target with clang (libFuzzer, ASan, UBSan) in BUILD (default
# /tmp/build-fuzz) and runs it for SECONDS (default 600) from a seed corpus.
# TARGET: config (default) and seccomp start from the runtime-spec schema
# vectors, hull's default configs and tests/fuzz/corpus; state, annotations
# cli and dbus from tests/fuzz/corpus-TARGET.
# Usage: tests/fuzz/run.sh [SECONDS] [BUILD] [TARGET]
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-600}
BUILD=${2:-/tmp/build-fuzz}
TARGET=${3:-config}
case $TARGET in
  config|seccomp|state|annotations|cli|dbus) ;;
  *) echo "$0: unknown target $TARGET (config seccomp state annotations cli dbus)" >&2; exit 2 ;;
esac
mkdir -p "$BUILD"
cd "$BUILD"
if [ ! -f Makefile ]; then
  CC=clang CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
    "$SRC/configure" -q --enable-fuzzing --enable-sanitizers
fi
make -s -j2 "tests/fuzz/fuzz_$TARGET"
CORPUS=$BUILD/fuzz-corpus-$TARGET
mkdir -p "$CORPUS"
# libFuzzer adds what it finds to CORPUS: kept for the next run. UBSan
# reports are findings too: stop on the first one like on a crash.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
if [ "$TARGET" != config ] && [ "$TARGET" != seccomp ]; then
  cp "$SRC/tests/fuzz/corpus-$TARGET"/* "$CORPUS"/
  exec "./tests/fuzz/fuzz_$TARGET" -max_total_time="$SECS" -rss_limit_mb=1024 \
    -max_len=8192 -print_final_stats=1 "$CORPUS"
fi
cp "$SRC"/tests/fuzz/corpus/* "$CORPUS"/ 2>/dev/null || true
# a Docker-default-style profile (~300 rules): the seccomp compiler's seed
cp "$SRC"/bench/parse-docker-default.json "$CORPUS"/ 2>/dev/null || true
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
exec "./tests/fuzz/fuzz_$TARGET" -max_total_time="$SECS" -rss_limit_mb=1024 \
  -max_len=65536 -print_final_stats=1 "$CORPUS"
