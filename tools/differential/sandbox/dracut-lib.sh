# shellcheck shell=sh
# The stub dracut library: die ends init, as dracut's does after the emergency
# shell; the stubbed commands are functions that run /stub/<name>, because
# busybox sh runs its own applets before looking at PATH.
die() { printf '$ die %s\n' "$*" >/dev/kmsg; exit 1; }
mount() { /stub/mount "$@"; }
umount() { /stub/umount "$@"; }
mktemp() { /stub/mktemp "$@"; }
rmdir() { /stub/rmdir "$@"; }
curl() { /stub/curl "$@"; }
sleep() { /stub/sleep "$@"; }
find() { /stub/find "$@"; }
tar() { /stub/tar "$@"; }
gzip() { /stub/gzip "$@"; }
xz() { /stub/xz "$@"; }
zstd() { /stub/zstd "$@"; }
bzip2() { /stub/bzip2 "$@"; }
lz4() { /stub/lz4 "$@"; }
sha256sum() { /stub/sha256sum "$@"; }
openssl() { /stub/openssl "$@"; }
chroot() { /stub/chroot "$@"; }
systemctl() { /stub/systemctl "$@"; }
