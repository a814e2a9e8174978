# image-lib.sh: sourced by the scripts that pack a part of the VM's
# initramfs (initramfs.sh, systemd-image.sh, clients-image.sh, payload.sh).
# Set IMG to the image's root directory first.
#
# Host files go in at their host paths; the image has the host's merged-/usr
# links (img_usr_links), so a path, its symlink chain and an ELF
# interpreter path resolve the same way inside as outside.

# img_usr_links: /bin, /lib... as the symlinks they are on the host.
img_usr_links() {
  for d in bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$d" ] && [ ! -e "$IMG/$d" ]; then ln -s "$(readlink "/$d")" "$IMG/$d"; fi
  done
}

# img_libs FILE: the libraries ldd lists for FILE (and its interpreter).
img_libs() {
  ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'
}

# img_add PATH: PATH at its host path (its directory canonicalised), a
# chain of symlinks recreated link by link (libfoo.so.2 -> libfoo.so.2.0.0
# both go in), an ELF file with every library it needs, once each.
img_add() {
  _p=$(readlink -f "$(dirname "$1")")/${1##*/}
  { [ -e "$IMG$_p" ] || [ -L "$IMG$_p" ]; } && return 0
  mkdir -p "$IMG${_p%/*}"
  if [ -L "$_p" ]; then
    _t=$(readlink "$_p")
    ln -s "$_t" "$IMG$_p"
    case $_t in /*) img_add "$_t" ;; *) img_add "${_p%/*}/$_t" ;; esac
  elif [ -f "$_p" ]; then
    cp -p "$_p" "$IMG$_p"
    if head -c 4 "$_p" | grep -q ELF; then
      for _l in $(img_libs "$_p"); do img_add "$_l"; done
    fi
  fi
}

# img_add_as FILE DEST: FILE (a build output) at DEST, its libraries at
# their host paths.
img_add_as() {
  mkdir -p "$(dirname "$IMG$2")"
  cp "$1" "$IMG$2"
  for _l in $(img_libs "$1"); do img_add "$_l"; done
}

# img_cpio OUT [base]: the image as an uncompressed newc cpio (the kernel
# unpacks it faster than it decompresses one), written atomically. Only
# the base image carries "." (the root's mode); the parts appended after
# it leave the root as the base made it.
img_cpio() {
  _min=1
  [ "${2:-}" = base ] && _min=0
  (cd "$IMG" && find . -mindepth "$_min" | busybox cpio -o -H newc 2>/dev/null) >"$1.tmp"
  mv "$1.tmp" "$1"
}
