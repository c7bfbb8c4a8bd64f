#!/bin/sh
# shellcheck disable=SC3043
# Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.
# Rebuild with: npx -y deno@2.9.6 task build-module
# tmpfs-root: parse root=tmpfs:... and rd.tmpfs.* (dracut cmdline hook).
{
    # shellcheck source=/dev/null
    . /lib/tmpfs-root-lib.sh
}
if [ -n "${DRACUT_SYSTEMD:-}" ]; then
    # Under systemd, tmpfs-root.service checks the parameters and reports.
    tmpfs_root_read_params
    if [ "$?" != 2 ]; then
        export rootok=1
        tmpfs_root_request_network
    fi
else
    tmpfs_root_phase_cmdline
    case "$?" in
        0) export rootok=1 ;;
        2) : ;;
        *) tmpfs_root_stop ;;
    esac
fi
