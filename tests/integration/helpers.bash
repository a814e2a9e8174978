# Shared helpers for hull's integration tests (bats).
# HULL_BINARY, HULL_SRCDIR and HULL_BUILDDIR come from `make check`.

HULL=${HULL_BINARY:-$(command -v hull)}

# Runs hull with a private state root for this test file.
hull() {
  "$HULL" --root "$HULL_TEST_ROOT" "$@"
}

# A fresh state root per test file; removed in common_teardown_file.
common_setup_file() {
  export HULL_TEST_ROOT
  HULL_TEST_ROOT=$(mktemp -d /tmp/hull-test-root.XXXXXX)
}

common_teardown_file() {
  [ -n "${HULL_TEST_ROOT:-}" ] && rm -rf "$HULL_TEST_ROOT"
}

# Skips a test that needs root.
require_root() {
  [ "$(id -u)" -eq 0 ] || skip "needs root"
}
