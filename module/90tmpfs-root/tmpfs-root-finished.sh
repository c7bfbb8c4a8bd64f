#!/bin/sh
# shellcheck disable=SC3043
# Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.
# Rebuild with: npx -y deno@2.9.6 task build-module
# tmpfs-root: dracut's initqueue is finished once the source device exists.
case "${tmpfs_root_kind:-}" in
    block) [ -b "${tmpfs_root_device:-}" ] ;;
esac
