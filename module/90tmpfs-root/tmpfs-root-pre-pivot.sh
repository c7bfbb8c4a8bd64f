#!/bin/sh
# shellcheck disable=SC3043
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
