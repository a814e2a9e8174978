#!/bin/sh
# rootfs-template.sh DIR: the busybox-static rootfs the integration tests'
# bundles copy (helpers.bash rootfs_template). tests/vm/initramfs.sh builds
# it once into the VM image too: under TCG one `ln` per applet costs
# 25-40 s, which every bats file paid.
set -eu
t=$1
bb=${HULL_BUSYBOX:-/bin/busybox}
mkdir -p "$t"/bin "$t"/sbin "$t"/etc "$t"/proc "$t"/sys "$t"/dev "$t"/tmp "$t"/root \
  "$t"/var "$t"/usr/bin "$t"/usr/sbin
cp "$bb" "$t/bin/busybox"
for a in $("$bb" --list); do
  [ -e "$t/bin/$a" ] || ln -s busybox "$t/bin/$a"
done
echo "root:x:0:0:root:/root:/bin/sh" >"$t/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/false" >>"$t/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$t/etc/group"
