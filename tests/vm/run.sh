#!/bin/sh
# run.sh [SUITE.vmtest | DIR | FILE.bats]...
# Boots Debian's kernel under qemu with a pure cgroup v2 hierarchy and runs
# the given bats files inside (default: tests/vm/cgroup2/*.bats) against the
# freshly built hull, printing one TAP stream for automake's tap-driver.
# Environment: HULL_BINARY, HULL_SRCDIR, HULL_BUILDDIR (set by make check),
# HULL_VM_ACCEL (tcg; kvm where it works), HULL_VM_TIMEOUT (seconds, 900),
# HULL_VM_JOBS (bats workers in the guest, 2), HULL_VM_MEM (MiB, 2048),
# HULL_VM_APPEND (more kernel command line, e.g. "loglevel=7" to debug),
# HULL_VM_QEMU (the qemu binary, qemu-system-x86_64).
# A missing qemu or kernel is a failed test with the reason, never a skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${HULL_SRCDIR:-$(cd "$here/../.." && pwd)}
# canonical: abs_top_srcdir of an out-of-tree build is "/path/build/.."
src=$(cd "$src" && pwd -P)
build=${HULL_BUILDDIR:-$(pwd)}
hull=${HULL_BINARY:-$build/hull}
cache=$build/tests/vm/cache
t0=$(date +%s.%N)

# fail REASON [LOGFILE]: one failed test naming the reason, log tail as
# TAP comments, exit 1.
fail() {
  echo "1..1"
  echo "not ok 1 - cgroup v2 VM: $1"
  [ -n "${2:-}" ] && [ -s "$2" ] && tail -n 40 "$2" | tr -d '\r' | sed 's/^/# /'
  exit 1
}

