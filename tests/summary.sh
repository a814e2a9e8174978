#!/bin/sh
# Prints the closing "N passed, N failed" line from automake's .trs files.
# Usage: tests/summary.sh BUILDDIR...
[ $# -gt 0 ] || set -- .
find "$@" -name '*.trs' -exec cat {} + 2>/dev/null | awk '
  /^:test-result: (PASS|XFAIL)/ { pass++ }
  /^:test-result: (FAIL|XPASS|ERROR)/ { fail++ }
  /^:test-result: SKIP/ { skip++ }
  END { printf "%d passed, %d failed, %d skipped\n", pass, fail, skip }'
