#!/bin/sh
# shellcheck disable=SC3043
# Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.
# Rebuild with: npx -y deno@2.9.6 task build-module
# tmpfs-root: restore SELinux labels, hand over to switch-root (dracut pre-pivot hook).
if [ ! -e /run/tmpfs-root/prePivot.done ]; then
    {
        # shellcheck source=/dev/null
        . /lib/tmpfs-root-lib.sh
    }
    tmpfs_root_phase_prePivot
    case "$?" in
        0) : >/run/tmpfs-root/prePivot.done ;;
        2) : ;;
        *) tmpfs_root_stop ;;
    esac
fi
