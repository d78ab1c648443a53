#!/bin/sh
# Builds the bootable-disk variant of the test guest: an MBR disk whose one FAT partition holds syslinux,
# the cloud kernel and the test initramfs. No loop devices: mtools writes into the partition image.
# Usage: build-test-disk.sh OUTDIR   -> OUTDIR/disk.qcow2 (plus what build-test-guest.sh makes)
# Needs: what build-test-guest.sh needs, and syslinux syslinux-common mtools dosfstools fdisk qemu-utils
set -eu

out=${1:?usage: build-test-disk.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
"$here/build-test-guest.sh" "$out"
mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$mbr" ] || { echo "no $mbr: apt-get install syslinux-common" >&2; exit 1; }
if [ -s "$out/disk.qcow2" ] && [ "$out/disk.qcow2" -nt "$out/initrd.img" ] && [ "$out/disk.qcow2" -nt "$0" ]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
part_kib=40960
mkfs.vfat -C "$work/part.img" "$part_kib" >/dev/null
syslinux --install "$work/part.img"
printf 'DEFAULT guest\nLABEL guest\n  KERNEL vmlinuz\n  APPEND initrd=initrd.img console=ttyS0 quiet\n' > "$work/syslinux.cfg"
mcopy -i "$work/part.img" "$out/vmlinuz" "$out/initrd.img" "$work/syslinux.cfg" ::

# One bootable FAT32 (LBA) partition at sector 2048, syslinux's MBR code in the first 440 bytes.
truncate -s $(( (2048 * 512) + (part_kib * 1024) )) "$work/disk.raw"
echo 'start=2048, type=c, bootable' | sfdisk -q "$work/disk.raw"
dd if="$mbr" of="$work/disk.raw" bs=440 count=1 conv=notrunc status=none
dd if="$work/part.img" of="$work/disk.raw" bs=512 seek=2048 conv=notrunc status=none
qemu-img convert -q -f raw -O qcow2 "$work/disk.raw" "$out/disk.qcow2.tmp"
mv "$out/disk.qcow2.tmp" "$out/disk.qcow2"
