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
# FUNCTION: calls FUNCTION KEY for each path in $tmpfs_root_pubkeys; returns 1 as soon as one call
# fails.
tmpfs_root_each_key() {
    local rest="${tmpfs_root_pubkeys:-}"
    local k
    while :; do
        rest="${rest#"${rest%%[![:space:]]*}"}"
        [ -n "$rest" ] || return 0
        k="${rest%%[[:space:]]*}"
        rest="${rest#"$k"}"
        "$1" "$k" || return 1
    done
}
# KEY: true when KEY is an Ed25519 public key openssl reads, whose file name does not start with a
# dot (the boot's glob would miss it); else says why (derror).
tmpfs_root_check_key() {
    local what
    if ! [ -f "$1" ]; then
        derror "tmpfs-root: public key $1 (tmpfs_root_pubkeys) does not exist"
        return 1
    fi
    # The boot looks for keys with a glob, which leaves out names that start with a dot.
    case "${1##*/}" in
        .*)
            derror "tmpfs-root: public key $1 (tmpfs_root_pubkeys): its file name starts with a dot"
            return 1
            ;;
    esac
    what="$(openssl pkey -pubin -in "$1" -noout -text 2>/dev/null | sed -n 1p)"
    case "$what" in
        'ED25519 'Public-Key:*) return 0 ;;
    esac
    derror \
        "tmpfs-root: $1 (tmpfs_root_pubkeys) is not an Ed25519 public key: make one with openssl genpkey -algorithm ed25519 -out site.key and openssl pkey -in site.key -pubout -out site.pub"
    return 1
}
# KEY: installs KEY under /etc/tmpfs-root/keys by its file name; returns 1 when another key has that
# name.
tmpfs_root_install_key() {
    local to="/etc/tmpfs-root/keys/${1##*/}"
    if [ -e "${initdir:-}$to" ]; then
        derror "tmpfs-root: two public keys are named ${1##*/} (tmpfs_root_pubkeys): rename one"
        return 1
    fi
    inst_simple "$1" "$to"
}
# dracut: the programs must exist, and every key $tmpfs_root_pubkeys names must be an Ed25519 public
# key (1 fails the build); the module is installed only when asked for (255).
check() {
    require_binaries cat chmod chroot cp dd df find grep gzip head ln mkdir mkfifo mktemp mount od \
        rm rmdir sed sha256sum sleep stat tar tee tr umount || return 1
    # With public keys every archive's signature is checked: each key must be usable.
    if [ -n "${tmpfs_root_pubkeys:-}" ]; then
        require_binaries openssl || return 1
        tmpfs_root_each_key tmpfs_root_check_key || return 1
    fi
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
# dracut: installs the programs, the public keys and openssl (only when $tmpfs_root_pubkeys names
# keys), the library, the hooks and, with systemd, the generator, service and units.
install() {
    local sources
    sources="$(tmpfs_root_build_sources)"
    inst_multiple cat chmod chroot cp dd df find grep gzip head ln mkdir mkfifo mktemp mount od rm \
        rmdir sed sha256sum sleep stat tar tee tr umount
    inst_multiple -o bzip2 lz4 pigz xz zstd
    case " $sources " in
        *' http '*) inst_multiple -o curl ;;
    esac
    # openssl and the keys only into an image that checks signatures; it always does.
    if [ -n "${tmpfs_root_pubkeys:-}" ]; then
        if ! { inst_multiple openssl && tmpfs_root_each_key tmpfs_root_install_key; }; then
            dfatal 'tmpfs-root: could not install the public keys (tmpfs_root_pubkeys)'
            # dracut 059 ignores what install returns: an image without the keys
            # would boot unsigned archives.
            exit 1
        fi
    fi
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
