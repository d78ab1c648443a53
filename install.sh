#!/usr/bin/env bash
# Installs the appliance on Debian 12 and runs it: dependencies, libvirt, the published binary in
# /opt/appliance, a service (systemd when present, else a background process with a pid file).
# Idempotent: run it again to upgrade. Needs root and the .NET SDK (to build the binary).
#
#   sudo ./install.sh               install everything and start the appliance on :8774
#   sudo ./install.sh --deps-only   only install the packages (runtime and tests) and start libvirt
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prefix=/opt/appliance
data_dir=/var/lib/appliance
listen=http://0.0.0.0:8774
log_file=/var/log/appliance.log
pid_file=/run/appliance.pid
deps_only=false

# What the appliance needs at run time: libvirt + QEMU, qemu-img, genisoimage, prlimit; for guest networks libvirt's
# network driver runs dnsmasq, passt gives user-mode NICs, ebtables backs nwfilter.
runtime_packages=(
  libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients libvirt0
  qemu-system-x86 qemu-utils genisoimage util-linux e2fsprogs procps curl ca-certificates
  dnsmasq-base passt ebtables
  nftables # the host's NAT for guests: masquerade of the appliance's networks, floating IPs and port forwardings
)
# What the tests need beside that: the openstack CLI as the real client, the test guest's parts, a browser.
test_packages=(
  python3-openstackclient openssh-client busybox-static linux-image-cloud-amd64 cpio gzip
  syslinux syslinux-common mtools dosfstools fdisk
  mmdebstrap # the cloud-init guest: a Debian 12 tree from Debian's packages (tests/guest/build-debian-cloud.sh)
  chromium # the status page's real-browser test (driven by Playwright, no browser download)
)

while [ $# -gt 0 ]; do
  case "$1" in
    --deps-only) deps_only=true ;;
    --listen) listen=$2; shift ;;
    --data-dir) data_dir=$2; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '==> %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root: sudo ./install.sh"
has_systemd() { [ -d /run/systemd/system ]; }

install_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "packages already installed"
    return
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

start_libvirt() {
  if has_systemd; then
    systemctl enable --now virtlogd.socket libvirtd.service >/dev/null
  else
    # No systemd (containers, CI): run the daemons directly, once.
    pgrep -x virtlogd >/dev/null || virtlogd -d
    pgrep -x libvirtd >/dev/null || libvirtd -d
  fi
  for _ in $(seq 1 60); do
    virsh -c qemu:///system version >/dev/null 2>&1 && { say "libvirt is up ($(virsh -c qemu:///system version | awk '/libvirt/{print $NF; exit}'))"; return; }
    sleep 0.5
  done
  die "libvirtd did not answer on qemu:///system within 30 s"
}

stop_running_appliance() {
  if has_systemd && systemctl is-active --quiet appliance 2>/dev/null; then
    systemctl stop appliance
  elif [ -f "$pid_file" ]; then
    local pid
    pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pid_file"
  fi
}

publish() {
  command -v dotnet >/dev/null || die "the .NET SDK is needed to build the appliance (dotnet not found)"
  say "publishing the appliance to $prefix"
  local staging
  staging=$(mktemp -d)
  dotnet publish "$here/appliance/Appliance/Appliance.csproj" -c Release -o "$staging" --nologo -v quiet
  stop_running_appliance
  mkdir -p "$prefix"
  cp -a "$staging"/. "$prefix"/
  chmod 0755 "$prefix"
  rm -rf "$staging"
}

start_appliance() {
  mkdir -p "$data_dir"
  if has_systemd; then
    cat > /etc/systemd/system/appliance.service <<UNIT
[Unit]
Description=appliance: single-node OpenStack-compatible micro-cloud
After=network-online.target libvirtd.service
Wants=libvirtd.service

[Service]
ExecStart=$prefix/appliance serve --data-dir $data_dir --listen $listen
Restart=on-failure
RestartSec=2

[Install]
WantedBy=multi-user.target
UNIT
    systemctl daemon-reload
    systemctl enable appliance >/dev/null
    systemctl restart appliance
  else
    nohup "$prefix/appliance" serve --data-dir "$data_dir" --listen "$listen" >>"$log_file" 2>&1 &
    echo $! > "$pid_file"
  fi
}

wait_for_health() {
  local port url
  port=$(printf '%s' "$listen" | sed -E 's#^[a-z]+://[^:/]+:?([0-9]*).*#\1#')
  url="http://127.0.0.1:${port:-80}"
  for _ in $(seq 1 120); do
    if curl -fsS "$url/healthz" >/dev/null 2>&1; then
      say "the appliance is up: $url/ (compute), $url/identity, $url/image, $url/ui"
      [ -f "$data_dir/admin-openrc" ] && say "admin credentials: $data_dir/admin-openrc"
      return
    fi
    sleep 0.5
  done
  if has_systemd; then journalctl -u appliance -n 20 --no-pager >&2 || true; else tail -n 20 "$log_file" >&2 || true; fi
  die "the appliance did not answer $url/healthz within 60 s"
}

install_packages "${runtime_packages[@]}" "${test_packages[@]}"
start_libvirt
$deps_only && { say "dependencies ready"; exit 0; }
publish
# What this host can do (KVM or TCG, tools, data dir, port); a FAIL is shown, not fatal: TCG still runs guests.
say "checking the host"
"$prefix/appliance" check --data-dir "$data_dir" --listen "$listen" || say "appliance check found problems above; the appliance starts anyway"
start_appliance
wait_for_health
