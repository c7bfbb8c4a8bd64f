#!/bin/sh
# shellcheck disable=SC3043
# Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.
# Rebuild with: npx -y deno@2.9.6 task build-module
# tmpfs-root: mount the source, the tmpfs, unpack, release (dracut mount hook).
if [ -z "${DRACUT_SYSTEMD:-}" ] && [ ! -e /run/tmpfs-root/mount.done ]; then
    {
        # shellcheck source=/dev/null
        . /lib/tmpfs-root-lib.sh
    }
    tmpfs_root_phase_mount
    case "$?" in
        0) : >/run/tmpfs-root/mount.done ;;
        2) : ;;
        *) tmpfs_root_stop ;;
    esac
fi
