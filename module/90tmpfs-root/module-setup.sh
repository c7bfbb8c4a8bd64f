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
# NAME: true when dracut has the module NAME and the build does not omit it (a dependency on an
# omitted module would stop the build).
tmpfs_root_has_module() {
    local d
    local base="${dracutbasedir:-/usr/lib/dracut}"
    case " ${omit_dracutmodules:-} " in
        *" $1 "*) return 1 ;;
    esac
    for d in "$base"/modules.d/[0-9][0-9]"$1"; do
        [ -d "$d" ] && return 0
    done
    return 1
}
# NAME: true when dracut has the module NAME, the build does not omit it, and dracut's check_module
# (where there is one) finds it can be installed with every module it depends on.
tmpfs_root_installable() {
    tmpfs_root_has_module "$1" || return 1
    command -v check_module 2>/dev/null >/dev/null || return 0
    (
        dracutmodules="${dracutmodules:-} $1"
        check_module "$1"
    ) >/dev/null 2>/dev/null
}
# WORDS FUNCTION: calls FUNCTION WORD for each word of WORDS; returns 1 as soon as one call fails.
tmpfs_root_each() {
    local rest="$1"
    local k
    while :; do
        rest="${rest#"${rest%%[![:space:]]*}"}"
        [ -n "$rest" ] || return 0
        k="${rest%%[[:space:]]*}"
        rest="${rest#"$k"}"
        "$2" "$k" || return 1
    done
}
# PROGRAM: prints the Debian package that has PROGRAM.
tmpfs_root_package() {
    case "$1" in
        bzip2) printf '%s\n' bzip2 ;;
        cat | chmod | chroot | cp | dd | df | head | ln | mkdir | mkfifo | mktemp | mv | od | rm | \
            rmdir | sha256sum | sleep | stat | tee | touch | tr)
            printf '%s\n' coreutils
            ;;
        curl) printf '%s\n' curl ;;
        find) printf '%s\n' findutils ;;
        grep) printf '%s\n' grep ;;
        gzip) printf '%s\n' gzip ;;
        lz4) printf '%s\n' lz4 ;;
        mount | umount) printf '%s\n' mount ;;
        openssl) printf '%s\n' openssl ;;
        pigz) printf '%s\n' pigz ;;
        sed) printf '%s\n' sed ;;
        tar) printf '%s\n' tar ;;
        xz) printf '%s\n' xz-utils ;;
        zstd) printf '%s\n' zstd ;;
        *) printf '%s\n' "$1" ;;
    esac
}
# NAME: 0 when this host has the program NAME, 1 when it has none, 2 when it is BusyBox's applet,
# which lacks options the boot uses.
tmpfs_root_check_tool() {
    local path
    path="$(find_binary "$1" 2>/dev/null)"
    [ -n "$path" ] || return 1
    case "$(readlink -f "${dracutsysrootdir:-}$path" 2>/dev/null)" in
        */busybox | */busybox.*) return 2 ;;
    esac
    return 0
}
# NAME: like tmpfs_root_check_tool, and says what to install (derror) when NAME is missing or
# BusyBox's.
tmpfs_root_require_tool() {
    local rc=0
    tmpfs_root_check_tool "$1" || rc="$?"
    case "$rc" in
        0) return 0 ;;
        1)
            derror \
                "tmpfs-root: the boot runs $1, which this host lacks: install it (Debian package $(tmpfs_root_package "$1"))"
            ;;
        *)
            derror \
                "tmpfs-root: $1 on this host is BusyBox's, which lacks options the boot uses: install the full $1 (Debian package $(tmpfs_root_package "$1"))"
            ;;
    esac
    return 1
}
# NAME: installs this host's program NAME as /lib/tmpfs-root/bin/NAME, the path the hooks run it by
# (a shell that prefers its applets never runs one for a path); returns 1 when the host has none or
# only BusyBox's.
tmpfs_root_inst_tool() {
    tmpfs_root_check_tool "$1" || return 1
    inst_binary "$(find_binary "$1")" "/lib/tmpfs-root/bin/$1"
}
# FORMAT: true when FORMAT (a word of $tmpfs_root_decompressors) is a compressed format whose
# decompressor this host has; else says why (derror).
tmpfs_root_check_decompressor() {
    case "$1" in
        gzip) tmpfs_root_require_tool gzip ;;
        xz) tmpfs_root_require_tool xz ;;
        zstd) tmpfs_root_require_tool zstd ;;
        bzip2) tmpfs_root_require_tool bzip2 ;;
        lz4) tmpfs_root_require_tool lz4 ;;
        *)
            derror \
                "tmpfs-root: tmpfs_root_decompressors names \"$1\", which is not a compressed format: name some of gzip xz zstd bzip2 lz4"
            return 1
            ;;
    esac
}
# FORMAT: installs FORMAT's decompressors that this host has (pigz beside gzip); returns 1 when it
# has none.
tmpfs_root_inst_decompressor() {
    case "$1" in
        gzip)
            tmpfs_root_inst_tool gzip || return 1
            tmpfs_root_inst_tool pigz || :
            ;;
        xz)
            tmpfs_root_inst_tool xz || return 1
            ;;
        zstd)
            tmpfs_root_inst_tool zstd || return 1
            ;;
        bzip2)
            tmpfs_root_inst_tool bzip2 || return 1
            ;;
        lz4)
            tmpfs_root_inst_tool lz4 || return 1
            ;;
    esac
}
# NAME: installs the kernel module of the file system NAME (a word of $tmpfs_root_filesystems) with
# what it needs; says why (derror) and returns 1 when dracut cannot.
tmpfs_root_inst_filesystem() {
    hostonly='' instmods -c "$1" || {
        derror \
            "tmpfs-root: tmpfs_root_filesystems names \"$1\", whose kernel module dracut cannot install for kernel $kernel: name file systems this kernel has (e.g. ext4 xfs)"
        return 1
    }
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
# dracut: the programs must exist and not be BusyBox's, the formats $tmpfs_root_decompressors names
# must be known and their decompressors here, and every key $tmpfs_root_pubkeys names must be an
# Ed25519 public key (1 fails the build); the module is installed only when asked for (255).
check() {
    local t
    require_binaries cat chmod chroot cp dd df find grep head ln mkdir mkfifo mktemp mount mv od \
        rm rmdir sed sha256sum sleep stat tar tee touch tr umount || return 1
    # The hooks need the full programs: BusyBox's applets lack options they use.
    for t in cat chmod chroot cp dd df find grep head ln mkdir mkfifo mktemp mount mv od rm rmdir \
        sed sha256sum sleep stat tar tee touch tr umount; do
        tmpfs_root_require_tool "$t" || return 1
    done
    tmpfs_root_each "${tmpfs_root_decompressors:-}" tmpfs_root_check_decompressor || return 1
    # With public keys every archive's signature is checked: each key must be usable.
    if [ -n "${tmpfs_root_pubkeys:-}" ]; then
        require_binaries openssl || return 1
        tmpfs_root_each "$tmpfs_root_pubkeys" tmpfs_root_check_key || return 1
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
            if tmpfs_root_installable network && tmpfs_root_installable nfs; then
                deps="$deps network nfs"
            fi
            ;;
    esac
    case " $sources " in
        *' http '*)
            if tmpfs_root_installable network && tmpfs_root_installable url-lib; then
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
    # The file systems a source may carry (tmpfs itself is built in): those tmpfs_root_filesystems
    # names, each one a must (dracut stops the build when installkernel fails), else all.
    case " $sources " in
        *' block '*)
            if [ -n "${tmpfs_root_filesystems:-}" ]; then
                tmpfs_root_each "$tmpfs_root_filesystems" tmpfs_root_inst_filesystem || return 1
            else
                for m in ext4 xfs btrfs vfat iso9660 squashfs udf; do
                    hostonly='' instmods "$m" || :
                done
            fi
            ;;
    esac
    return 0
}
# dracut: installs the programs under /lib/tmpfs-root/bin (the decompressors
# $tmpfs_root_decompressors names, else all this host has; openssl and the public keys only when
# $tmpfs_root_pubkeys names keys), the record of the source kinds the image boots, the library, the
# hooks and, with systemd, the generator, service and units.
install() {
    local sources
    local t
    local kinds=block
    sources="$(tmpfs_root_build_sources)"
    # Each program where the hooks run it: /lib/tmpfs-root/bin/<name>. dracut 059 ignores
    # what install returns: exit 1 stops a build that would make an image that cannot boot.
    for t in cat chmod chroot cp dd df find grep head ln mkdir mkfifo mktemp mount mv od rm rmdir \
        sed sha256sum sleep stat tar tee touch tr umount; do
        if ! tmpfs_root_inst_tool "$t"; then
            dfatal "tmpfs-root: could not install $t"
            exit 1
        fi
    done
    if [ -n "${tmpfs_root_decompressors:-}" ]; then
        if ! tmpfs_root_each "$tmpfs_root_decompressors" tmpfs_root_inst_decompressor; then
            dfatal 'tmpfs-root: could not install the decompressors of tmpfs_root_decompressors'
            exit 1
        fi
    else
        for t in gzip xz zstd bzip2 lz4; do
            tmpfs_root_inst_decompressor "$t" || :
        done
    fi
    case " $sources " in
        *' http '*)
            tmpfs_root_inst_tool curl || :
            ;;
    esac
    # openssl and the keys only into an image that checks signatures; it always does.
    if [ -n "${tmpfs_root_pubkeys:-}" ]; then
        if ! { tmpfs_root_inst_tool openssl && tmpfs_root_each "$tmpfs_root_pubkeys" tmpfs_root_install_key; }; then
            dfatal 'tmpfs-root: could not install the public keys (tmpfs_root_pubkeys)'
            exit 1
        fi
    fi
    # The source kinds this image boots: the boot refuses another with a clear line.
    case " $sources " in
        *' nfs '*)
            if dracut_module_included network && dracut_module_included nfs; then
                kinds="$kinds nfs"
            else
                dwarn \
                    'tmpfs-root: this initramfs will not boot nfs sources: dracut cannot install its network and nfs modules in this build'
            fi
            ;;
    esac
    case " $sources " in
        *' http '*)
            if dracut_module_included network && dracut_module_included url-lib &&
                [ -x "${initdir:-}/lib/tmpfs-root/bin/curl" ]; then
                kinds="$kinds http"
            else
                dwarn \
                    'tmpfs-root: this initramfs will not boot http sources: dracut cannot install its network and url-lib modules in this build, or curl is missing'
            fi
            ;;
    esac
    if ! printf '%s\n' "$kinds" >"${initdir:-}/lib/tmpfs-root/sources"; then
        dfatal 'tmpfs-root: could not write /lib/tmpfs-root/sources'
        exit 1
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
