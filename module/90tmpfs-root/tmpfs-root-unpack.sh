#!/bin/sh
# shellcheck disable=SC3043
# Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.
# Rebuild with: npx -y deno@2.9.6 task build-module
# tmpfs-root: run by tmpfs-root.service in a systemd initramfs.
{
    # shellcheck source=/dev/null
    . /lib/tmpfs-root-lib.sh
}
tmpfs_root_phase_cmdline
case "$?" in
    0) : ;;
    2) exit 0 ;;
    *)
        tmpfs_root_stop
        exit 1
        ;;
esac
tmpfs_root_phase_mount
case "$?" in
    0) : >/run/tmpfs-root/mount.done ;;
    *)
        tmpfs_root_stop
        exit 1
        ;;
esac
