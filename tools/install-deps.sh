#!/usr/bin/env bash
# Installs the Debian packages tmpfs-root's tests and real boots need.
# Idempotent; run as root. Fails loudly when a package cannot be had.
set -euo pipefail
PKGS=(
  dracut-core dracut-network busybox-static dash bash shellcheck
  qemu-system-x86 cpio pigz gzip zstd xz-utils lz4 bzip2 e2fsprogs fdisk lvm2
  nfs-ganesha nfs-ganesha-vfs rpcbind nfs-common libnfs-utils kmod attr curl openssl
  coreutils util-linux iproute2 tar isc-dhcp-client systemd udev
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The real boots download a Debian kernel package: the package lists must be fresh.
apt-get update -qq
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
