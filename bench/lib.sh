# shellcheck shell=bash
# bench/lib.sh: the benchmarks proper, sourced by bench/run.sh inside its
# private mount namespace. Uses: WORK RAW CACHE TAG N PAR RUNTIMES TICK FLOOR
# HULL CGNOTE and rt_cmd (which sets CMD to a runtime's command prefix).
# Every measured command goes through `tick`, which appends
# "LABEL WALL_NS MAX_RSS_KB STATUS" to $RAW/<benchmark>.

# ---- bundles ---------------------------------------------------------------
make_rootfs() {
  local r=$WORK/rootfs a
  mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,root,var,usr/bin}
  cp /bin/busybox "$r/bin/busybox"
  for a in $(/bin/busybox --list); do
    [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
  done
  echo "root:x:0:0:root:/root:/bin/sh" >"$r/etc/passwd"
  printf 'root:x:0:\ntty:x:5:\n' >"$r/etc/group"
  # Mount points for the containerd-style /etc bind mounts (the rootfs of
  # the default bundle is read-only, so they must exist beforehand).
  : >"$r/etc/hosts"
  : >"$r/etc/hostname"
  : >"$r/etc/resolv.conf"
  mkdir -p "$WORK/etc"
  printf '127.0.0.1 localhost\n' >"$WORK/etc/hosts"
  echo bench >"$WORK/etc/hostname"
  printf 'nameserver 127.0.0.1\n' >"$WORK/etc/resolv.conf"
}

# The default config: `hull spec` when hull has it, else `runc spec` (the
# same defaults). Sets BASE and SPEC_FROM.
base_config() {
  local d=$WORK/spec
  mkdir -p "$d/hull" "$d/runc"
  if [ -n "$HULL" ] && (cd "$d/hull" && "$HULL" spec >/dev/null 2>&1) &&
    jq -e .process "$d/hull/config.json" >/dev/null 2>&1; then
    BASE=$d/hull/config.json
    SPEC_FROM="hull spec"
  else
    (cd "$d/runc" && runc spec)
    BASE=$d/runc/config.json
    SPEC_FROM="runc spec (hull spec not available)"
  fi
  # ociVersion 1.1.0: crun 1.8.1 refuses anything newer ("unknown version
  # specified"), and every runtime must get the very same config.
  jq --arg root "$WORK/rootfs" \
    '.ociVersion = "1.1.0" | .process.terminal = false | .process.args = ["/bin/true"]
     | .root = {path: $root, readonly: true} | .hostname = "bench"' \
    "$BASE" >"$d/default.json"
  # Without a network namespace and resources: the kernel's netns set-up and
  # teardown cost (most of the floor) is gone, so the runtime's own overhead
  # stands out.
  jq '.linux.namespaces |= map(select(.type != "network")) | del(.linux.resources)' \
    "$d/default.json" >"$d/minimal.json"
  jq --slurpfile profile "$CACHE/containers-seccomp.json" --arg etc "$WORK/etc" \
    -f "$BENCH_DIR/containerd-spec.jq" "$d/default.json" >"$d/containerd.json"
  SECCOMP_NAMES=$(jq '[.linux.seccomp.syscalls[].names | length] | add' "$d/containerd.json")
  SECCOMP_RULES=$(jq '.linux.seccomp.syscalls | length' "$d/containerd.json")
}

# bundle RT NAME TEMPLATE [JQ-FILTER]: $WORK/b/RT/NAME/config.json from the
# template, with its own cgroup /hull-test/bench-TAG-RT-NAME.
bundle() {
  local rt=$1 name=$2 tmpl=$3 filter=${4:-.} dir=$WORK/b/$1/$2
  mkdir -p "$dir"
  jq --arg cg "/hull-test/bench-$TAG-$rt-${name//\//-}" \
    ".linux.cgroupsPath = \$cg | $filter" "$WORK/spec/$tmpl.json" >"$dir/config.json"
}

make_bundles() {
  local rt i
  make_rootfs
  base_config
  for rt in $RUNTIMES; do
    bundle "$rt" default default
    bundle "$rt" split "$BENCH_BASE"
    bundle "$rt" containerd containerd
    bundle "$rt" minimal minimal
    bundle "$rt" sleeper "$BENCH_BASE" '.process.args = ["/bin/sleep", "1000000"]'
    for ((i = 0; i < PAR; i++)); do
      bundle "$rt" "par/$i" "$BENCH_BASE"
    done
  done
  NSFLAGS=$(jq -r '[.linux.namespaces[].type] | join(",")' "$WORK/spec/default.json")
  NSFLAGS_MIN=$(jq -r '[.linux.namespaces[].type] | join(",")' "$WORK/spec/minimal.json")
}

