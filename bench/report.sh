#!/bin/bash
# bench/report.sh: turns the raw numbers of bench/run.sh into tables
# (OUT/results.md) and a plot of the latency distributions (OUT/latency.svg),
# and, with --readme FILE, puts the tables into FILE between the
# "bench:results" markers. run.sh calls it; rerun it alone to redo the
# report from OUT/raw without measuring again.
#
# usage: bench/report.sh OUT [--readme FILE]
set -euo pipefail

OUT=${1:?usage: report.sh OUT [--readme FILE]}
README=""
[ "${2:-}" = --readme ] && README=${3:?--readme needs a file}
RAW=$OUT/raw
[ -d "$RAW" ] || { echo "report.sh: no raw data in $RAW" >&2; exit 1; }
ORDER="hull hull-dynamic crun runc floor"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The runtimes that appear in any raw file, in ORDER.
present() {
  local rt
  for rt in $ORDER; do
    if cat "$RAW"/{run,minimal,create,start,delete,exec,containerd,parallel} 2>/dev/null |
      awk -v rt="$rt" '$1 == rt { f = 1 } END { exit !f }'; then
      printf '%s ' "$rt"
    fi
  done
}
RTS=$(present)

# Raw lines: RUNTIME ITERATION WALL_NS MAX_RSS_KB STATUS [CPU_US].
# sorted FILE RT: successful wall times (or, with METRIC=cpu, CPU times) of
# RT in FILE, in ms, sorted.
METRIC=wall
sorted() {
  [ -f "$1" ] || return 0
  awk -v rt="$2" -v m="$METRIC" '$1 == rt && $5 == 0 && (m == "wall" || NF >= 6) {
    printf "%.4f\n", m == "wall" ? $3 / 1e6 : $6 / 1e3 }' "$1" | sort -g
}

# quantile Q < sorted numbers: nearest-rank quantile; median = 0.5 (the mean
# of the two middle ones for an even count).
quantile() {
  awk -v q="$1" '{ v[NR] = $1 } END {
    if (NR == 0) { print "-"; exit }
    if (q == 0.5 && NR % 2 == 0) { printf "%.2f\n", (v[NR/2] + v[NR/2+1]) / 2; exit }
    k = int(q * NR + 0.999999); if (k < 1) k = 1; if (k > NR) k = NR
    printf "%.2f\n", v[k] }'
}

# The create+start+delete sum per (runtime, iteration) where all three ran.
cat "$RAW"/create "$RAW"/start "$RAW"/delete 2>/dev/null |
  awk '$5 == 0 { s[$1 " " $2] += $3; u[$1 " " $2] += $6; c[$1 " " $2]++ }
       END { for (k in s) if (c[k] == 3) print k, s[k], 0, 0, u[k] }' >"$TMP/split" || true

BENCHES="run:run /bin/true (default config)
minimal:run /bin/true (minimal: no netns, no resources)
containerd:run /bin/true (containerd config, seccomp)
create:create
start:start
delete:delete
split:create + start + delete
exec:exec /bin/true
parallel:PAR containers run at once, until all exited"

file_of() { if [ "$1" = split ]; then echo "$TMP/split"; else echo "$RAW/$1"; fi; }

median_of() { sorted "$(file_of "$1")" "$2" | quantile 0.5; }

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'
}

par_count() {
  awk 'match($0, /parallel: [0-9]+/) { print substr($0, RSTART + 10, RLENGTH - 10) }' "$RAW/env"
}

latency_table() {
  local line key title rt m h row
  printf '| benchmark (median %s ms) |' "$METRIC"
  for rt in $RTS; do printf ' %s |' "$rt"; done
  printf ' hull ÷ crun | hull ÷ runc | hull ÷ floor |\n|---|'
  for rt in $RTS; do printf -- '---:|'; done
  printf -- '---:|---:|---:|\n'
  while IFS= read -r line; do
    key=${line%%:*}
    title=${line#*:}
    title=${title/PAR/$(par_count)}
    row="| $title |"
    h=$(median_of "$key" hull)
    for rt in $RTS; do
      m=$(median_of "$key" "$rt")
      row="$row $m |"
    done
    row="$row $(ratio "$h" "$(median_of "$key" crun)") | $(ratio "$h" "$(median_of "$key" runc)") |"
    row="$row $(ratio "$h" "$(median_of "$key" floor)") |"
    echo "$row"
  done <<<"$BENCHES"
}

spread_table() {
  local line key title rt f s
  echo '| benchmark | runtime | n | p10 ms | median ms | p90 ms | failed |'
  echo '|---|---|---:|---:|---:|---:|---:|'
  while IFS= read -r line; do
    key=${line%%:*}
    title=${line#*:}
    title=${title/PAR/$(par_count)}
    f=$(file_of "$key")
    [ -f "$f" ] || continue
    for rt in $RTS; do
      sorted "$f" "$rt" >"$TMP/s"
      [ -s "$TMP/s" ] || continue
      s=$(awk -v rt="$rt" '$1 == rt && $5 != 0' "$f" | wc -l)
      echo "| $title | $rt | $(wc -l <"$TMP/s") | $(quantile 0.1 <"$TMP/s") |" \
        "$(quantile 0.5 <"$TMP/s") | $(quantile 0.9 <"$TMP/s") | $s |"
    done
  done <<<"$BENCHES"
}

# Peak RSS (MiB) of the runtime process and the children it waited for,
# median over the runs of each command.
rss_of() {
  [ -f "$RAW/$1" ] || { echo -; return; }
  awk -v rt="$2" '$1 == rt && $5 == 0 { print $4 / 1024 }' "$RAW/$1" | sort -g | quantile 0.5
}

rss_table() {
  local rt k
  echo '| runtime | run (MiB) | create (MiB) | start (MiB) | exec (MiB) | containerd run (MiB) |'
  echo '|---|---:|---:|---:|---:|---:|'
  for rt in $RTS; do
    [ "$rt" = floor ] && continue
    printf '| %s |' "$rt"
    for k in run create start exec containerd; do printf ' %s |' "$(rss_of "$k" "$rt")"; done
    echo
  done
  printf '| hull ÷ crun |'
  for k in run create start exec containerd; do
    printf ' %s |' "$(ratio "$(rss_of "$k" hull)" "$(rss_of "$k" crun)")"
  done
  echo
}

startup_table() {
  [ -s "$RAW/startup.json" ] || return 0
  echo '| command | median ms | mean ± stddev ms | runs |'
  echo '|---|---:|---:|---:|'
  jq -r '.results[] | "| \(.command) | \(.median * 1000 | . * 100 | round / 100) | \(.mean * 1000 | . * 100 | round / 100) ± \(.stddev * 1000 | . * 100 | round / 100) | \(.times | length) |"' \
    "$RAW/startup.json"
}

# One color per runtime in every panel.
color() {
  case $1 in
    hull) echo '#d62728' ;; hull-dynamic) echo '#ff7f0e' ;; crun) echo '#9467bd' ;;
    runc) echo '#2ca02c' ;; *) echo '#1f77b4' ;;
  esac
}

