#!/bin/sh
# make lint: cppcheck and clang-tidy (.clang-tidy: bugprone, cert, the clang
# static analyzer) over src/, and with LINT_SCAN_BUILD=1 also scan-build
# over a clang build of hull. Any finding fails. Run by `make lint` from a
# configured build dir, which passes the compile flags in LINT_CFLAGS.
# Usage: tests/lint.sh BUILD_DIR   (LINT_JOBS: parallel clang-tidy, 2)
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
JOBS=${LINT_JOBS:-2}
HULL_DEPS_PKGS="cppcheck clang-tidy clang-tools" sh "$SRC/tests/deps.sh"
cd "$SRC"
# hull's sources; src/mnlcompat is a stand-in for Debian's libmnl, kept
# byte-compatible with it rather than with our rules.
FILES=$(ls src/main.c src/*/*.c | grep -v '^src/mnlcompat/')
CFLAGS_ALL="${LINT_CFLAGS:--std=gnu11 -I src -I $BUILD -include $BUILD/config.h}"
status=0

echo "== cppcheck"
# warning/portability/performance: style adds only unused struct members
# (spec fields kept for completeness) and scope nits. Findings that are not
# defects carry an inline `cppcheck-suppress` with the reason.
# shellcheck disable=SC2086
cppcheck -q --error-exitcode=1 --enable=warning,portability,performance --inline-suppr \
  --std=c11 -D__linux__ -D__x86_64__ -I src -I "$BUILD" --include="$BUILD/config.h" \
  -j "$JOBS" $FILES || status=1

echo "== clang-tidy ($(echo "$FILES" | wc -w) files, $JOBS at a time)"
export CFLAGS_ALL
# shellcheck disable=SC2086
printf '%s\n' $FILES | xargs -P "$JOBS" -n 4 sh -c \
  'clang-tidy --quiet "$@" -- $CFLAGS_ALL 2>/dev/null' lint >"$BUILD/clang-tidy.out" || status=1
if grep -E '(warning|error):' "$BUILD/clang-tidy.out"; then status=1; fi

if [ "${LINT_SCAN_BUILD:-0}" = 1 ]; then
  echo "== scan-build"
  sb=$BUILD/scan-build
  rm -rf "$sb"
  mkdir -p "$sb/obj"
  (cd "$sb/obj" && CC=clang "$SRC/configure" -q &&
    scan-build -o "$sb/report" --status-bugs make -s -j"$JOBS" hull) || status=1
fi

[ "$status" -eq 0 ] && echo "lint: clean" || echo "lint: findings above"
exit "$status"
