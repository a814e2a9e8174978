#!/bin/sh
# Generates a roff man page from hull's own help text, so the pages never
# drift from the code. Usage: gen-man.sh HULL [COMMAND] > page.8
set -e
hull=$1
cmd=$2
date=$(date -u +%Y-%m-%d)
if [ -n "$SOURCE_DATE_EPOCH" ]; then date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d); fi
version=$("$hull" --version | sed -n 's/^hull version //p')
if [ -z "$cmd" ]; then
  title=HULL
  name="hull \\- an OCI container runtime"
  help=$("$hull" --help | tail -n +2)
else
  title=$(echo "hull-$cmd" | tr '[:lower:]' '[:upper:]')
  help=$("$hull" help "$cmd")
  summary=$(echo "$help" | sed -n "2s/^ *hull $cmd - //p")
  name="hull-$cmd \\- $summary"
fi
printf '.TH %s 8 "%s" "hull %s" "System Administration"\n' "$title" "$date" "$version"
printf '.SH NAME\n%s\n' "$name"
if [ -z "$cmd" ]; then
  cat <<'ROFF'
.SH DESCRIPTION
.B hull
runs containers from OCI bundles (a directory holding
.I config.json
and a root filesystem), following the OCI runtime specification 1.3. Its
command line is runc's: containerd, podman and other engines that drive
runc can use hull in its place.
.PP
State lives under
.B \-\-root
(default
.IR /run/hull ,
or
.I $XDG_RUNTIME_DIR/hull
when running without root or inside a user namespace), one directory per
container.
ROFF
fi
# Sections of the help text: lines in capitals ending with ':' start a
# section; option lines "   --flag ARG   text" become tagged paragraphs.
echo "$help" | awk -v cmd="$cmd" '
  function esc(s) { gsub(/\\/, "\\\\", s); gsub(/-/, "\\-", s); return s }
  /^[A-Z][A-Z ]*:$/ { sec = substr($0, 1, length($0) - 1); if (sec != "NAME") printf ".SH %s\n", sec; next }
  sec == "NAME" { next }
  sec ~ /OPTIONS/ && /^   -/ {
    line = $0; sub(/^   /, "", line)
    n = match(line, /  +/)
    if (n) { tag = substr(line, 1, n - 1); text = substr(line, n + RLENGTH) } else { tag = line; text = "" }
    printf ".TP\n.B %s\n%s\n", esc(tag), esc(text); next
  }
  sec == "ANNOTATIONS" && /^   [a-z]/ {
    line = substr($0, 4); n = match(line, /  +/)
    printf ".TP\n.B %s\n%s\n", esc(substr(line, 1, n - 1)), esc(substr(line, n + RLENGTH)); next
  }
  sec == "COMMANDS" && /^   [a-z]/ {
    split(substr($0, 4), a, /  +/)
    printf ".TP\n.B %s\n%s\n", a[1], esc(a[2]); next
  }
  /^$/ { next }
  { line = $0; sub(/^ +/, "", line); printf "%s\n.br\n", esc(line) }
'
if [ -z "$cmd" ]; then
  printf '.SH EXIT STATUS\n0 on success, 1 on any error; \\fBrun\\fR exits with the container'"'"'s status (128+N when killed by signal N).\n'
  printf '.SH SEE ALSO\n'
  "$hull" --help | awk '/^COMMANDS:/ {c=1; next} /^$/ {c=0} c && $1 != "help" {printf ".BR hull\\-%s (8),\n", $1}' | sed '$ s/,$//'
else
  printf '.SH SEE ALSO\n.BR hull (8)\n'
fi
