#!/bin/sh
# shellcheck disable=SC3043
# tmpfs-root: dracut's initqueue is finished once the source device exists.
case "${tmpfs_root_kind:-}" in
    block) [ -b "${tmpfs_root_device:-}" ] ;;
esac
