#!/bin/sh
# shellcheck disable=SC3043
# tmpfs-root: the source device did not appear in time (dracut initqueue/timeout hook).
if [ -z "${DRACUT_SYSTEMD:-}" ] && command -v tmpfs_root_source_timeout >/dev/null; then
    tmpfs_root_source_timeout
fi
