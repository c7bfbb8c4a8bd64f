#!/usr/bin/env bash
# Installs the Debian packages tmpfs-root's tests and real boots need, when
# some are missing; the test and e2e tasks run it first, so a fresh machine
# needs nothing else. Idempotent and quiet when everything is there.
# Without root it installs nothing: it prints the one command to run, and fails.
#   --update-lists  also refresh apt's package lists (the real boots download a kernel)
#   --bench         also what the benchmark needs: systemd-container (systemd-pull,
#                   systemd-importd's way), without its recommendations (libnss-mymachines
#                   would edit /etc/nsswitch.conf)
# mmdebstrap (the real boots' Debian 13 and testing build roots, the bench's realistic root) comes
# without its recommendations too.
set -euo pipefail
PKGS=(
  dracut-core dracut-network busybox-static dash bash shellcheck
  qemu-system-x86 cpio pigz gzip zstd xz-utils lz4 bzip2 e2fsprogs fdisk lvm2
  nfs-ganesha nfs-ganesha-vfs rpcbind nfs-common libnfs-utils kmod attr curl openssl
  coreutils util-linux iproute2 tar isc-dhcp-client systemd udev
  groff-base man-db nodejs acl
  dpkg-dev debhelper fakeroot rpm pkg-config
)
NOREC_PKGS=(mmdebstrap)
BENCH_PKGS=(systemd-container)
update=0
bench=0
for a in "$@"; do
  case "$a" in
    --update-lists) update=1 ;;
    --bench) bench=1 ;;
    *) echo "install-deps.sh: unknown option \"$a\": expected --update-lists or --bench" >&2; exit 2 ;;
  esac
done
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for p in "${PKGS[@]}"; do installed "$p" || missing+=("$p"); done
norec_missing=()
for p in "${NOREC_PKGS[@]}"; do installed "$p" || norec_missing+=("$p"); done
if ((bench)); then
  for p in "${BENCH_PKGS[@]}"; do installed "$p" || norec_missing+=("$p"); done
fi
if ((${#missing[@]} == 0 && ${#norec_missing[@]} == 0 && update == 0)); then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  if ((${#missing[@]} || ${#norec_missing[@]})); then
    echo "tmpfs-root: missing Debian packages (${missing[*]} ${norec_missing[*]}); install them with: sudo bash tools/install-deps.sh $*" >&2
  else
    echo "tmpfs-root: apt's package lists must be fresh for the real boots; run: sudo bash tools/install-deps.sh --update-lists" >&2
  fi
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get install -y -qq "${missing[@]}"
fi
if ((${#norec_missing[@]})); then
  echo "installing: ${norec_missing[*]}"
  apt-get install -y -qq --no-install-recommends "${norec_missing[@]}"
fi
