#!/bin/sh
# Builds a Debian 12 guest with cloud-init from Debian's packages: an MBR disk whose first partition (FAT, syslinux)
# holds the guest's kernel and Debian's initramfs and whose second is the ext4 root, made from an mmdebstrap tree
# with `mkfs.ext4 -d`. No loop devices, no mounts of the disk. Reused while this script's content is unchanged.
# Usage: build-debian-cloud.sh OUTDIR   -> OUTDIR/debian-cloud.qcow2
# Needs: root, mmdebstrap e2fsprogs syslinux syslinux-common mtools dosfstools fdisk qemu-utils, and deb.debian.org.
# Exits 77 (the automake convention for "skipped") when this machine lacks one of them; any other failure is a failure.
set -eu

out=${1:?usage: build-debian-cloud.sh OUTDIR}
for tool in mmdebstrap mkfs.ext4 mkfs.vfat syslinux mcopy sfdisk qemu-img flock; do
  command -v "$tool" >/dev/null || { echo "no $tool: run ./install.sh --deps-only" >&2; exit 77; }
done
mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$mbr" ] || { echo "no $mbr: apt-get install syslinux-common" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "mmdebstrap's root mode needs root" >&2; exit 77; }

mkdir -p "$out"
image="$out/debian-cloud.qcow2"
here=$(cd "$(dirname "$0")" && pwd)
# By content, not by time: the image is rebuilt when this script or its customize hook changes.
inputs=$(cat "$0" "$here/debian-cloud-customize.sh" | sha256sum | cut -d' ' -f1)
is_current() { [ -s "$image" ] && [ "$(cat "$out/debian-cloud.inputs" 2>/dev/null)" = "$inputs" ]; }
is_current && exit 0
# Checkouts side by side share OUTDIR: one builds, the others wait for it and then find the image current.
exec 9> "$out/debian-cloud.lock"
flock 9
is_current && exit 0

say() { echo "build-debian-cloud: $*" >&2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"

# The flavor m1.tiny has a 1 GiB root: the whole disk fits in it. The FAT partition holds the kernel and initramfs only.
disk_mib=1024
boot_mib=64
root_mib=$(( disk_mib - boot_mib - 1 ))

# A small initramfs (the root disk's drivers only, not MODULES=most) unpacks fast under TCG. The config drive's
# cdrom drivers are in it too: cloud-init's ds-identify looks for the drive before udev loads anything else.
say "mmdebstrap bookworm into $root"
mmdebstrap --mode=root --format=directory --variant=minbase \
  --include=linux-image-cloud-amd64,initramfs-tools,systemd-sysv,udev,dbus,cloud-init,openssh-server,ifupdown,isc-dhcp-client,iproute2,netbase,sudo \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"' \
  --essential-hook='printf "MODULES=list\n" > "$1/etc/initramfs-tools/conf.d/appliance"' \
  --essential-hook='printf "virtio_pci\nvirtio_blk\nata_piix\nsr_mod\n" > "$1/etc/initramfs-tools/modules"' \
  --customize-hook="$here/debian-cloud-customize.sh" \
  bookworm "$root" http://deb.debian.org/debian >&2

kernel=$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n 1)
initrd=$(ls "$root"/boot/initrd.img-* | sort -V | tail -n 1)
say "kernel $(basename "$kernel"), initramfs $(du -h "$initrd" | cut -f1)"

say "boot partition (${boot_mib} MiB FAT, syslinux)"
mkfs.vfat -C "$work/boot.img" $(( boot_mib * 1024 )) >/dev/null
syslinux --install "$work/boot.img"
printf 'DEFAULT debian\nTIMEOUT 0\nLABEL debian\n  KERNEL vmlinuz\n  APPEND initrd=initrd.img root=LABEL=debian-root ro console=ttyS0 net.ifnames=0\n' > "$work/syslinux.cfg"
cp "$kernel" "$work/vmlinuz"
cp "$initrd" "$work/initrd.img"
mcopy -i "$work/boot.img" "$work/vmlinuz" "$work/initrd.img" "$work/syslinux.cfg" ::

say "root partition (${root_mib} MiB ext4)"
truncate -s "${root_mib}M" "$work/root.img"
mkfs.ext4 -q -L debian-root -d "$root" "$work/root.img"

say "disk ($disk_mib MiB, MBR)"
truncate -s "${disk_mib}M" "$work/disk.raw"
printf 'start=2048, size=%d, type=c, bootable\nstart=%d, size=%d, type=83\n' \
  $(( boot_mib * 2048 )) $(( 2048 + boot_mib * 2048 )) $(( root_mib * 2048 )) | sfdisk -q "$work/disk.raw"
dd if="$mbr" of="$work/disk.raw" bs=440 count=1 conv=notrunc status=none
dd if="$work/boot.img" of="$work/disk.raw" bs=512 seek=2048 conv=notrunc,sparse status=none
dd if="$work/root.img" of="$work/disk.raw" bs=512 seek=$(( 2048 + boot_mib * 2048 )) conv=notrunc,sparse status=none
qemu-img convert -q -f raw -O qcow2 "$work/disk.raw" "$image.tmp"
mv "$image.tmp" "$image"
echo "$inputs" > "$out/debian-cloud.inputs"
say "done: $image ($(du -h "$image" | cut -f1))"
