#!/bin/sh
# shellcheck disable=SC3043
# Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.
# Rebuild with: npx -y deno@2.9.6 task build-module
# tmpfs-root: the source device did not appear in time (dracut initqueue/timeout hook).
{
    # shellcheck source=/dev/null
    . /lib/tmpfs-root-lib.sh
}
if tmpfs_root_read_params; then
    tmpfs_root_source_timeout
fi