write_env() {
  local rt
  {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "kernel: $(uname -r)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "iterations: $N; parallel: $PAR"
    echo "cgroups: $CGNOTE"
    echo "state roots (--root): on a tmpfs, like /run"
    echo "default bundle: $SPEC_FROM, args /bin/true, busybox-static rootfs (read-only), namespaces $NSFLAGS"
    echo "minimal bundle: the default one without network namespace and without linux.resources (namespaces $NSFLAGS_MIN)"
    echo "bundle of create/start/delete, exec and parallel: $BENCH_BASE"
    echo "containerd-style bundle: $SECCOMP_RULES seccomp rules ($SECCOMP_NAMES syscall names), $(jq '.linux.maskedPaths | length' "$WORK/spec/containerd.json") masked paths, $(jq '.linux.readonlyPaths | length' "$WORK/spec/containerd.json") read-only paths, $(jq '.mounts | length' "$WORK/spec/containerd.json") mounts"
    for rt in $RUNTIMES; do
      echo "$rt: $("${RT_BIN[$rt]}" --version 2>&1 | head -n1) ($("${RT_BIN[$rt]}" --version 2>&1 | grep -m1 '^commit' || true))"
    done
    echo "hull tree: $(git -C "$SRC_DIR" log -1 --format='%h %s' 2>/dev/null || echo unknown); default CFLAGS (-g -O2)"
    echo "link: ${HULL_BENCH_LINK_NOTE:-}"
  } >"$RAW/env"
}

# ---- the loop ----------------------------------------------------------------
# note TEXT: a line for the report (failures, left-out runtimes).
note() {
  echo "$*" >>"$RAW/notes"
  say "$*"
}

