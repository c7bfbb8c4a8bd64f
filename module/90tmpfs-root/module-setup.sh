#!/bin/sh
# shellcheck disable=SC3043,SC2154
# Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.
# Rebuild with: npx -y deno@2.9.6 task build-module
# tmpfs-root: dracut module setup (generated; do not edit).
# prints the source kinds (and extras such as lvm) this initramfs must support: $tmpfs_root_sources,
# else what the baked-in (or host-only, the running) command line names, else every kind.
tmpfs_root_build_sources() {
    if [ -n "${tmpfs_root_sources:-}" ]; then
        printf '%s\n' "$tmpfs_root_sources"
        return 0
    fi
    # The command line baked in with --kernel-cmdline, and the host's own in host-only mode.
    local line="${kernel_cmdline:-}"
    if [ -n "${hostonly:-}" ] && [ -r /proc/cmdline ]; then
        line="$line $(cat /proc/cmdline)"
    fi
    case "$line" in
        *tmpfs:*)
            printf block
            case "$line" in
                *tmpfs:NFS=*) printf ' %s' nfs ;;
            esac
            case "$line" in
                *tmpfs:http://* | *tmpfs:https://*) printf ' %s' http ;;
            esac
            case "$line" in
                *rd.lvm.lv=*) printf ' %s' lvm ;;
            esac
            printf '\n'
            return 0
            ;;
    esac
    if [ -n "${hostonly:-}" ]; then
        printf 'block\n'
    else
        printf 'block nfs http\n'
    fi
}
# NAME: true when dracut has the module NAME.
tmpfs_root_has_module() {
    [ -n "$(dracut_module_path "$1")" ]
}
# dracut: the programs must exist; the module is installed only when asked for (255).
check() {
    require_binaries cat chroot cp dd df find grep gzip head ln mkdir mkfifo mktemp mount od rm \
        rmdir sed sha256sum sleep tar tee tr umount || return 1
    # Only when asked for (-a tmpfs-root or add_dracutmodules+=" tmpfs-root ").
    return 255
}
# dracut: prints the dracut modules the supported source kinds need.
depends() {
    local deps=
    local sources
    sources="$(tmpfs_root_build_sources)"
    case " $sources " in
        *' nfs '*)
            if tmpfs_root_has_module network && tmpfs_root_has_module nfs; then
                deps="$deps network nfs"
            fi
            ;;
    esac
    case " $sources " in
        *' http '*)
            if tmpfs_root_has_module network && tmpfs_root_has_module url-lib; then
                deps="$deps network url-lib"
            fi
            ;;
    esac
    case " $sources " in
        *' lvm '*)
            if tmpfs_root_has_module lvm; then
                deps="$deps lvm"
            fi
            ;;
    esac
    printf '%s\n' "$deps"
    return 0
}
# dracut: installs the kernel modules of the supported source kinds.
installkernel() {
    local sources
    local m
    sources="$(tmpfs_root_build_sources)"
    # The file systems a source may carry; tmpfs itself is built in.
    case " $sources " in
        *' block '*)
            for m in ext4 xfs btrfs vfat iso9660 squashfs udf; do
                hostonly='' instmods "$m" || :
            done
            ;;
    esac
    return 0
}
# dracut: installs the programs, the library, the hooks and, with systemd, the generator, service
# and units.
install() {
    local sources
    sources="$(tmpfs_root_build_sources)"
    inst_multiple cat chroot cp dd df find grep gzip head ln mkdir mkfifo mktemp mount od rm rmdir \
        sed sha256sum sleep tar tee tr umount
    inst_multiple -o bzip2 lz4 pigz xz zstd
    case " $sources " in
        *' http '*) inst_multiple -o curl ;;
    esac
    inst_simple "$moddir/tmpfs-root-lib.sh" /lib/tmpfs-root-lib.sh
    inst_simple "$moddir/tmpfs-root-params.sh" /lib/tmpfs-root-params.sh
    inst_hook cmdline 20 "$moddir/tmpfs-root-cmdline.sh"
    inst_hook initqueue/finished 90 "$moddir/tmpfs-root-finished.sh"
    inst_hook initqueue/timeout 90 "$moddir/tmpfs-root-timeout.sh"
    inst_hook mount 50 "$moddir/tmpfs-root-mount.sh"
    inst_hook pre-pivot 50 "$moddir/tmpfs-root-pre-pivot.sh"
    if dracut_module_included systemd; then
        inst_script "$moddir/tmpfs-root-generator.sh" \
            "$systemdutildir/system-generators/tmpfs-root-generator"
        inst_simple "$moddir/tmpfs-root.service" /lib/tmpfs-root/tmpfs-root.service
        inst_simple "$moddir/sysroot.mount" /lib/tmpfs-root/sysroot.mount
        inst_simple "$moddir/50-tmpfs-root-network.conf" /lib/tmpfs-root/50-tmpfs-root-network.conf
        inst_simple "$moddir/90-tmpfs-root-dhcp.network" /lib/tmpfs-root/90-tmpfs-root-dhcp.network
        inst_script "$moddir/tmpfs-root-unpack.sh" /lib/tmpfs-root/tmpfs-root-unpack.sh
    fi
    return 0
}
