#!/bin/sh
# HULL_BINARY for `make check-valgrind` (tests/valgrind.sh): runs the hull
# in HULL_VALGRIND_REAL under valgrind memcheck, one log per process in
# HULL_VALGRIND_LOGS. create, run and exec run natively: their child (the
# init shim, a clone without exec, or exec's fork) stays under valgrind,
# and valgrind 3.19 answers openat2, open_tree, move_mount, fsopen and
# mount_setattr with ENOSYS, which that code needs (Debian 12 has no newer
# valgrind). Everything else (state, list, start, kill, delete, pause,
# resume, ps, update, events, spec, features, usage errors) runs under it.
REAL=${HULL_VALGRIND_REAL:?}
LOGS=${HULL_VALGRIND_LOGS:?}
# The command: the first word that is neither a global option nor the
# value of one that takes a value (main.c's table).
cmd=
skip=
for a in "$@"; do
  if [ -n "$skip" ]; then skip=; continue; fi
  case $a in
    --log|--log-format|--root|--rootless|--cgroup-manager|--criu) skip=1 ;;
    -*) ;;
    *) cmd=$a; break ;;
  esac
done
case " ${HULL_VALGRIND_NATIVE-create run exec} " in
  *" $cmd "*) exec "$REAL" "$@" ;;
esac
# --trace-children=no: ps, hooks, newuidmap run natively once exec'd.
# Leaks: only "definitely lost" is an error (hull exits right after its
# work; still-reachable memory at exit is not a leak). Errors are counted
# from the logs by tests/valgrind.sh (the markers: a forked child that
# exec'd writes no ERROR SUMMARY), not through the exit code, so a test
# sees hull's own status.
exec valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite \
  --show-leak-kinds=definite --track-fds=yes --trace-children=no --num-callers=30 \
  --error-markers=HULL-VALGRIND-ERROR,HULL-VALGRIND-END \
  --log-file="$LOGS/vg.%p" "$REAL" "$@"
