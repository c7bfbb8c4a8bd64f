#!/bin/sh
# shellcheck disable=SC3043
# tmpfs-root: dracut's initqueue is finished once the source device exists.
[ "${tmpfs_root_kind:-}" != block ] || [ -b "${tmpfs_root_device:-}" ]
