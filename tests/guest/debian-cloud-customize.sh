#!/bin/sh
# mmdebstrap's customize hook for build-debian-cloud.sh: makes the tree in $1 a cloud guest that boots fast under TCG.
set -eu
root=$1

echo 'LABEL=debian-root / ext4 defaults,errors=remount-ro 0 1' > "$root/etc/fstab"
echo debian > "$root/etc/hostname"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
echo 'LANG=C.UTF-8' > "$root/etc/default/locale"
# ifupdown's own file, with loopback: cloud-init's ENI renderer (its first choice in 22.4) writes interfaces.d/50-cloud-init.
printf 'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n' > "$root/etc/network/interfaces"

cat > "$root/etc/cloud/cloud.cfg.d/90_appliance.cfg" <<'EOF'
# The appliance offers a config drive and the metadata service: look nowhere else (each miss costs a timeout).
datasource_list: [ConfigDrive, OpenStack, None]
# No locales package, no cloud-guest-utils: nothing to generate, nothing to grow (the disk is the flavor's size).
locale: C.UTF-8
growpart: {mode: "off"}
resize_rootfs: false
# The server's name in /etc/hosts, so sudo need not ask DNS for it (the test's namespace has no upstream to answer).
manage_etc_hosts: true
# RSA host keys take long under TCG; sshd serves the other two.
ssh_genkeytypes: [ed25519, ecdsa]
EOF

# Each instance makes its own host keys (cloud-init's ssh module) and machine id (systemd, at first boot).
rm -f "$root"/etc/ssh/ssh_host_*
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

# Nothing periodic in a short-lived test guest: these timers only compete with the test for the emulated CPU.
for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer e2scrub_reap.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
