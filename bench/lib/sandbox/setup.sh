# shellcheck shell=sh
# Builds one run's sandbox and runs one method in it, timed. Run by
# `unshare -m -p -f --propagation private` (and -n for a method that needs
# the HTTP server), as the differential harness builds its sandbox: a tmpfs
# root with the host's /usr read-only, the module's files where dracut
# installs them, /dev/kmsg a regular file (the console messages go
# nowhere), /proc and /sys, a tmpfs on /run, the archives read-only at
# /archive and a fresh tmpfs at /sysroot.
# Arguments: the work folder (files/, bin.list), this run's folder (root,
# out), the archives' folder, the memory cgroup's folder (or -), the
# method's id, the HTTP port (or -), 1 to sample the tmpfs usage.
set -eu
W="$1"
B="$2"
A="$3"
CG="$4"
METHOD="$5"
PORT="$6"
SAMPLE="$7"
R="$B/root"
mount -t tmpfs -o mode=0755 tmpfs "$R"
cd "$R"
mkdir -p bin usr etc run sysroot dev proc sys archive out cg
mount --bind /usr usr
mount -o remount,bind,ro usr
ln -s usr/lib64 lib64
cp -r "$W"/files/. .
for d in /usr/lib/*-linux-gnu; do ln -s "$d" lib/; done
while read -r name path; do ln -s "$path" "bin/$name"; done <"$W/bin.list"
# The module runs every program by its path in its own folder, as module-setup.sh installs them.
mkdir -p lib/tmpfs-root/bin
while read -r name path; do ln -s "$path" "lib/tmpfs-root/bin/$name"; done <"$W/bin.list"
mknod -m 666 dev/null c 1 3
: >dev/kmsg
mount -t proc proc proc
mount -t sysfs -o ro sysfs sys
mount -t tmpfs -o mode=0755 tmpfs run
mount --bind "$A" archive
mount -o remount,bind,ro archive
mount --bind "$B"/out out
if [ "$CG" != - ]; then mount --bind "$CG" cg; fi
# The root the method unpacks into, as the module mounts it (rd.tmpfs.size=50%).
mount -t tmpfs -o size=50%,mode=0755 tmpfs sysroot
if [ "$PORT" != - ]; then
    ip link set lo up
    # busybox httpd listens before it goes to the background; it dies with the PID namespace.
    busybox httpd -p "127.0.0.1:$PORT" -h "$A"
fi
exec /usr/sbin/chroot . /usr/bin/env -i PATH=/bin LC_ALL=C /usr/bin/bash /bench/timed.sh \
    "$METHOD" "$SAMPLE"
