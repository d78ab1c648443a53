#!/bin/sh
# Builds the appliance's test guest from Debian packages: the cloud kernel and a busybox-static initramfs.
# Usage: build-test-guest.sh OUTDIR   -> OUTDIR/vmlinuz, OUTDIR/initrd.img (reused while built from the same inputs)
# Needs: linux-image-cloud-amd64 busybox-static cpio gzip
set -eu

out=${1:?usage: build-test-guest.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
kernel=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || { echo "no cloud kernel: apt-get install linux-image-cloud-amd64" >&2; exit 1; }
version=${kernel#/boot/vmlinuz-}
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "no busybox: apt-get install busybox-static" >&2; exit 1; }

mkdir -p "$out"
# By content, not by time: checkouts side by side share OUTDIR, and an older init's build must not pass for a newer one.
inputs="$(cat "$here/init" "$0" | sha256sum | cut -d' ' -f1) $version"
if [ -s "$out/initrd.img" ] && [ -s "$out/vmlinuz" ] && [ "$(cat "$out/inputs" 2>/dev/null)" = "$inputs" ]; then
  exit 0
fi

# The cloud kernel builds these as modules; this order satisfies their dependencies (`modinfo -F depends`):
# virtio_net needs virtio_ring, virtio and net_failover, which needs failover.
modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk failover net_failover virtio_net scsi_common scsi_mod cdrom sr_mod isofs libata ata_piix evdev button"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/mnt" "$root/tmp" "$root/etc" "$root/lib/modules"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
for m in $modules; do
  ko=$(find "/lib/modules/$version/kernel" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -n 1)
  [ -n "$ko" ] || { echo "module $m not found for $version" >&2; exit 1; }
  case "$ko" in
    *.xz) xz -dc "$ko" > "$root/lib/modules/$m.ko" ;;
    *.zst) zstd -qdc "$ko" > "$root/lib/modules/$m.ko" ;;
    *) cp "$ko" "$root/lib/modules/$m.ko" ;;
  esac
done
echo "$modules" > "$root/lib/modules/order"
# An existing file, so a personality file written over it shows the .bak.<timestamp> rename.
echo "motd of the test guest image" > "$root/etc/motd"
cp "$here/init" "$root/init"
chmod 0755 "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out/initrd.img.tmp"
cp "$kernel" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.img.tmp" "$out/initrd.img"
echo "$inputs" > "$out/inputs"
