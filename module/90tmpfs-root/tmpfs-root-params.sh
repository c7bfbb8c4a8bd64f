#!/bin/sh
# shellcheck disable=SC3043,SC2034
# Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.
# Rebuild with: npx -y deno@2.9.6 task build-module
# tmpfs-root: the kernel command-line reader: the scanner, udev's label escaping, every parameter's
# check.
# LEVEL TEXT: prints TEXT to the kernel log at LEVEL (the console), or to stderr without /dev/kmsg.
tmpfs_root_say() {
    printf '<%s>%s\n' "$1" "$2" >/dev/kmsg 2>/dev/null || printf '%s\n' "$2" >&2
}
# SET VALUE: true when VALUE holds only characters of the tr(1) set SET.
tmpfs_root_only() {
    [ -z "$(printf %s "$2" | /lib/tmpfs-root/bin/tr -d "$1")" ]
}
# TEXT: prints TEXT in ASCII lower case.
tmpfs_root_lower() {
    printf %s "$1" | /lib/tmpfs-root/bin/tr '[:upper:]' '[:lower:]'
}
# prints what dracut's getcmdline reads: /etc/cmdline.d/*.conf, /etc/cmdline, then /proc/cmdline,
# one space between files; returns 0.
tmpfs_root_cmdline_text() {
    local f
    local sep=
    # One space between files, none after the last: an open quote must not swallow it.
    for f in /etc/cmdline.d/*.conf /etc/cmdline /proc/cmdline; do
        if [ -f "$f" ]; then
            printf %s%s "$sep" "$(/lib/tmpfs-root/bin/cat "$f")"
            sep=' '
        fi
    done
    return 0
}
# TEXT: splits TEXT as the kernel's next_arg() does (quotes group words, nothing is evaluated) and
# calls tmpfs_root_arg NAME VALUE HAS_EQUALS for each argument.
tmpfs_root_scan() {
    local rest="$1"
    local tok
    local seg
    local name
    local val
    local eq
    local inq
    local quoted
    local last
    local zeroed
    while :; do
        # White space before the argument.
        rest="${rest#"${rest%%[![:space:]]*}"}"
        [ -n "$rest" ] || return 0
        quoted=0
        case "$rest" in
            '"'*)
                rest="${rest#?}"
                quoted=1
                ;;
        esac
        inq="$quoted"
        # The argument: runs up to a quote (which toggles quoting) or to white space outside quotes.
        tok=''
        while [ -n "$rest" ]; do
            if [ "$inq" = 1 ]; then
                case "$rest" in
                    *'"'*)
                        seg="${rest%%\"*}\""
                        inq=0
                        ;;
                    *) seg="$rest" ;;
                esac
            else
                seg="${rest%%[[:space:]]*}"
                case "$seg" in
                    *'"'*)
                        seg="${seg%%\"*}\""
                        inq=1
                        ;;
                esac
            fi
            [ -n "$seg" ] || break
            tok="$tok$seg"
            rest="${rest#"$seg"}"
        done
        # The name is what comes before the first = that is not the first character.
        case "$tok" in
            ?*=*)
                seg="${tok#?}"
                name="${tok%"$seg"}${seg%%=*}"
                val="${seg#*=}"
                eq=1
                ;;
            *)
                name="$tok"
                val=''
                eq=0
                ;;
        esac
        last="${tok#"${tok%?}"}"
        zeroed=0
        if [ "$eq" = 1 ]; then
            case "$val" in
                '"'*)
                    val="${val#?}"
                    if [ "$last" = '"' ]; then
                        zeroed=1
                        [ -z "$val" ] || val="${val%?}"
                    fi
                    ;;
            esac
        fi
        if [ "$quoted" = 1 ] && [ "$zeroed" = 0 ] && [ "$last" = '"' ]; then
            if [ "$eq" = 1 ]; then
                val="${val%?}"
            else
                name="${name%?}"
            fi
        fi
        tmpfs_root_arg "$name" "$val" "$eq"
    done
}
# HEX...: prints the hex digit (lower case) whose ASCII code starts the argument.
tmpfs_root_hex_digit() {
    case "$1" in
        30*) printf 0 ;;
        31*) printf 1 ;;
        32*) printf 2 ;;
        33*) printf 3 ;;
        34*) printf 4 ;;
        35*) printf 5 ;;
        36*) printf 6 ;;
        37*) printf 7 ;;
        38*) printf 8 ;;
        39*) printf 9 ;;
        41* | 61*) printf a ;;
        42* | 62*) printf b ;;
        43* | 63*) printf c ;;
        44* | 64*) printf d ;;
        45* | 65*) printf e ;;
        46* | 66*) printf f ;;
    esac
}
# TEXT: prints TEXT escaped as udev names /dev/disk/by-label and by-partlabel links (libblkid's
# blkid_encode_string); \xNN in TEXT stands for byte NN.
tmpfs_root_udev_encode() {
    # Most labels need no escaping.
    case "$1" in
        *[!0-9A-Za-z#+.:=@_-]*) : ;;
        *)
            printf %s "$1"
            return 0
            ;;
    esac
    # Hex digits of every byte, then one byte (or one UTF-8 sequence) at a time.
    local hex
    hex="$(printf %s "$1" | /lib/tmpfs-root/bin/od -An -v -tx1 | /lib/tmpfs-root/bin/tr -d ' \n')"
    # A label may be written already escaped: \xNN stands for the byte NN.
    local dec=
    while [ -n "$hex" ]; do
        case "$hex" in
            5c783[0-9]3[0-9]* | 5c783[0-9]4[1-6]* | 5c783[0-9]6[1-6]* | 5c784[1-6]3[0-9]* | \
                5c784[1-6]4[1-6]* | 5c784[1-6]6[1-6]* | 5c786[1-6]3[0-9]* | 5c786[1-6]4[1-6]* | \
                5c786[1-6]6[1-6]*)
                dec="$dec$(tmpfs_root_hex_digit "${hex#????}")$(tmpfs_root_hex_digit "${hex#??????}")"
                hex="${hex#????????}"
                ;;
            *)
                dec="$dec${hex%"${hex#??}"}"
                hex="${hex#??}"
                ;;
        esac
    done
    hex="$dec"
    local out=
    local b0
    local n0
    local b
    local n
    local len
    local cp
    local i
    local rest
    local ok
    while [ -n "$hex" ]; do
        b0="${hex%"${hex#??}"}"
        n0="$(printf %d "0x$b0")"
        len=1
        cp="$n0"
        if [ "$n0" -ge 192 ] && [ "$n0" -le 223 ]; then
            len=2
            cp="$((n0 - 192))"
        elif [ "$n0" -ge 224 ] && [ "$n0" -le 239 ]; then
            len=3
            cp="$((n0 - 224))"
        elif [ "$n0" -ge 240 ] && [ "$n0" -le 247 ]; then
            len=4
            cp="$((n0 - 240))"
        elif [ "$n0" -ge 128 ]; then
            len=0
        fi
        ok=0
        if [ "$len" -gt 1 ]; then
            ok=1
            rest="${hex#??}"
            i=1
            while [ "$i" -lt "$len" ]; do
                if [ -z "$rest" ]; then
                    ok=0
                    break
                fi
                b="${rest%"${rest#??}"}"
                rest="${rest#??}"
                n="$(printf %d "0x$b")"
                if ! { [ "$n" -ge 128 ] && [ "$n" -le 191 ]; }; then
                    ok=0
                    break
                fi
                cp="$(((cp * 64) + (n - 128)))"
                i="$((i + 1))"
            done
            if [ "$ok" = 1 ]; then
                ok=0
                case "$len" in
                    2)
                        if [ "$cp" -ge 128 ] && [ "$cp" -le 2047 ]; then
                            ok=1
                        fi
                        ;;
                    3)
                        if [ "$cp" -ge 2048 ] && [ "$cp" -le 65535 ]; then
                            ok=1
                        fi
                        ;;
                    4)
                        if [ "$cp" -ge 65536 ] && [ "$cp" -le 1114111 ]; then
                            ok=1
                        fi
                        ;;
                esac
                if [ "$cp" -ge 55296 ] && [ "$cp" -le 57343 ]; then
                    ok=0
                fi
                if [ "$cp" -ge 64976 ] && [ "$cp" -le 65007 ]; then
                    ok=0
                fi
                if [ "$((cp % 65536))" -eq 65535 ]; then
                    ok=0
                fi
            fi
        fi
        if [ "$ok" = 1 ]; then
            # A valid multi-byte sequence stays as it is.
            i=0
            while [ "$i" -lt "$len" ]; do
                n="$(printf %d "0x${hex%"${hex#??}"}")"
                out="$out$(printf %b "\\0$(printf %03o "$n")")"
                hex="${hex#??}"
                i="$((i + 1))"
            done
        else
            ok=0
            if [ "$n0" -ge 48 ] && [ "$n0" -le 57 ]; then
                ok=1
            fi
            if [ "$n0" -ge 65 ] && [ "$n0" -le 90 ]; then
                ok=1
            fi
            if [ "$n0" -ge 97 ] && [ "$n0" -le 122 ]; then
                ok=1
            fi
            if [ "$n0" -ge 35 ] && [ "$n0" -le 35 ]; then
                ok=1
            fi
            if [ "$n0" -ge 43 ] && [ "$n0" -le 43 ]; then
                ok=1
            fi
            if [ "$n0" -ge 45 ] && [ "$n0" -le 46 ]; then
                ok=1
            fi
            if [ "$n0" -ge 58 ] && [ "$n0" -le 58 ]; then
                ok=1
            fi
            if [ "$n0" -ge 61 ] && [ "$n0" -le 61 ]; then
                ok=1
            fi
            if [ "$n0" -ge 64 ] && [ "$n0" -le 64 ]; then
                ok=1
            fi
            if [ "$n0" -ge 95 ] && [ "$n0" -le 95 ]; then
                ok=1
            fi
            if [ "$ok" = 1 ]; then
                out="$out$(printf %b "\\0$(printf %03o "$n0")")"
            else
                out="$out\\x$b0"
            fi
            hex="${hex#??}"
        fi
    done
    printf %s "$out"
}
# NAME VALUE HAS_EQUALS: keeps the last value of each parameter, notes ip=, collects unknown names
# under rd.tmpfs.; returns 0.
tmpfs_root_arg() {
    case "$1" in
        root)
            tmpfs_root_raw_root="$2"
            tmpfs_root_given_root=1
            ;;
        rd.tmpfs.size)
            tmpfs_root_raw_size="$2"
            tmpfs_root_given_size=1
            ;;
        rd.tmpfs.imgfile)
            tmpfs_root_raw_imgfile="$2"
            tmpfs_root_given_imgfile=1
            ;;
        rd.tmpfs.mirror)
            tmpfs_root_given_mirror=1
            if [ -z "$tmpfs_root_bad_mirror" ]; then
                if tmpfs_root_parse_source "$2" 2>/dev/null &&
                    case "$tmpfs_root_kind" in http) true ;; *) false ;; esac; then
                    tmpfs_root_raw_mirror="$tmpfs_root_raw_mirror $2"
                else
                    tmpfs_root_bad_mirror="x$2"
                fi
            fi
            ;;
        rd.tmpfs.opts)
            tmpfs_root_raw_opts="$2"
            tmpfs_root_given_opts=1
            ;;
        rd.tmpfs.sha256)
            tmpfs_root_raw_sha256="$2"
            tmpfs_root_given_sha256=1
            ;;
        rd.tmpfs.verify)
            tmpfs_root_raw_verify="$2"
            tmpfs_root_given_verify=1
            ;;
        rd.tmpfs.retries)
            tmpfs_root_raw_retries="$2"
            tmpfs_root_given_retries=1
            ;;
        rd.tmpfs.timeout)
            tmpfs_root_raw_timeout="$2"
            tmpfs_root_given_timeout=1
            ;;
        rd.tmpfs.cafile)
            tmpfs_root_raw_cafile="$2"
            tmpfs_root_given_cafile=1
            ;;
        rd.retry)
            tmpfs_root_raw_retry="$2"
            tmpfs_root_given_retry=1
            ;;
        rd.tmpfs.onfail)
            tmpfs_root_raw_onfail="$2"
            tmpfs_root_given_onfail=1
            ;;
        ip) tmpfs_root_given_ip=1 ;;
        rd.tmpfs.*) tmpfs_root_unknown="$tmpfs_root_unknown$1=" ;;
    esac
    return 0
}
# NAME: prints the known rd.tmpfs. parameter that shares the longest prefix with NAME.
tmpfs_root_closest() {
    local best=rd.tmpfs.size
    local most=-1
    local k
    local a
    local b
    local n
    for k in rd.tmpfs.size rd.tmpfs.imgfile rd.tmpfs.mirror rd.tmpfs.opts rd.tmpfs.sha256 \
        rd.tmpfs.verify rd.tmpfs.retries rd.tmpfs.timeout rd.tmpfs.cafile rd.tmpfs.onfail; do
        a="$1"
        b="$k"
        n=0
        while [ -n "$a" ] && [ -n "$b" ] && [ "${a%"${a#?}"}" = "${b%"${b#?}"}" ]; do
            a="${a#?}"
            b="${b#?}"
            n="$((n + 1))"
        done
        if [ "$n" -gt "$most" ]; then
            best="$k"
            most="$n"
        fi
    done
    printf %s "$best"
}
# prints one warning for each unknown rd.tmpfs. parameter, once per boot; returns 0.
tmpfs_root_warn_unknown() {
    local rest="$tmpfs_root_unknown"
    local name
    local seen=
    [ -n "$rest" ] || return 0
    [ ! -e /run/tmpfs-root/warned.params ] || return 0
    /lib/tmpfs-root/bin/mkdir -p /run/tmpfs-root 2>/dev/null
    : >/run/tmpfs-root/warned.params
    while [ -n "$rest" ]; do
        name="${rest%%=*}"
        rest="${rest#*=}"
        case "=$seen" in
            *="$name"=*) continue ;;
        esac
        seen="$seen$name="
        tmpfs_root_say 4 \
            "tmpfs-root: warning: unknown parameter $name ignored (did you mean $(tmpfs_root_closest "$name")?)"
    done
    return 0
}
# true when the initramfs carries a public key (a file under /etc/tmpfs-root/keys): then every
# archive must have a signed sidecar.
tmpfs_root_has_keys() {
    local k
    for k in /etc/tmpfs-root/keys/*; do
        [ -f "$k" ] && return 0
    done
    return 1
}
# KIND: true when the initramfs boots sources of KIND, by the record module-setup.sh writes
# (/lib/tmpfs-root/sources; every kind when there is none).
tmpfs_root_image_boots() {
    local l=
    [ -e /lib/tmpfs-root/sources ] || return 0
    {
        read -r l || :
    } </lib/tmpfs-root/sources
    case " $l " in
        *" $1 "*) return 0 ;;
    esac
    return 1
}
# OPTIONS: true when each of the comma-separated tmpfs OPTIONS is nr_inodes=, huge=, mpol= or mode=
# with a valid value, each at most once.
tmpfs_root_check_opts() {
    local rest="$1,"
    local opt
    local key
    local val
    local seen=,
    local n
    # A comma after the list: an empty option, even the last, is one too.
    while [ -n "$rest" ]; do
        opt="${rest%%,*}"
        rest="${rest#*,}"
        case "$opt" in
            *=*) : ;;
            *) return 1 ;;
        esac
        key="${opt%%=*}"
        val="${opt#*=}"
        case "$seen" in
            *,"$key",*) return 1 ;;
        esac
        seen="$seen$key,"
        case "$key" in
            nr_inodes)
                # 0, or up to 15 digits without a leading zero (octal to the kernel), and k, m or g.
                n="${val%[kKmMgG]}"
                case "$n" in
                    0) : ;;
                    '' | 0* | *[!0-9]*) return 1 ;;
                esac
                if [ "${#n}" -gt 15 ]; then
                    return 1
                fi
                ;;
            huge)
                case "$val" in
                    never | always | within_size | advise) : ;;
                    *) return 1 ;;
                esac
                ;;
            mpol)
                case "$val" in
                    default | local | interleave) : ;;
                    prefer:*)
                        case "${val#prefer:}" in
                            0 | [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9]) : ;;
                            *) return 1 ;;
                        esac
                        ;;
                    interleave:* | bind:*)
                        # A node, or a range of nodes.
                        n="${val#*:}"
                        case "$n" in
                            *-*)
                                case "${n%%-*}" in
                                    0 | [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9])
                                        :
                                        ;;
                                    *) return 1 ;;
                                esac
                                case "${n#*-}" in
                                    0 | [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9])
                                        :
                                        ;;
                                    *) return 1 ;;
                                esac
                                ;;
                            *)
                                case "$n" in
                                    0 | [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9])
                                        :
                                        ;;
                                    *) return 1 ;;
                                esac
                                ;;
                        esac
                        ;;
                    *) return 1 ;;
                esac
                ;;
            mode)
                case "$val" in
                    [0-7][0-7][0-7] | [0-7][0-7][0-7][0-7]) : ;;
                    *) return 1 ;;
                esac
                ;;
            *) return 1 ;;
        esac
    done
    return 0
}
# TEXT: parses the text after root=tmpfs: into $tmpfs_root_kind and the source's fields; returns 1
# when it is no source.
tmpfs_root_parse_source() {
    local s="$1"
    local id
    tmpfs_root_kind=''
    tmpfs_root_spec=''
    tmpfs_root_device=''
    tmpfs_root_fstype=''
    tmpfs_root_target=''
    tmpfs_root_options=''
    tmpfs_root_url=''
    tmpfs_root_spec="$s"
    case "$s" in
        *[[:cntrl:]]*) return 1 ;;
    esac
    # A /dev path that climbs with .. is no device name.
    case "$s" in
        /dev/*/../* | /dev/*/.. | /dev/../* | /dev/..) return 1 ;;
        /dev/?*)
            tmpfs_root_kind=block
            tmpfs_root_device="$s"
            ;;
        LABEL=?*)
            tmpfs_root_kind=block
            tmpfs_root_device="/dev/disk/by-label/$(tmpfs_root_udev_encode "${s#LABEL=}")"
            ;;
        UUID=?*)
            tmpfs_root_kind=block
            id="${s#UUID=}"
            case "$id" in
                [0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]-[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]-[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]-[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]-[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f])
                    id="$(tmpfs_root_lower "$id")"
                    ;;
            esac
            tmpfs_root_device="/dev/disk/by-uuid/$(tmpfs_root_udev_encode "$id")"
            ;;
        PARTLABEL=?*)
            tmpfs_root_kind=block
            tmpfs_root_device="/dev/disk/by-partlabel/$(tmpfs_root_udev_encode "${s#PARTLABEL=}")"
            ;;
        PARTUUID=?*)
            tmpfs_root_kind=block
            tmpfs_root_device="/dev/disk/by-partuuid/$(tmpfs_root_udev_encode "$(tmpfs_root_lower "${s#PARTUUID=}")")"
            ;;
        NFS=*) tmpfs_root_parse_nfs "${s#NFS=}" ;;
        http://?* | https://?*)
            tmpfs_root_only "A-Za-z0-9._~:/?#@!\$&'()*+,;=%-" "$s" || return 1
            tmpfs_root_kind=http
            tmpfs_root_url="$s"
            ;;
        *) return 1 ;;
    esac
}
# nfs[4]:SERVER:EXPORT[,OPTIONS]: sets the NFS source's fields (mount options with nolock for NFSv3
# unless locking was chosen, then ro); returns 1 when invalid.
tmpfs_root_parse_nfs() {
    local fstype
    local server
    local inner
    local rest
    local path
    local opts=
    local o
    local lock=
    case "$1" in
        nfs:*) fstype=nfs ;;
        nfs4:*) fstype=nfs4 ;;
        *) return 1 ;;
    esac
    rest="${1#*:}"
    case "$rest" in
        '['*']'*)
            server="${rest%%\]*}]"
            rest="${rest#*\]}"
            inner="${server#\[}"
            inner="${inner%\]}"
            [ -n "$inner" ] || return 1
            tmpfs_root_only 0-9A-Fa-f:. "$inner" || return 1
            ;;
        *)
            server="${rest%%:*}"
            rest="${rest#"$server"}"
            case "$server" in
                '' | [.-]* | *[.-]) return 1 ;;
            esac
            tmpfs_root_only A-Za-z0-9.- "$server" || return 1
            ;;
    esac
    case "$rest" in
        :/*) rest="${rest#:}" ;;
        *) return 1 ;;
    esac
    path="${rest%%,*}"
    case "$rest" in
        *,*)
            rest="${rest#*,}"
            opts="$rest"
            while :; do
                o="${rest%%,*}"
                [ -n "$o" ] || return 1
                tmpfs_root_only A-Za-z0-9_.=- "$o" || return 1
                case "$o" in
                    lock | nolock) lock=1 ;;
                esac
                case "$rest" in
                    *,*) rest="${rest#*,}" ;;
                    *) break ;;
                esac
            done
            ;;
    esac
    if [ "$fstype" = nfs ] && [ -z "$lock" ]; then
        if [ -n "$opts" ]; then
            opts="$opts,nolock"
        else
            opts=nolock
        fi
    fi
    if [ -n "$opts" ]; then
        opts="$opts,ro"
    else
        opts=ro
    fi
    tmpfs_root_kind=nfs
    tmpfs_root_fstype="$fstype"
    tmpfs_root_target="$server:$path"
    tmpfs_root_options="$opts"
}
# reads and checks every parameter into $tmpfs_root_<key>; returns 0 when all are valid, 1 with
# $tmpfs_root_cause set when one is not, 2 when root= is not tmpfs:.
tmpfs_root_read_params() {
    local LC_ALL=C
    local value
    local orig
    local lrest
    local lout
    local lseen
    local ln
    local litem
    local lurl
    tmpfs_root_raw_root=''
    tmpfs_root_given_root=''
    tmpfs_root_raw_size=''
    tmpfs_root_given_size=''
    tmpfs_root_raw_imgfile=''
    tmpfs_root_given_imgfile=''
    tmpfs_root_raw_mirror=''
    tmpfs_root_given_mirror=''
    tmpfs_root_bad_mirror=''
    tmpfs_root_raw_opts=''
    tmpfs_root_given_opts=''
    tmpfs_root_raw_sha256=''
    tmpfs_root_given_sha256=''
    tmpfs_root_raw_verify=''
    tmpfs_root_given_verify=''
    tmpfs_root_raw_retries=''
    tmpfs_root_given_retries=''
    tmpfs_root_raw_timeout=''
    tmpfs_root_given_timeout=''
    tmpfs_root_raw_cafile=''
    tmpfs_root_given_cafile=''
    tmpfs_root_raw_retry=''
    tmpfs_root_given_retry=''
    tmpfs_root_raw_onfail=''
    tmpfs_root_given_onfail=''
    tmpfs_root_given_ip=''
    tmpfs_root_unknown=''
    tmpfs_root_scan "$(tmpfs_root_cmdline_text)"
    case "$tmpfs_root_raw_root" in
        tmpfs:*) : ;;
        *) return 2 ;;
    esac
    tmpfs_root_warn_unknown
    if [ "$tmpfs_root_given_root" = 1 ]; then
        value="$tmpfs_root_raw_root"
    else
        value=''
    fi
    orig="$value"
    case "$value" in
        tmpfs:*)
            tmpfs_root_parse_source "${value#tmpfs:}" || {
                tmpfs_root_cause="invalid root \"$orig\": expected tmpfs: followed by a /dev path, LABEL=, UUID=, PARTLABEL=, PARTUUID=, NFS=nfs:<server>:<export> or an http:// or https:// URL"
                return 1
            }
            ;;
        *)
            tmpfs_root_cause="invalid root \"$orig\": expected tmpfs: followed by a /dev path, LABEL=, UUID=, PARTLABEL=, PARTUUID=, NFS=nfs:<server>:<export> or an http:// or https:// URL"
            return 1
            ;;
    esac
    if [ "$tmpfs_root_given_size" = 1 ]; then
        value="$tmpfs_root_raw_size"
    else
        value=50%
    fi
    orig="$value"
    case "$value" in
        *%)
            case "${value%\%}" in
                [1-9] | [1-9][0-9] | 100) : ;;
                *)
                    tmpfs_root_cause="invalid rd.tmpfs.size \"$orig\": expected a whole number of bytes (up to 18 digits), of k, m or g (up to 15, 12 or 9 digits), or a percentage of RAM from 1% to 100% (e.g. rd.tmpfs.size=3G)"
                    return 1
                    ;;
            esac
            ;;
        *)
            local digits
            digits="${value%[kKmMgG]}"
            case "$digits" in
                '' | 0* | *[!0-9]*)
                    tmpfs_root_cause="invalid rd.tmpfs.size \"$orig\": expected a whole number of bytes (up to 18 digits), of k, m or g (up to 15, 12 or 9 digits), or a percentage of RAM from 1% to 100% (e.g. rd.tmpfs.size=3G)"
                    return 1
                    ;;
            esac
            # Below 2^63 bytes: the kernel's memparse() would wrap around.
            local most=18
            case "$value" in
                *[kK]) most=15 ;;
                *[mM]) most=12 ;;
                *[gG]) most=9 ;;
            esac
            if [ "${#digits}" -gt "$most" ]; then
                tmpfs_root_cause="invalid rd.tmpfs.size \"$orig\": expected a whole number of bytes (up to 18 digits), of k, m or g (up to 15, 12 or 9 digits), or a percentage of RAM from 1% to 100% (e.g. rd.tmpfs.size=3G)"
                return 1
            fi
            ;;
    esac
    tmpfs_root_size="$value"
    if [ "$tmpfs_root_given_imgfile" = 1 ]; then
        value="$tmpfs_root_raw_imgfile"
    else
        value=rootfs.tar.gz
    fi
    orig="$value"
    case "$value" in
        *,*)
            lrest="$value,"
            lout=''
            lseen=,
            ln=0
            while [ -n "$lrest" ]; do
                value="${lrest%%,*}"
                lrest="${lrest#*,}"
                ln="$((ln + 1))"
                if [ "$ln" -gt 64 ]; then
                    tmpfs_root_cause="invalid rd.tmpfs.imgfile \"$orig\": expected a path relative to the source's root, without .. (e.g. rd.tmpfs.imgfile=images/rootfs.tar.gz), or up to 64 such paths separated by commas, each once, for layers unpacked in order (e.g. rd.tmpfs.imgfile=base.tar.zst,site.tar.gz)"
                    return 1
                fi
                while :; do
                    case "$value" in
                        /*) value="${value#/}" ;;
                        *) break ;;
                    esac
                done
                case "$value" in
                    '' | */ | .. | ../* | */.. | */../* | *[[:cntrl:]]*)
                        tmpfs_root_cause="invalid rd.tmpfs.imgfile \"$orig\": expected a path relative to the source's root, without .. (e.g. rd.tmpfs.imgfile=images/rootfs.tar.gz), or up to 64 such paths separated by commas, each once, for layers unpacked in order (e.g. rd.tmpfs.imgfile=base.tar.zst,site.tar.gz)"
                        return 1
                        ;;
                esac
                litem="$value"
                if [ -z "$litem" ]; then
                    tmpfs_root_cause="invalid rd.tmpfs.imgfile \"$orig\": expected a path relative to the source's root, without .. (e.g. rd.tmpfs.imgfile=images/rootfs.tar.gz), or up to 64 such paths separated by commas, each once, for layers unpacked in order (e.g. rd.tmpfs.imgfile=base.tar.zst,site.tar.gz)"
                    return 1
                fi
                case "$lseen" in
                    *,"$litem",*)
                        tmpfs_root_cause="invalid rd.tmpfs.imgfile \"$orig\": expected a path relative to the source's root, without .. (e.g. rd.tmpfs.imgfile=images/rootfs.tar.gz), or up to 64 such paths separated by commas, each once, for layers unpacked in order (e.g. rd.tmpfs.imgfile=base.tar.zst,site.tar.gz)"
                        return 1
                        ;;
                esac
                lseen="$lseen$litem,"
                lout="$lout,$litem"
            done
            tmpfs_root_imgfile="${lout#,}"
            ;;
        *)
            while :; do
                case "$value" in
                    /*) value="${value#/}" ;;
                    *) break ;;
                esac
            done
            case "$value" in
                '' | */ | .. | ../* | */.. | */../* | *[[:cntrl:]]*)
                    tmpfs_root_cause="invalid rd.tmpfs.imgfile \"$orig\": expected a path relative to the source's root, without .. (e.g. rd.tmpfs.imgfile=images/rootfs.tar.gz), or up to 64 such paths separated by commas, each once, for layers unpacked in order (e.g. rd.tmpfs.imgfile=base.tar.zst,site.tar.gz)"
                    return 1
                    ;;
            esac
            tmpfs_root_imgfile="$value"
            ;;
    esac
    if [ "$tmpfs_root_given_mirror" = 1 ]; then
        value="$tmpfs_root_raw_mirror"
    else
        value=''
    fi
    orig="$value"
    if [ -n "$tmpfs_root_bad_mirror" ]; then
        orig="${tmpfs_root_bad_mirror#x}"
        tmpfs_root_cause="invalid rd.tmpfs.mirror \"$orig\": expected an http:// or https:// URL of the archive, or of its folder ending with / (e.g. rd.tmpfs.mirror=http://10.0.0.2/images/), once per mirror"
        return 1
    fi
    tmpfs_root_mirror="${value#\ }"
    if [ "$tmpfs_root_given_opts" = 1 ]; then
        value="$tmpfs_root_raw_opts"
    else
        value=''
    fi
    orig="$value"
    if [ -n "$value" ]; then
        if ! tmpfs_root_check_opts "$value"; then
            tmpfs_root_cause="invalid rd.tmpfs.opts \"$orig\": expected tmpfs options separated by commas, each once: nr_inodes=<n>[k|m|g], huge=never|always|within_size|advise, mpol=default|local|interleave[:<nodes>]|prefer:<node>|bind:<nodes> (nodes: one, or a range such as 0-3) or mode=<octal> (e.g. rd.tmpfs.opts=nr_inodes=2m,mode=0755); the size is rd.tmpfs.size"
            return 1
        fi
    fi
    tmpfs_root_opts="$value"
    if [ "$tmpfs_root_given_sha256" = 1 ]; then
        value="$tmpfs_root_raw_sha256"
    else
        value=''
    fi
    orig="$value"
    case "$value" in
        *,*)
            lrest="$value,"
            lout=''
            lseen=,
            ln=0
            while [ -n "$lrest" ]; do
                value="${lrest%%,*}"
                lrest="${lrest#*,}"
                ln="$((ln + 1))"
                if [ "$ln" -gt 64 ]; then
                    tmpfs_root_cause="invalid rd.tmpfs.sha256 \"$orig\": expected the archive's SHA-256 as sha256sum prints it, 64 hexadecimal digits in upper or lower case (with layers, one for each, in their order, separated by commas), or nothing for no check"
                    return 1
                fi
                # Empty (no check), or 64 hex digits, kept in lower case.
                case "$value" in
                    '') : ;;
                    *[!0-9A-Fa-f]*)
                        tmpfs_root_cause="invalid rd.tmpfs.sha256 \"$orig\": expected the archive's SHA-256 as sha256sum prints it, 64 hexadecimal digits in upper or lower case (with layers, one for each, in their order, separated by commas), or nothing for no check"
                        return 1
                        ;;
                    *)
                        if [ "${#value}" -ne 64 ]; then
                            tmpfs_root_cause="invalid rd.tmpfs.sha256 \"$orig\": expected the archive's SHA-256 as sha256sum prints it, 64 hexadecimal digits in upper or lower case (with layers, one for each, in their order, separated by commas), or nothing for no check"
                            return 1
                        fi
                        value="$(tmpfs_root_lower "$value")"
                        ;;
                esac
                litem="$value"
                if [ -z "$litem" ]; then
                    tmpfs_root_cause="invalid rd.tmpfs.sha256 \"$orig\": expected the archive's SHA-256 as sha256sum prints it, 64 hexadecimal digits in upper or lower case (with layers, one for each, in their order, separated by commas), or nothing for no check"
                    return 1
                fi
                lout="$lout,$litem"
            done
            tmpfs_root_sha256="${lout#,}"
            ;;
        *)
            # Empty (no check), or 64 hex digits, kept in lower case.
            case "$value" in
                '') : ;;
                *[!0-9A-Fa-f]*)
                    tmpfs_root_cause="invalid rd.tmpfs.sha256 \"$orig\": expected the archive's SHA-256 as sha256sum prints it, 64 hexadecimal digits in upper or lower case (with layers, one for each, in their order, separated by commas), or nothing for no check"
                    return 1
                    ;;
                *)
                    if [ "${#value}" -ne 64 ]; then
                        tmpfs_root_cause="invalid rd.tmpfs.sha256 \"$orig\": expected the archive's SHA-256 as sha256sum prints it, 64 hexadecimal digits in upper or lower case (with layers, one for each, in their order, separated by commas), or nothing for no check"
                        return 1
                    fi
                    value="$(tmpfs_root_lower "$value")"
                    ;;
            esac
            tmpfs_root_sha256="$value"
            ;;
    esac
    if [ "$tmpfs_root_given_verify" = 1 ]; then
        value="$tmpfs_root_raw_verify"
    else
        value=none
    fi
    orig="$value"
    case "$value" in
        none | sidecar | signature) : ;;
        *)
            tmpfs_root_cause="invalid rd.tmpfs.verify \"$orig\": expected none, sidecar or signature (e.g. rd.tmpfs.verify=sidecar)"
            return 1
            ;;
    esac
    tmpfs_root_verify="$value"
    # An initramfs with public keys accepts signature alone; one without, anything else.
    if tmpfs_root_has_keys; then
        if [ "$tmpfs_root_given_verify" = 1 ] && [ "$tmpfs_root_verify" != signature ]; then
            tmpfs_root_cause="invalid rd.tmpfs.verify \"$orig\": expected signature, or nothing: this initramfs carries public keys (/etc/tmpfs-root/keys), so every archive must have a signed sidecar"
            return 1
        fi
        tmpfs_root_verify=signature
    else
        if [ "$tmpfs_root_verify" = signature ]; then
            tmpfs_root_cause="invalid rd.tmpfs.verify \"$orig\": expected none or sidecar: this initramfs carries no public keys (/etc/tmpfs-root/keys) to check a signature with (name them in tmpfs_root_pubkeys when building it)"
            return 1
        fi
    fi
    if [ "$tmpfs_root_given_retries" = 1 ]; then
        value="$tmpfs_root_raw_retries"
    else
        value=3
    fi
    orig="$value"
    case "$value" in
        [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9] | 0)
            :
            ;;
        *)
            tmpfs_root_cause="invalid rd.tmpfs.retries \"$orig\": expected a whole number from 0 to 99999 (e.g. rd.tmpfs.retries=5)"
            return 1
            ;;
    esac
    tmpfs_root_retries="$value"
    if [ "$tmpfs_root_given_timeout" = 1 ]; then
        value="$tmpfs_root_raw_timeout"
    else
        value=1800
    fi
    orig="$value"
    case "$value" in
        [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9] | 0)
            :
            ;;
        *)
            tmpfs_root_cause="invalid rd.tmpfs.timeout \"$orig\": expected a whole number of seconds from 1 to 99999 (e.g. rd.tmpfs.timeout=600)"
            return 1
            ;;
    esac
    if [ "$value" -lt 1 ]; then
        tmpfs_root_cause="invalid rd.tmpfs.timeout \"$orig\": expected a whole number of seconds from 1 to 99999 (e.g. rd.tmpfs.timeout=600)"
        return 1
    fi
    tmpfs_root_timeout="$value"
    if [ "$tmpfs_root_given_cafile" = 1 ]; then
        value="$tmpfs_root_raw_cafile"
    else
        value=''
    fi
    orig="$value"
    case "$value" in
        '') : ;;
        */ | */.. | */../* | *[[:cntrl:]]*)
            tmpfs_root_cause="invalid rd.tmpfs.cafile \"$orig\": expected an absolute path of a file in the initramfs, without .. (e.g. rd.tmpfs.cafile=/etc/tmpfs-root/ca.pem)"
            return 1
            ;;
        /*) : ;;
        *)
            tmpfs_root_cause="invalid rd.tmpfs.cafile \"$orig\": expected an absolute path of a file in the initramfs, without .. (e.g. rd.tmpfs.cafile=/etc/tmpfs-root/ca.pem)"
            return 1
            ;;
    esac
    tmpfs_root_cafile="$value"
    if [ "$tmpfs_root_given_retry" = 1 ]; then
        value="$tmpfs_root_raw_retry"
    else
        value=180
    fi
    orig="$value"
    case "$value" in
        [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9] | 0)
            :
            ;;
        *)
            tmpfs_root_cause="invalid rd.retry \"$orig\": expected a whole number of seconds from 0 to 99999 (e.g. rd.retry=60)"
            return 1
            ;;
    esac
    tmpfs_root_retry="$value"
    if [ "$tmpfs_root_given_onfail" = 1 ]; then
        value="$tmpfs_root_raw_onfail"
    else
        value=emergency
    fi
    orig="$value"
    case "$value" in
        emergency | reboot | poweroff | halt) : ;;
        *)
            tmpfs_root_cause="invalid rd.tmpfs.onfail \"$orig\": expected emergency, reboot, poweroff or halt (e.g. rd.tmpfs.onfail=reboot)"
            return 1
            ;;
    esac
    tmpfs_root_onfail="$value"
    # An image built without what a kind needs does not boot it (/lib/tmpfs-root/sources).
    if ! tmpfs_root_image_boots "$tmpfs_root_kind"; then
        case "$tmpfs_root_kind" in
            nfs)
                tmpfs_root_cause="invalid root \"$tmpfs_root_raw_root\": this initramfs cannot boot nfs sources: it was built without dracut's network and nfs modules; build it on a host with dracut-network installed, with dracut --add \"network nfs\" (or add_dracutmodules+=\" network nfs \" in dracut.conf)"
                ;;
            http)
                tmpfs_root_cause="invalid root \"$tmpfs_root_raw_root\": this initramfs cannot boot http sources: it was built without dracut's network and url-lib modules and curl; build it on a host with dracut-network and curl installed, with dracut --add \"network url-lib\" (or add_dracutmodules+=\" network url-lib \" in dracut.conf)"
                ;;
        esac
        return 1
    fi
    # A file name appended to a base URL: no white space, no curl glob characters.
    # (A URL holds no space: "/ " is where the source's or a mirror's URL ends with /.)
    if [ "$tmpfs_root_kind" = http ] &&
        case "$tmpfs_root_url $tmpfs_root_mirror " in */' '*) true ;; *) false ;; esac &&
        ! tmpfs_root_only "A-Za-z0-9._~:/@!\$&'()*+,;=%-" "$tmpfs_root_imgfile"; then
        tmpfs_root_cause="invalid rd.tmpfs.imgfile \"$tmpfs_root_imgfile\": appended to a URL it may hold only letters, digits and -._~:/@!\$&'()*+,;=% (percent-encode the rest)"
        return 1
    fi
    if [ -n "$tmpfs_root_mirror" ] && [ "$tmpfs_root_kind" != http ]; then
        tmpfs_root_cause="invalid rd.tmpfs.mirror \"${tmpfs_root_mirror%%\ *}\": mirrors are for a web source: give it with root=tmpfs:http:// or https://"
        return 1
    fi
    # With several layers, each name is appended to every URL: each must end with /.
    case "$tmpfs_root_kind $tmpfs_root_imgfile" in
        'http '*,*)
            case "$tmpfs_root_url" in
                */) : ;;
                *)
                    tmpfs_root_cause="invalid root \"$tmpfs_root_raw_root\": with several layers in rd.tmpfs.imgfile, every URL must end with / (each layer's name is appended to it)"
                    return 1
                    ;;
            esac
            lrest=''
            [ -n "$tmpfs_root_mirror" ] && lrest="$tmpfs_root_mirror "
            while [ -n "$lrest" ]; do
                lurl="${lrest%%\ *}"
                lrest="${lrest#*\ }"
                case "$lurl" in
                    */) : ;;
                    *)
                        tmpfs_root_cause="invalid rd.tmpfs.mirror \"$lurl\": with several layers in rd.tmpfs.imgfile, every URL must end with / (each layer's name is appended to it)"
                        return 1
                        ;;
                esac
            done
            ;;
    esac
    # A digest for each layer, in their order: both lists end together.
    if [ -n "$tmpfs_root_sha256" ]; then
        lrest="$tmpfs_root_imgfile,"
        lout="$tmpfs_root_sha256,"
        while [ -n "$lrest" ] && [ -n "$lout" ]; do
            lrest="${lrest#*,}"
            lout="${lout#*,}"
        done
        if [ -n "$lrest$lout" ]; then
            tmpfs_root_cause="invalid rd.tmpfs.sha256 \"$tmpfs_root_raw_sha256\": expected one digest for each archive of rd.tmpfs.imgfile, in the same order, separated by commas"
            return 1
        fi
    fi
    return 0
}