# The bats files to run, relative to $src.
files=""
add_file() {
  f=$(readlink -f "$1")
  case $f in "$src"/*) ;; *) fail "$1 is not inside the source tree $src" ;; esac
  files="$files ${f#"$src"/}"
}
[ $# -gt 0 ] || set -- "$src/tests/vm/cgroup2"
for a in "$@"; do
  case $a in *.vmtest) a=${a%.vmtest} ;; esac
  if [ -d "$a" ]; then
    for f in "$a"/*.bats; do [ -e "$f" ] && add_file "$f"; done
  elif [ -f "$a" ]; then
    add_file "$a"
  else
    fail "no such test file or directory: $a"
  fi
done
[ -n "$files" ] || fail "no .bats files in: $*"

qemu=$(command -v "${HULL_VM_QEMU:-qemu-system-x86_64}") ||
  fail "${HULL_VM_QEMU:-qemu-system-x86_64} not found: apt-get install qemu-system-x86 (tests/deps.sh does)"
[ -x "$hull" ] || fail "hull binary not found at $hull (run make first)"
mkdir -p "$cache"
# The systemd leg boots systemd as PID 1 (its files in a second image);
# its run has its own directory, so both suites can run at once (make -j).
# The systemd-v1 leg: the same with systemd's hybrid cgroup v1 layout.
# The client legs add containerd and podman (a third image), on pure v2
# with the cgroupfs driver (clients/) or with systemd as PID 1 and its
# driver (clients-systemd/).
extra=""
append=""
cgroups="systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all"
run=$build/tests/vm/last-run
case " $files " in
*" tests/vm/systemd/"*)
  extra=$cache/systemd.cpio
  append="hullvm.init=systemd"
  run=$build/tests/vm/last-run-systemd ;;
*" tests/vm/systemd-v1/"*)
  extra=$cache/systemd.cpio
  append="hullvm.init=systemd"
  cgroups="systemd.unified_cgroup_hierarchy=0"
  run=$build/tests/vm/last-run-systemd-v1 ;;
*" tests/vm/clients/"*)
  extra=$cache/clients.cpio
  run=$build/tests/vm/last-run-clients ;;
*" tests/vm/clients-systemd/"*)
  extra="$cache/systemd.cpio $cache/clients.cpio"
  append="hullvm.init=systemd"
  run=$build/tests/vm/last-run-clients-systemd ;;
esac
rm -rf "$run"
mkdir -p "$run"

# The cache is shared by concurrent runs: prepared under a lock.
exec 8>"$cache/prepare.lock"
flock 8
sh "$here/kernel.sh" "$cache" >"$run/prepare.log" 2>&1 ||
  fail "could not prepare Debian's kernel (linux-image-amd64)" "$run/prepare.log"
sh "$here/initramfs.sh" "$cache" >>"$run/prepare.log" 2>&1 ||
  fail "could not build the initramfs" "$run/prepare.log"
case " $extra " in *"/systemd.cpio "*)
  sh "$here/systemd-image.sh" "$cache" >>"$run/prepare.log" 2>&1 ||
    fail "could not build the systemd image" "$run/prepare.log" ;;
esac
case " $extra " in *"/clients.cpio "*)
  sh "$here/clients-image.sh" "$cache" >>"$run/prepare.log" 2>&1 ||
    fail "could not build the containerd/podman image" "$run/prepare.log" ;;
esac
flock -u 8
exec 8>&-
sh "$here/payload.sh" "$run/payload" "$src" "$build" "$hull" $files >>"$run/prepare.log" 2>&1 ||
  fail "could not pack the test payload" "$run/prepare.log"
token=$(cat "$run/payload/vm/payload/token")
cat "$cache/base.cpio" $extra "$run/payload.cpio" >"$run/initrd.cpio"
t1=$(date +%s.%N)

# Serial 0: the console (kernel messages, stderr) -> console.log.
# Serial 1: the results -> results.log. quiet keeps the console small.
timeout -k 10 "${HULL_VM_TIMEOUT:-900}" "$qemu" \
  -nodefaults -no-user-config -display none -no-reboot \
  -accel "${HULL_VM_ACCEL:-tcg}" -cpu "${HULL_VM_CPU:-max}" -smp "${HULL_VM_JOBS:-2}" -m "${HULL_VM_MEM:-2048}" \
  -kernel "$cache/kernel/vmlinux" -initrd "$run/initrd.cpio" \
  -append "console=ttyS0 quiet loglevel=3 reboot=t panic=-1 random.trust_cpu=on $cgroups hullvm.jobs=${HULL_VM_JOBS:-2} $append ${HULL_VM_APPEND:-}" \
  -serial "file:$run/console.log" -serial "file:$run/results.log" \
  >"$run/qemu.log" 2>&1
qrc=$?
t2=$(date +%s.%N)
rm -f "$run/initrd.cpio"

tr -d '\r' <"$run/results.log" >"$run/results.txt" 2>/dev/null
if ! grep -qx "$token END ok" "$run/results.txt"; then
  reason=$(sed -n "s/^$token END //p" "$run/results.txt" | head -n 1)
  [ "$qrc" -eq 124 ] && reason="timed out after ${HULL_VM_TIMEOUT:-900} s"
  cat "$run/qemu.log" >>"$run/console.log"
  fail "the VM did not report results (qemu exit $qrc${reason:+, $reason}); see $run/console.log" "$run/console.log"
fi

sed -n "/^$token BEGIN\$/,/^$token END ok\$/p" "$run/results.txt" |
  awk -v t0="$t0" -v t1="$t1" -v t2="$t2" '
  function close_file() {
    if (file == "") return
    if (got < plan)
      out[++n] = sprintf("not ok %%d - %s: %d of %d tests did not report (bats exit %s)", file, plan - got, plan, rc)
    else if (plan == 0 && got == 0 && rc != 0)
      out[++n] = sprintf("not ok %%d - %s: bats failed (exit %s) before running tests", file, rc)
  }
  /^file / { close_file(); file = substr($0, 6); plan = 0; got = 0; rc = "?"; next }
  /^plan / { plan = $2 + 0; next }
  /^exit / { rc = $2; next }
  /^(not )?ok / {
    got++
    if (/^ok /) out[++n] = "ok %d - " file ": " substr($0, 4)
    else out[++n] = "not ok %d - " file ": " substr($0, 8)
    next
  }
  /^#/ { out[++n] = $0 }
  END {
    close_file()
    for (i = 1; i <= n; i++) if (out[i] !~ /^#/) tests++
    printf "1..%d\n", tests
    k = 0
    for (i = 1; i <= n; i++) {
      if (out[i] ~ /^#/) { print out[i]; continue }
      line = out[i]; sub(/%d/, ++k, line); print line
    }
    printf "# vm: prepare %.1f s, qemu boot+tests+poweroff %.1f s\n", t1 - t0, t2 - t1
  }'
