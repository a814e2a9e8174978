#!/usr/bin/env bats
# What `make install` ships besides hull: a man page for every command (from
# the help text, so a command added without one fails here) and the bash
# completion, driven as bash would.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

commands() {
  "$HULL" --help | awk '/^COMMANDS:/ { c = 1; next } /^$/ { c = 0 } c && $1 != "help" { print $1 }'
}

@test "docs: every command in hull --help has a generated man page naming it" {
  local cmds c page summary
  cmds=$(commands)
  [ "$(echo "$cmds" | wc -l)" -ge 15 ]
  for c in $cmds; do
    page=$HULL_BUILDDIR/man/hull-$c.8
    [ -s "$page" ] || { echo "no man page for $c: add it to HULL_COMMANDS in man/Makefile.inc"; return 1; }
    summary=$("$HULL" --help | awk -v c="$c" '$1 == c { $1 = ""; sub(/^ +/, ""); print }')
    grep -qF "hull-$c \\- $summary" "$page" || { echo "$page: NAME does not match '$summary'"; return 1; }
    grep -q '^\.SH OPTIONS\|^\.SH USAGE' "$page"
  done
  [ -s "$HULL_BUILDDIR/man/hull.8" ]
}

# complete LINE...: the words bash completion offers for the last word.
complete_words() {
  HULL=$HULL bash -c '
    hull() { "$HULL" "$@"; }
    . "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _hull; printf "%s\n" "${COMPREPLY[@]}"' _ "$HULL_SRCDIR/contrib/completion/hull" "$@"
}

@test "docs: bash completion offers commands, their flags and flag values" {
  run complete_words hull ru
  [ "$output" = run ]
  run complete_words hull run --bu
  [ "$output" = --bundle ]
  run complete_words hull --log-format j
  [ "$output" = json ]
  run complete_words hull --root /tmp exec --pid-
  [ "$output" = --pid-file ]
}
