# shellcheck shell=sh
# Builds the sandbox in a new mount and PID namespace (run by unshare) and
# runs the driver in it: a tmpfs root with the host's /usr read-only, the
# module's files where dracut installs them, the stubs, fake /proc files
# and a FIFO for /dev/kmsg. Arguments: the work folder (files, scen, vols),
# this sandbox's folder (root, out), the shell to test.
set -eu
W="$1"
B="$2"
SH="$3"
R="$B/root"
mount -t tmpfs -o mode=0755 tmpfs "$R"
cd "$R"
mkdir -p bin usr etc run sysroot dev proc/sys/kernel .proc scen out state vols
mount --bind /usr usr
mount -o remount,bind,ro usr
ln -s usr/lib64 lib64
cp -r "$W"/files/. .
ln -s /usr/lib/x86_64-linux-gnu lib/x86_64-linux-gnu
cp "$(command -v busybox)" bin/busybox
ln -s /usr/bin/dash bin/dash
chmod 755 stub/* bin/pwned
# The host's programs on the driver's PATH, and in the module's own tools folder, where
# module-setup.sh installs every program the hooks run by path; the stubs go there too. The
# driver hides a scenario's missing decompressors.
T=lib/tmpfs-root/bin
mkdir -p "$T" hidden
for t in cat chmod cp dd df grep head ln mkdir mkfifo mv od rm sed stat tail tee touch tr; do
    ln -s /usr/bin/"$t" bin/"$t"
    ln -s /usr/bin/"$t" "$T/$t"
done
for s in stub/*; do
    case "${s##*/}" in _* | systemctl) ;; *) ln -s /"$s" "$T/${s##*/}" ;; esac
done
# The record of the source kinds the image boots: each scenario's own (none: every kind).
ln -s /vm/sources lib/tmpfs-root/sources
mknod -m 666 dev/null c 1 3
# The block devices' nodes (major 240 is for local use): udev's links point here.
mkdir .nodes
for i in 0 1 2 3 4 5 6 7; do mknod .nodes/"$i" b 240 "$i"; done
mkfifo dev/kmsg
ln -s /.proc/self/mounts proc/mounts
ln -s /vm/cmdline proc/cmdline
ln -s /vm/meminfo proc/meminfo
# The random bytes the download's jitter draws from: each scenario's own, as the simulator drew them.
ln -s /vm/urandom dev/urandom
# The initramfs's public keys: each scenario's own (none when its machine has none).
mkdir -p etc/tmpfs-root
ln -s /vm/keys etc/tmpfs-root/keys
: >proc/sysrq-trigger
: >proc/sys/kernel/sysrq
mount --bind "$W"/scen scen
mount --bind "$W"/vols vols
mount --bind "$B"/out out
mount -t proc -o ro proc .proc
# shellcheck disable=SC2086
exec /usr/sbin/chroot . /usr/bin/env -i PATH=/bin LC_ALL=C $SH /driver.sh
