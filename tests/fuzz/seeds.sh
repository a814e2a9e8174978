#!/bin/sh
# Copies TARGET's seed corpus into DIR (made if missing), HULL being a
# built hull (for `hull spec`'s default configs). config and seccomp: the
# runtime-spec schema vectors (good and bad), hull's default and rootless
# configs, tests/fuzz/corpus and the Docker-default-style profile of
# bench/ (~300 rules: the seccomp compiler's seed); state, annotations,
# cli and dbus: tests/fuzz/corpus-TARGET.
# Usage: tests/fuzz/seeds.sh TARGET DIR HULL
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${1:?usage: $0 TARGET DIR HULL}
DIR=${2:?usage: $0 TARGET DIR HULL}
HULL=${3:?usage: $0 TARGET DIR HULL}
mkdir -p "$DIR"
case $TARGET in
  state|annotations|cli|dbus) cp "$SRC/tests/fuzz/corpus-$TARGET"/* "$DIR"/; exit 0 ;;
  config|seccomp) ;;
  *) echo "$0: unknown target $TARGET (config seccomp state annotations cli dbus)" >&2; exit 2 ;;
esac
cp "$SRC"/tests/fuzz/corpus/* "$DIR"/
cp "$SRC"/bench/parse-docker-default.json "$DIR"/
for d in "${HULL_SPEC_VECTORS:-$SRC/../shared/ref/runtime-spec/schema/test/config}" \
         /work/shared/ref/runtime-spec/schema/test/config; do
  if [ -d "$d" ]; then
    for f in "$d"/good/*.json "$d"/bad/*.json; do cp "$f" "$DIR/$(basename "$(dirname "$f")")-$(basename "$f")"; done
    break
  fi
done
"$HULL" spec --bundle "$DIR" 2>/dev/null && mv "$DIR/config.json" "$DIR/default.json"
"$HULL" spec --rootless --bundle "$DIR" 2>/dev/null && mv "$DIR/config.json" "$DIR/rootless.json"
exit 0