# CDF data per benchmark and runtime, then one gnuplot multiplot.
plot() {
  local line key title rt n=0 script=$TMP/plot.gp first
  command -v gnuplot >/dev/null || { echo "report.sh: no gnuplot, no plot" >&2; return 0; }
  {
    # PLOT=png gives a PNG instead, for a quick look without an SVG viewer.
    if [ "${PLOT:-svg}" = png ]; then
      echo 'set terminal pngcairo size 1500,1100 font "sans,10"'
    else
      echo 'set terminal svg size 1500,1100 dynamic font "sans,11"'
    fi
    echo "set output '$OUT/latency.${PLOT:-svg}'"
    echo 'set multiplot layout 3,3 title "Latency distributions (CDF; x: ms, log scale)"'
    echo 'set logscale x; set grid; set key bottom right; set yrange [0:1]'
  } >"$script"
  while IFS= read -r line; do
    key=${line%%:*}
    title=${line#*:}
    title=${title/PAR/$(par_count)}
    first=1
    for rt in $RTS; do
      sorted "$(file_of "$key")" "$rt" | awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i], i / NR }' \
        >"$TMP/$key-$rt.dat"
      [ -s "$TMP/$key-$rt.dat" ] || continue
      if [ $first -eq 1 ]; then
        printf 'set title "%s"\nplot ' "$title" >>"$script"
        first=0
      else
        printf ', ' >>"$script"
      fi
      printf "'%s' using 1:2 with steps lw 2 lc rgb '%s' title '%s'" "$TMP/$key-$rt.dat" \
        "$(color "$rt")" "$rt" >>"$script"
    done
    if [ $first -eq 1 ]; then
      printf 'set title "%s (no data)"\nunset logscale x\nplot [0:1] NaN notitle\nset logscale x\n' "$title" >>"$script"
    else
      echo >>"$script"
    fi
    n=$((n + 1))
  done <<<"$BENCHES"
  echo 'unset multiplot' >>"$script"
  gnuplot "$script"
}

{
  echo '### Environment'
  echo
  sed 's/^/- /' "$RAW/env"
  echo
  if [ -s "$RAW/notes" ]; then
    echo '### Failures and left-out runtimes'
    echo
    sed 's/^/- /' "$RAW/notes"
    echo
  fi
  echo '### Latency'
  echo
  echo 'Medians in ms, lower is better; "hull ÷ X" is the ratio of the medians'
  echo '(below 1: hull is faster). "-": no successful runs.'
  echo
  latency_table
  echo
  echo '![latency distributions](results/latency.svg)'
  echo
  echo '### CPU time'
  echo
  echo 'Median user+system CPU ms of the runtime command and the children it'
  echo 'waited for (wait4 rusage). Less disturbed by other load than wall time;'
  echo 'blind to what a command leaves running (the init of a created container).'
  echo
  METRIC=cpu latency_table
  echo
  echo '### Spread'
  echo
  spread_table
  echo
  echo '### Peak RSS'
  echo
  echo 'Median of the peak RSS that wait4 reports for the runtime command: the'
  echo 'runtime process, or the largest of the children it waited for'
  # shellcheck disable=SC2016
  echo '(`/usr/bin/time -v` shows the same).'
  echo
  rss_table
  echo
  if [ -s "$RAW/startup.json" ]; then
    echo '### Start cost of the binary (hyperfine)'
    echo
    startup_table
    echo
  fi
} >"$OUT/results.md"
plot

if [ -n "$README" ]; then
  awk -v res="$OUT/results.md" '
    /<!-- bench:results:begin -->/ { print; while ((getline l < res) > 0) print l; skip = 1; next }
    /<!-- bench:results:end -->/ { skip = 0 }
    !skip { print }' "$README" >"$README.new"
  mv "$README.new" "$README"
fi
echo "report: $OUT/results.md, $OUT/latency.svg${README:+, $README}" >&2
