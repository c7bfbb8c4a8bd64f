# shellcheck shell=sh
# The stub dracut library: die ends init, as dracut's does after the emergency
# shell. The hooks run every program by its path in /lib/tmpfs-root/bin, where
# the stubs are (setup.sh), so busybox sh runs no applet of its own for them;
# systemctl, which the hooks run by name, is a function that runs the stub.
die() { printf '$ die %s\n' "$*" >/dev/kmsg; exit 1; }
systemctl() { /stub/systemctl "$@"; }