# loop BENCH FN RT...: N iterations; in each, FN RT I for every runtime, the
# one going first rotating. A runtime whose first call fails, or that fails
# 3 times, is dropped from this benchmark with its error text in the notes.
loop() {
  local bench=$1 fn=$2 i k rt err
  shift 2
  local -a rts=("$@")
  local -A fails=()
  for ((i = 1; i <= N; i++)); do
    [ ${#rts[@]} -gt 0 ] || break
    local -a order=()
    for ((k = 0; k < ${#rts[@]}; k++)); do
      order+=("${rts[$(((i + k) % ${#rts[@]}))]}")
    done
    for rt in "${order[@]}"; do
      "$fn" "$rt" "$i" 2>"$WORK/log/last.err" && continue
      fails[$rt]=$((${fails[$rt]:-0} + 1))
      if [ "$i" -eq 1 ] || [ "${fails[$rt]}" -ge 3 ]; then
        err=$(grep -v '^$' "$WORK/log/last.err" | tail -n 2 | tr '\n' ' ' | cut -c1-200)
        note "$bench: $rt left out after ${fails[$rt]} failure(s): ${err:-no error text}"
        local -a keep=()
        for k in "${rts[@]}"; do [ "$k" = "$rt" ] || keep+=("$k"); done
        rts=("${keep[@]}")
      fi
      remove_leftovers "$rt"
    done
  done
  for rt in $RUNTIMES; do remove_leftovers "$rt"; done
}

# remove_leftovers RT: force-deletes every container RT still has.
remove_leftovers() {
  local rt=$1 d
  [ "$rt" = floor ] && return 0
  [ -d "$WORK/state/$rt" ] || return 0
  rt_cmd "$rt"
  for d in "$WORK/state/$rt"/*/; do
    [ -d "$d" ] || continue
    "${CMD[@]}" delete --force "$(basename "$d")" >/dev/null 2>&1 || true
  done
}

# tick_rt FILE LABEL RT ARGS...: times one call of runtime RT.
tick_rt() {
  local file=$1 label=$2 rt=$3
  shift 3
  rt_cmd "$rt"
  "$TICK" -o "$RAW/$file" -l "$label" -- "${CMD[@]}" "$@" </dev/null >/dev/null
}

# ---- benchmarks ----------------------------------------------------------------
# 1 and 6: `run` of /bin/true, with the default or the containerd-style
# config; the floor takes part in the default one.
step_run_default() {
  if [ "$1" = floor ]; then
    "$TICK" -o "$RAW/run" -l "floor $2" -- "$FLOOR" -n "$NSFLAGS" "$WORK/rootfs" /bin/true \
      </dev/null >/dev/null
    return
  fi
  tick_rt run "$1 $2" "$1" run --bundle "$WORK/b/$1/default" "r-$1-$2"
}
step_run_containerd() {
  tick_rt containerd "$1 $2" "$1" run --bundle "$WORK/b/$1/containerd" "c-$1-$2"
}
step_run_minimal() {
  if [ "$1" = floor ]; then
    "$TICK" -o "$RAW/minimal" -l "floor $2" -- "$FLOOR" -n "$NSFLAGS_MIN" "$WORK/rootfs" \
      /bin/true </dev/null >/dev/null
    return
  fi
  tick_rt minimal "$1 $2" "$1" run --bundle "$WORK/b/$1/minimal" "m-$1-$2"
}

bench_run() {
  say "run /bin/true ($1 config)"
  # shellcheck disable=SC2086
  case $1 in
    default) loop run step_run_default $RUNTIMES floor ;;
    minimal) loop minimal step_run_minimal $RUNTIMES floor ;;
    *) loop containerd step_run_containerd $RUNTIMES ;;
  esac
}

# 7 (run.sh --overlay): `run /bin/true` of hull with and without --overlay,
# the minimal bundle (its read-only root becomes a read-only overlay), the
# two alternating like runtimes. "RT+overlay" is RT with --overlay and its
# own state root.
step_run_overlay() {
  local rt=${1%+overlay} extra=()
  [ "$1" != "$rt" ] && extra=(--overlay)
  tick_rt overlay "$1 $2" "$1" run "${extra[@]}" --bundle "$WORK/b/$rt/minimal" "o-$rt-$2"
}

bench_overlay() {
  local rt rts=()
  for rt in $RUNTIMES; do
    case $rt in hull | hull-dynamic)
      RT_BIN[$rt+overlay]=${RT_BIN[$rt]}
      rts+=("$rt" "$rt+overlay") ;;
    esac
  done
  [ ${#rts[@]} -gt 0 ] || die "--overlay: no hull to measure"
  say "run /bin/true with and without --overlay: ${rts[*]}; $N iterations"
  loop overlay step_run_overlay "${rts[@]}"
  for rt in "${rts[@]}"; do remove_leftovers "$rt"; done
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/env"
  # Beside, not in, raw/: a full run replaces raw/ and its env.
  cp "$RAW/overlay" "$OUT/overlay.raw"
  overlay_report "$RAW/overlay" >"$OUT/overlay.md"
  cat "$OUT/overlay.md"
}

# overlay_report RAW: medians (wall and CPU) per variant and the overlay's
# median cost; the delta is the difference of the two medians.
overlay_report() {
  local f=$1 rt
  median() { sort -n | awk '{v[NR]=$1} END {if (NR) printf "%.2f", (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
  echo "# run /bin/true with and without --overlay"
  echo
  sed 's/^/    /' "$RAW/env"
  echo
  echo "| variant | runs | median wall ms | median CPU ms |"
  echo "|---|---|---|---|"
  for rt in $(awk '{print $1}' "$f" | sort -u); do
    printf '| %s | %s | %s | %s |\n' "$rt" "$(awk -v r="$rt" '$1 == r && $5 == 0' "$f" | wc -l)" \
      "$(awk -v r="$rt" '$1 == r && $5 == 0 {print $3 / 1e6}' "$f" | median)" \
      "$(awk -v r="$rt" '$1 == r && $5 == 0 {print $6 / 1e3}' "$f" | median)"
  done
  echo
  for rt in $(awk '{print $1}' "$f" | grep -v '+overlay$' | sort -u); do
    local a b c d
    a=$(awk -v r="$rt" '$1 == r && $5 == 0 {print $3 / 1e6}' "$f" | median)
    b=$(awk -v r="$rt+overlay" '$1 == r && $5 == 0 {print $3 / 1e6}' "$f" | median)
    c=$(awk -v r="$rt" '$1 == r && $5 == 0 {print $6 / 1e3}' "$f" | median)
    d=$(awk -v r="$rt+overlay" '$1 == r && $5 == 0 {print $6 / 1e3}' "$f" | median)
    [ -n "$a" ] && [ -n "$b" ] &&
      echo "$rt: --overlay adds $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b - a}') ms median wall," \
        "$(awk -v a="$c" -v b="$d" 'BEGIN {printf "%.2f", b - a}') ms median CPU (target < 2 ms)"
  done
}

# wait_stopped RT ID: polls `state` (untimed) until the container stopped.
wait_stopped() {
  local n st
  rt_cmd "$1"
  for ((n = 0; n < 1000; n++)); do
    st=$("${CMD[@]}" state "$2" 2>/dev/null | jq -r .status 2>/dev/null) || st=""
    [ "$st" = stopped ] && return 0
    sleep 0.005
  done
  echo "$1: container $2 did not stop (status '$st')" >&2
  return 1
}

# 2: the same split into create, start, delete.
step_split() {
  local rt=$1 i=$2 id=s-$1-$2
  tick_rt create "$rt $i" "$rt" create --bundle "$WORK/b/$rt/split" "$id" || return 1
  tick_rt start "$rt $i" "$rt" start "$id" || return 1
  wait_stopped "$rt" "$id" || return 1
  tick_rt delete "$rt $i" "$rt" delete "$id"
}

bench_split() {
  say "create / start / delete"
  # shellcheck disable=SC2086
  loop split step_split $RUNTIMES
}

# 3: exec of /bin/true into a running container (one per runtime).
step_exec() {
  tick_rt exec "$1 $2" "$1" exec "x-$1" /bin/true
}

bench_exec() {
  local rt live=""
  say "exec /bin/true into a running container"
  for rt in $RUNTIMES; do
    rt_cmd "$rt"
    if "${CMD[@]}" run --detach --bundle "$WORK/b/$rt/sleeper" "x-$rt" \
      </dev/null >/dev/null 2>"$WORK/log/last.err"; then
      live="$live $rt"
    else
      note "exec: $rt left out: its container did not start: $(tail -n 2 "$WORK/log/last.err" | tr '\n' ' ' | cut -c1-200)"
    fi
  done
  # shellcheck disable=SC2086
  [ -n "$live" ] && loop exec step_exec $live
  for rt in $live; do
    rt_cmd "$rt"
    "${CMD[@]}" kill "x-$rt" KILL >/dev/null 2>&1 || true
    wait_stopped "$rt" "x-$rt" 2>/dev/null || true
    remove_leftovers "$rt"
  done
}

# 5: PAR containers started at once, wall time until all have exited. Fewer
# rounds than N: each round is PAR containers.
step_parallel() {
  local rt=$1 i=$2
  rt_cmd "$rt"
  "$TICK" -o "$RAW/parallel" -l "$rt $i" -p "$PAR" -- "${CMD[@]}" run \
    --bundle "$WORK/b/$rt/par/{}" "p-$rt-$i-{}" </dev/null >/dev/null
}

bench_parallel() {
  local saved=$N
  N=$((N / 10 > 3 ? N / 10 : 3))
  say "$PAR containers in parallel, $N rounds"
  # shellcheck disable=SC2086
  loop parallel step_parallel $RUNTIMES
  N=$saved
}

# Start cost of the binary itself: `--version` and `state` of a missing
# container, with hyperfine (no shell), for every runtime; this is where a
# static hull shows against a dynamic one.
bench_startup() {
  local rt
  local -a cmds=()
  command -v hyperfine >/dev/null || { note "startup: hyperfine missing"; return 0; }
  say "start cost: --version, state of a missing container (hyperfine)"
  for rt in $RUNTIMES; do
    rt_cmd "$rt"
    cmds+=(-n "$rt --version" "${CMD[0]} --version")
    cmds+=(-n "$rt state missing" "${CMD[*]} state nonexistent-$TAG")
  done
  hyperfine -N -i --style none --warmup 5 --runs "$N" \
    --export-json "$RAW/startup.json" "${cmds[@]}" >/dev/null 2>"$WORK/log/hyperfine.err" ||
    note "startup: hyperfine failed: $(tail -n 2 "$WORK/log/hyperfine.err" | tr '\n' ' ')"
}

collect_results() {
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/env"
  rm -rf "$OUT/raw"
  mkdir -p "$OUT/raw"
  cp "$RAW"/* "$OUT/raw/"
}

# ---- cleanup (EXIT/INT/TERM) ----------------------------------------------------
cleanup() {
  local rt c
  trap - EXIT INT TERM
  for rt in $RUNTIMES; do remove_leftovers "$rt"; done
  # Only our own cgroups: /hull-test/bench-<this run's tag>-*. The
  # /hull-test parent is shared with the test suite and stays.
  for c in /sys/fs/cgroup/*/hull-test/bench-"$TAG"-*; do
    [ -d "$c" ] && { rmdir "$c" 2>/dev/null || true; }
  done
  umount "$WORK/state" 2>/dev/null || true
  rm -rf "$WORK"
}
