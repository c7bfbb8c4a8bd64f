#!/bin/sh
# shellcheck disable=SC3043
# Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.
# Rebuild with: npx -y deno@2.9.6 task build-module
# tmpfs-root: systemd generator (arguments: normal, early and late folders).
early="${2:-/run/systemd/generator.early}"
{
    # shellcheck source=/dev/null
    . /lib/tmpfs-root-lib.sh
}
tmpfs_root_read_params
if [ "$?" = 2 ]; then
    exit 0
fi
/lib/tmpfs-root/bin/mkdir -p "$early/initrd-root-fs.target.requires" || exit 1
/lib/tmpfs-root/bin/cp /lib/tmpfs-root/sysroot.mount "$early/sysroot.mount" || exit 1
/lib/tmpfs-root/bin/cp /lib/tmpfs-root/tmpfs-root.service "$early/tmpfs-root.service" || exit 1
/lib/tmpfs-root/bin/ln -sf ../sysroot.mount "$early/initrd-root-fs.target.requires/sysroot.mount" ||
    exit 1
/lib/tmpfs-root/bin/ln -sf ../tmpfs-root.service \
    "$early/initrd-root-fs.target.requires/tmpfs-root.service" || exit 1
tmpfs_root_generate_network "$early" || exit 1
