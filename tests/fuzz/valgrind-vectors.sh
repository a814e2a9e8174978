#!/bin/sh
# Parses every runtime-spec schema vector (good and bad), hull's fuzz seeds
# and the benchmark config under valgrind, failing on any leak or memory
# error. Usage: tests/fuzz/valgrind-vectors.sh BUILD_DIR (with bench/parse).
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:?usage: $0 BUILD_DIR}
VEC=${HULL_SPEC_VECTORS:-$SRC/../shared/ref/runtime-spec/schema/test/config}
[ -d "$VEC" ] || VEC=/work/shared/ref/runtime-spec/schema/test/config
n=0
bad=0
for f in "$VEC"/good/*.json "$VEC"/bad/*.json "$SRC"/tests/fuzz/corpus/*.json \
         "$SRC"/bench/parse-docker-default.json; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  # bench/parse exits 1 on a rejected config: that is fine here, only
  # valgrind's own exit code (99) counts.
  rc=0
  valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
    --error-exitcode=99 "$BUILD/bench/parse" "$f" 3 >/dev/null 2>"$BUILD/valgrind.out" || rc=$?
  if [ "$rc" -eq 99 ]; then
    bad=$((bad + 1))
    echo "not ok $n - $f"
    cat "$BUILD/valgrind.out"
  else
    echo "ok $n - $f"
  fi
done
echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
