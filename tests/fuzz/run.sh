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
make -s -j2 hull "tests/fuzz/fuzz_$TARGET"
CORPUS=$BUILD/fuzz-corpus-$TARGET
# libFuzzer adds what it finds to CORPUS: kept for the next run. UBSan
# reports are findings too: stop on the first one like on a crash.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
sh "$SRC/tests/fuzz/seeds.sh" "$TARGET" "$CORPUS" ./hull
if [ "$TARGET" = config ] || [ "$TARGET" = seccomp ]; then MAXLEN=65536; else MAXLEN=8192; fi
# detect_leaks is on by default with ASan; -rss_limit keeps a runaway input
# from eating the shared machine.
exec "./tests/fuzz/fuzz_$TARGET" -max_total_time="$SECS" -rss_limit_mb=1024 \
  -max_len="$MAXLEN" -print_final_stats=1 "$CORPUS"
