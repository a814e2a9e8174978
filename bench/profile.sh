# shellcheck shell=bash
# bench/profile.sh: where the time of one `run` goes, per runtime, for the
# default and the containerd-style bundle: `strace -f -c` (syscall counts of
# the whole process tree), a full `strace -f -tt -T` trace, and `perf stat`
# (task clock, context switches, page faults). Sourced by `run.sh --profile`
# inside the same private mount namespace and with the same bundles as the
# benchmarks. Writes OUT/profile/ and OUT/profile/summary.md.

# prof_run RT CFG TOOL...: one `run` of RT with bundle CFG under TOOL.
prof_run() {
  local rt=$1 cfg=$2
  shift 2
  rt_cmd "$rt"
  local rc=0
  "$@" "${CMD[@]}" run --bundle "$WORK/b/$rt/$cfg" "prof-$rt-$cfg-$RANDOM" \
    </dev/null >/dev/null 2>"$WORK/log/last.err" || rc=$?
  remove_leftovers "$rt"
  echo "$rc" >>"$OUT/profile/$rt-$cfg.rc"
  [ $rc -eq 0 ] || note "profile: $rt $cfg: $* failed: $(tail -n 2 "$WORK/log/last.err" | tr '\n' ' ' | cut -c1-200)"
  return 0
}

profile_all() {
  local p=$OUT/profile rt cfg
  rm -rf "$p"
  mkdir -p "$p"
  for cfg in default minimal containerd; do
    for rt in $RUNTIMES; do
      say "profile: $rt, $cfg bundle"
      prof_run "$rt" "$cfg" strace -f -c -S calls -o "$p/$rt-$cfg.strace-c.txt"
      prof_run "$rt" "$cfg" strace -f -tt -T -o "$p/$rt-$cfg.strace.txt"
      prof_run "$rt" "$cfg" perf stat -x, -o "$p/$rt-$cfg.perf-stat.txt" \
        -e task-clock,context-switches,cpu-migrations,page-faults --
    done
  done
  profile_summary "$p" >"$p/summary.md"
  say "profile written to $p (summary.md)"
}

# strace -c's "total" line: calls and errors.
strace_total() {
  awk '$NF == "total" { if (NF == 6) print $4, $5; else print $4, 0 }' "$1"
}

# The N most frequent syscalls of a strace -c file, "name×calls, ...".
strace_top() {
  awk -v n="$2" '/^-/ { body = !body; next } body && $NF != "total" && NF >= 5 {
      if (k++ < n) printf "%s%s×%s", (k > 1 ? ", " : ""), $NF, $4 }
    END { print "" }' "$1"
}

perf_value() {
  awk -F, -v ev="$2" '$3 == ev { printf "%.1f", $1 }' "$1" 2>/dev/null
}

profile_summary() {
  local p=$1 rt cfg f tot ok
  echo 'One run per runtime and bundle. "run ok: no" means the runtime failed'
  echo 'there, so its numbers show a failure path, not a container start.'
  echo
  echo '| runtime | bundle | run ok | syscalls | failed | processes | task-clock ms | ctx switches | page faults | most frequent syscalls |'
  echo '|---|---|---|---:|---:|---:|---:|---:|---:|---|'
  for cfg in default minimal containerd; do
    for rt in $RUNTIMES; do
      f=$p/$rt-$cfg
      [ -s "$f.strace-c.txt" ] || continue
      tot=$(strace_total "$f.strace-c.txt")
      ok=yes
      grep -qv '^0$' "$f.rc" 2>/dev/null && ok=no
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$rt" "$cfg" "$ok" \
        "${tot% *}" "${tot#* }" "$(cut -d' ' -f1 "$f.strace.txt" | sort -u | wc -l)" \
        "$(perf_value "$f.perf-stat.txt" task-clock)" \
        "$(perf_value "$f.perf-stat.txt" context-switches)" \
        "$(perf_value "$f.perf-stat.txt" page-faults)" \
        "$(strace_top "$f.strace-c.txt" 8)"
    done
  done
}
