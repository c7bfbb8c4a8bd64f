#!/bin/sh
# shellcheck disable=SC3043
tmpfs_root_say() {
    printf '<%s>%s\n' "$1" "$2" >/dev/kmsg 2>/dev/null || printf '%s\n' "$2" >&2
}
tmpfs_root_report() {
    mkdir -p /run/tmpfs-root 2>/dev/null
    printf 'status=%s\nmessage=%s\n' "$1" "$2" >/run/tmpfs-root/report 2>/dev/null
    cat /run/tmpfs-root/warnings >>/run/tmpfs-root/report 2>/dev/null
    return 0
}
tmpfs_root_failed() {
    local line
    line="$(printf %s "tmpfs-root: $1 failed: $tmpfs_root_cause" | tr -d '\000-\037\177')"
    tmpfs_root_say 2 "$line"
    tmpfs_root_report failed "$line"
}
tmpfs_root_only() {
    [ -z "$(printf %s "$2" | tr -d "$1")" ]
}
tmpfs_root_lower() {
    printf %s "$1" | tr '[:upper:]' '[:lower:]'
}
tmpfs_root_cmdline_text() {
    local f
    local sep=
    # One space between files, none after the last: an open quote must not swallow it.
    for f in /etc/cmdline.d/*.conf /etc/cmdline /proc/cmdline; do
        if [ -f "$f" ]; then
            printf %s%s "$sep" "$(cat "$f")"
            sep=' '
        fi
    done
    return 0
}
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
    hex="$(printf %s "$1" | od -An -v -tx1 | tr -d ' \n')"
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
tmpfs_root_closest() {
    local best=rd.tmpfs.size
    local most=-1
    local k
    local a
    local b
    local n
    for k in rd.tmpfs.size rd.tmpfs.imgfile rd.tmpfs.retries rd.tmpfs.timeout rd.tmpfs.cafile \
        rd.tmpfs.onfail; do
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
tmpfs_root_warn_unknown() {
    local rest="$tmpfs_root_unknown"
    local name
    local seen=
    [ -n "$rest" ] || return 0
    [ ! -e /run/tmpfs-root/warned.params ] || return 0
    mkdir -p /run/tmpfs-root 2>/dev/null
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
tmpfs_root_read_params() {
    local LC_ALL=C
    local value
    local orig
    tmpfs_root_raw_root=''
    tmpfs_root_given_root=''
    tmpfs_root_raw_size=''
    tmpfs_root_given_size=''
    tmpfs_root_raw_imgfile=''
    tmpfs_root_given_imgfile=''
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
    while :; do
        case "$value" in
            /*) value="${value#/}" ;;
            *) break ;;
        esac
    done
    case "$value" in
        '' | */ | .. | ../* | */.. | */../* | *[[:cntrl:]]*)
            tmpfs_root_cause="invalid rd.tmpfs.imgfile \"$orig\": expected a path relative to the source's root, without .. (e.g. rd.tmpfs.imgfile=images/rootfs.tar.gz)"
            return 1
            ;;
    esac
    tmpfs_root_imgfile="$value"
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
    # A file name appended to a base URL: no white space, no curl glob characters.
    if [ "$tmpfs_root_kind" = http ] && case "$tmpfs_root_url" in */) true ;; *) false ;; esac &&
        ! tmpfs_root_only "A-Za-z0-9._~:/@!\$&'()*+,;=%-" "$tmpfs_root_imgfile"; then
        tmpfs_root_cause="invalid rd.tmpfs.imgfile \"$tmpfs_root_imgfile\": appended to a URL it may hold only letters, digits and -._~:/@!\$&'()*+,;=% (percent-encode the rest)"
        return 1
    fi
    return 0
}
tmpfs_root_first_line() {
    local l=
    {
        read -r l
    } 2>/dev/null <"$1"
    printf %s "$l"
}
tmpfs_root_first_error() {
    local l=
    {
        l="$(grep -vE "Removing leading|in the future|implausibly old time stamp|Ignoring unknown extended header keyword|A lone zero block|Cannot set '|Exiting with failure status" "$1" | sed -n 1p)"
    } 2>/dev/null
    [ -n "$l" ] || l="$(tmpfs_root_first_line "$1")"
    printf %s "$l"
}
tmpfs_root_request_network() {
    case "$tmpfs_root_kind" in
        nfs | http)
            mkdir -p /etc/cmdline.d 2>/dev/null
            echo rd.neednet=1 >/etc/cmdline.d/90-tmpfs-root-neednet.conf
            ;;
    esac
    return 0
}
tmpfs_root_decompress() {
    case "$1" in
        gzip)
            if command -v pigz >/dev/null; then
                pigz -dc
            else
                gzip -dc
            fi
            ;;
        xz) xz -dc -T0 ;;
        zstd) zstd -dcq ;;
        bzip2) bzip2 -dc ;;
        lz4) lz4 -dc ;;
        *) cat ;;
    esac
}
tmpfs_root_extract() {
    local fmt
    local rr
    local rd
    local rt
    rm -f /run/tmpfs-root/head /run/tmpfs-root/rc.read /run/tmpfs-root/rc.dec \
        /run/tmpfs-root/rc.tar /run/tmpfs-root/tar.out /run/tmpfs-root/warnings 2>/dev/null
    # The first 262 bytes hold every magic number we know, tar's at offset 257.
    if ! dd bs=1 count=262 of=/run/tmpfs-root/head 2>/run/tmpfs-root/err; then
        tmpfs_root_cause="could not read $2: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
    if ! [ -s /run/tmpfs-root/head ]; then
        tmpfs_root_cause="$2 is empty"
        return 1
    fi
    case "$(od -An -tx1 -j 0 -N 6 /run/tmpfs-root/head 2>/dev/null | tr -d ' \n')" in
        1f8b*) fmt=gzip ;;
        fd377a585a00) fmt=xz ;;
        28b52ffd*) fmt=zstd ;;
        425a68*) fmt=bzip2 ;;
        04224d18*) fmt=lz4 ;;
        *)
            if [ "$(od -An -tx1 -j 257 -N 5 /run/tmpfs-root/head 2>/dev/null | tr -d ' \n')" = \
                7573746172 ]; then
                fmt=tar
            else
                tmpfs_root_cause="$2 is not a tar archive (gzip, xz, zstd, bzip2, lz4 or plain)"
                return 1
            fi
            ;;
    esac
    tmpfs_root_say 7 "tmpfs-root: unpacking $2 ($fmt)"
    # Each side of the pipe records its exit status and keeps its own messages.
    {
        cat /run/tmpfs-root/head && cat
        echo "$?" >/run/tmpfs-root/rc.read
    } 2>/run/tmpfs-root/err | {
        tmpfs_root_decompress "$fmt"
        echo "$?" >/run/tmpfs-root/rc.dec
    } 2>/run/tmpfs-root/dec.err | {
        tar -x -p -R --same-owner --numeric-owner --xattrs '--xattrs-include=*' --acls --selinux \
            -f - -C "$1"
        echo "$?" >/run/tmpfs-root/rc.tar
    } >/run/tmpfs-root/tar.out 2>/run/tmpfs-root/tar.err
    rr="$(cat /run/tmpfs-root/rc.read)"
    rd="$(cat /run/tmpfs-root/rc.dec)"
    rt="$(cat /run/tmpfs-root/rc.tar)"
    # GNU tar says "Wrote only N of M bytes" when a write comes up short on a full tmpfs.
    if grep -qsE 'No space left on device|Wrote only [0-9]+ of [0-9]+ bytes' \
        /run/tmpfs-root/tar.err; then
        tmpfs_root_cause="the tmpfs is full (rd.tmpfs.size=$tmpfs_root_size): the archive needs more"
        return 1
    fi
    # The decompressor's own word decides; gzip exits 2 for a warning (trailing garbage).
    if [ "$rd" != 0 ] && [ -s /run/tmpfs-root/dec.err ] &&
        ! { [ "$fmt" = gzip ] && [ "$rd" = 2 ]; }; then
        if grep -qsiE \
            'unexpected end|premature end|ends unexpectedly|truncated|incomplete|unexpected eof|unfinished stream' \
            /run/tmpfs-root/dec.err; then
            tmpfs_root_cause="$2 is truncated"
        else
            tmpfs_root_cause="$2 is corrupt"
        fi
        return 1
    fi
    if [ "$rt" != 0 ]; then
        if grep -qsiE \
            'unexpected end|premature end|ends unexpectedly|truncated|incomplete|unexpected eof|unfinished stream' \
            /run/tmpfs-root/tar.err; then
            tmpfs_root_cause="$2 is truncated"
        else
            if grep -qsE 'does not look like a tar archive|Skipping to next header' \
                /run/tmpfs-root/tar.err; then
                tmpfs_root_cause="$2 is corrupt"
            else
                tmpfs_root_cause="tar could not unpack $2: $(tmpfs_root_first_error /run/tmpfs-root/tar.err)"
            fi
        fi
        return 1
    fi
    if [ "$rd" != 0 ] && ! { [ "$fmt" = gzip ] && [ "$rd" = 2 ]; }; then
        tmpfs_root_cause="$2 is corrupt"
        return 1
    fi
    if [ "$rr" != 0 ]; then
        tmpfs_root_cause="could not read $2"
        return 1
    fi
    # GNU tar accepts a stream cut at a member boundary: -R says whether the end blocks came.
    if ! grep -qsF '** Block of NULs **' /run/tmpfs-root/tar.out ||
        grep -qs 'A lone zero block' /run/tmpfs-root/tar.err; then
        tmpfs_root_cause="$2 is truncated"
        return 1
    fi
    # A file capability or SELinux label tar could not set stops the boot; other xattrs warn.
    if grep -qs "Cannot set 'security\\." /run/tmpfs-root/tar.err; then
        tmpfs_root_cause="tar could not set a security attribute: $(sed -n "/Cannot set 'security\\./{p;q;}" /run/tmpfs-root/tar.err)"
        return 1
    fi
    if grep -qsF "Cannot set '" /run/tmpfs-root/tar.err; then
        local warning
        warning="tmpfs-root: warning: tar could not set every extended attribute: $(sed -n "/Cannot set '/{p;q;}" /run/tmpfs-root/tar.err)"
        tmpfs_root_say 4 "$warning"
        printf 'warning=%s\n' "$warning" >/run/tmpfs-root/warnings
    fi
    return 0
}
tmpfs_root_fetch() {
    local redir='=http,https'
    case "$1" in
        https://*) redir='=https' ;;
    esac
    if [ -n "$2" ]; then
        curl --silent --show-error --fail --globoff --location --proto '=http,https' \
            --proto-redir "$redir" --connect-timeout 10 --speed-limit 1024 --speed-time 30 \
            --cacert "$2" --max-time "$3" "$1" 2>/run/tmpfs-root/curl.err
    else
        curl --silent --show-error --fail --globoff --location --proto '=http,https' \
            --proto-redir "$redir" --connect-timeout 10 --speed-limit 1024 --speed-time 30 \
            --max-time "$3" "$1" 2>/run/tmpfs-root/curl.err
    fi
}
tmpfs_root_cap() {
    head -c "$1" || return 1
    # NUL and newline made visible: a command substitution drops them.
    if [ -n "$(dd bs=1 count=1 2>/dev/null | tr '\000\n' __)" ]; then
        return 3
    fi
    return 0
}
tmpfs_root_uptime() {
    local up=0
    {
        read -r up _
    } </proc/uptime 2>/dev/null
    printf %s "${up%%.*}"
}
tmpfs_root_capacity() {
    local kb
    kb="$(df -P -k "$1" 2>/dev/null | sed -n '2s/^[^ ]*  *\([0-9][0-9]*\) .*/\1/p')"
    case "$kb" in
        '' | *[!0-9]*) return 1 ;;
    esac
    printf %s "$((kb * 1024))"
}
tmpfs_root_download() {
    local try=0
    local pause=1
    local rf
    local rc
    local code
    local start
    local now
    local left
    local cap
    local limit="$5"
    start="$(tmpfs_root_uptime)"
    if ! cap="$(tmpfs_root_capacity "$2")"; then
        tmpfs_root_cause="could not read the size of the tmpfs on $2"
        return 1
    fi
    while :; do
        now="$(tmpfs_root_uptime)"
        left="$(((start + limit) - now))"
        if [ "$left" -le 0 ]; then
            tmpfs_root_cause="download of $1 did not finish within $5 s (rd.tmpfs.timeout=$5)"
            return 1
        fi
        rm -f /run/tmpfs-root/rc.fetch /run/tmpfs-root/rc.cap 2>/dev/null
        # extract runs on the right of a pipe, in a subshell: its cause comes back in a file.
        {
            tmpfs_root_fetch "$1" "$4" "$left"
            echo "$?" >/run/tmpfs-root/rc.fetch
        } | {
            tmpfs_root_cap "$cap"
            echo "$?" >/run/tmpfs-root/rc.cap
        } | (
            tmpfs_root_extract "$2" "$1"
            rc="$?"
            printf %s "$tmpfs_root_cause" >/run/tmpfs-root/cause
            exit "$rc"
        )
        rc="$?"
        rf="$(cat /run/tmpfs-root/rc.fetch)"
        if [ "$(cat /run/tmpfs-root/rc.cap)" = 3 ]; then
            tmpfs_root_cause="$1 is larger than the tmpfs ($cap bytes, rd.tmpfs.size=$tmpfs_root_size)"
            return 1
        fi
        # curl's 23 (could not write) means the unpacking side stopped reading: its verdict stands.
        case "$rf" in
            0 | 23)
                [ "$rc" = 0 ] && return 0
                tmpfs_root_cause="$(cat /run/tmpfs-root/cause)"
                return 1
                ;;
        esac
        now="$(tmpfs_root_uptime)"
        left="$(((start + limit) - now))"
        if [ "$left" -le 0 ]; then
            tmpfs_root_cause="download of $1 did not finish within $5 s (rd.tmpfs.timeout=$5)"
            return 1
        fi
        if [ "$rf" = 1 ]; then
            tmpfs_root_cause="$1 redirects to a protocol it may not use: $(tmpfs_root_first_line /run/tmpfs-root/curl.err)"
            return 1
        fi
        code="$(sed -n 's/.*returned error: \([0-9][0-9]*\).*/\1/p' /run/tmpfs-root/curl.err)"
        case "$code" in
            4*)
                tmpfs_root_cause="$1 answered $code"
                return 1
                ;;
        esac
        try="$((try + 1))"
        if [ "$try" -gt "$3" ]; then
            tmpfs_root_cause="download of $1 failed after $try tries: $(tmpfs_root_first_line /run/tmpfs-root/curl.err)"
            return 1
        fi
        if [ "$pause" -gt "$left" ]; then
            pause="$left"
        fi
        tmpfs_root_say 4 "tmpfs-root: download of $1 failed, trying again in $pause s"
        sleep "$pause"
        pause="$((pause * 2))"
        if [ "$pause" -gt 30 ]; then
            pause=30
        fi
        # Start again from an empty root: a partial transfer never boots.
        find "$2" -mindepth 1 -maxdepth 1 -exec rm -rf '{}' + 2>/dev/null
    done
}
tmpfs_root_undo_mountpoint() {
    if [ -e /run/tmpfs-root/done.mountpoint ]; then
        rmdir "$tmpfs_root_out_mountpoint" 2>/dev/null
        rm -f /run/tmpfs-root/done.mountpoint 2>/dev/null
    fi
    return 0
}
tmpfs_root_undo_source() {
    if [ -e /run/tmpfs-root/done.source ]; then
        umount "$tmpfs_root_out_mountpoint" 2>/dev/null ||
            umount -l "$tmpfs_root_out_mountpoint" 2>/dev/null
        rm -f /run/tmpfs-root/done.source 2>/dev/null
    fi
    return 0
}
tmpfs_root_undo_tmpfs() {
    if [ -e /run/tmpfs-root/done.tmpfs ]; then
        umount "${NEWROOT:-/sysroot}" 2>/dev/null || umount -l "${NEWROOT:-/sysroot}" 2>/dev/null
        rm -f /run/tmpfs-root/done.tmpfs 2>/dev/null
    fi
    return 0
}
tmpfs_root_step_params() {
    # checking the kernel command line
    tmpfs_root_read_params
}
tmpfs_root_step_device() {
    # waiting for the source device, or asking dracut for the network
    case "$tmpfs_root_kind" in
        nfs | http)
            tmpfs_root_request_network
            return 0
            ;;
    esac
    # Under systemd, wait here; the classic init waits in its initqueue (see the hooks).
    [ -n "${DRACUT_SYSTEMD:-}" ] || return 0
    local waited=0
    local limit
    # As long as the classic init waits: two thirds of rd.retry.
    limit="$(((tmpfs_root_retry * 2) / 3))"
    while ! [ -b "$tmpfs_root_device" ]; do
        if [ "$waited" -ge "$limit" ]; then
            tmpfs_root_cause="device $tmpfs_root_device ($tmpfs_root_spec) did not appear within $limit seconds"
            return 1
        fi
        sleep 1
        waited="$((waited + 1))"
    done
}
tmpfs_root_step_mountpoint() {
    # making a mount point for the source
    if ! mkdir -p /run/tmpfs-root 2>/run/tmpfs-root/err; then
        tmpfs_root_cause="could not make /run/tmpfs-root: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
    if ! tmpfs_root_out_mountpoint="$(mktemp -d /run/tmpfs-root/source.XXXXXX)" \
        2>/run/tmpfs-root/err; then
        tmpfs_root_cause="could not make a directory under /run/tmpfs-root: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
}
tmpfs_root_step_source() {
    # mounting the source read-only
    case "$tmpfs_root_kind" in
        block)
            if ! [ -b "$tmpfs_root_device" ]; then
                tmpfs_root_cause="device $tmpfs_root_device ($tmpfs_root_spec) is not there"
                return 1
            fi
            if ! mount -o ro "$tmpfs_root_device" "$tmpfs_root_out_mountpoint" \
                2>/run/tmpfs-root/err; then
                tmpfs_root_cause="could not mount $tmpfs_root_device read-only: $(tmpfs_root_first_line /run/tmpfs-root/err)"
                return 1
            fi
            ;;
        nfs)
            if ! mount -t "$tmpfs_root_fstype" -o "$tmpfs_root_options" "$tmpfs_root_target" \
                "$tmpfs_root_out_mountpoint" 2>/run/tmpfs-root/err; then
                if grep -qsiE 'denied|no such file|not exported' /run/tmpfs-root/err; then
                    tmpfs_root_cause="$tmpfs_root_target is not exported"
                else
                    if grep -qsiE 'refused|timed out|no route|unreachable|not responding' \
                        /run/tmpfs-root/err; then
                        tmpfs_root_cause="NFS server ${tmpfs_root_target%%:/*} did not answer"
                    else
                        tmpfs_root_cause="could not mount $tmpfs_root_target: $(tmpfs_root_first_line /run/tmpfs-root/err)"
                    fi
                fi
                return 1
            fi
            ;;
    esac
}
tmpfs_root_step_tmpfs() {
    # mounting the tmpfs that becomes the root
    # Under systemd, sysroot.mount (from our generator) has mounted the tmpfs: resize it.
    if [ -n "${DRACUT_SYSTEMD:-}" ]; then
        if ! mount -o "remount,size=$tmpfs_root_size" "${NEWROOT:-/sysroot}" \
            2>/run/tmpfs-root/err; then
            tmpfs_root_cause="could not resize the tmpfs on ${NEWROOT:-/sysroot}: $(tmpfs_root_first_line /run/tmpfs-root/err)"
            return 1
        fi
    else
        if ! mount -t tmpfs -o "size=$tmpfs_root_size,mode=0755" tmpfs "${NEWROOT:-/sysroot}" \
            2>/run/tmpfs-root/err; then
            tmpfs_root_cause="could not mount a tmpfs of size $tmpfs_root_size on ${NEWROOT:-/sysroot}: $(tmpfs_root_first_line /run/tmpfs-root/err)"
            return 1
        fi
    fi
}
tmpfs_root_step_unpack() {
    # unpacking the archive
    local archive
    case "$tmpfs_root_kind" in
        http)
            archive="$tmpfs_root_url"
            case "$archive" in
                */) archive="$archive$tmpfs_root_imgfile" ;;
            esac
            tmpfs_root_download "$archive" "${NEWROOT:-/sysroot}" "$tmpfs_root_retries" \
                "$tmpfs_root_cafile" "$tmpfs_root_timeout"
            return
            ;;
    esac
    archive="$tmpfs_root_out_mountpoint/$tmpfs_root_imgfile"
    if ! [ -f "$archive" ]; then
        tmpfs_root_cause="no file $tmpfs_root_imgfile on $tmpfs_root_spec"
        return 1
    fi
    tmpfs_root_extract "${NEWROOT:-/sysroot}" "$tmpfs_root_imgfile" <"$archive" || return 1
}
tmpfs_root_step_release() {
    # unmounting the source
    if ! umount "$tmpfs_root_out_mountpoint" 2>/run/tmpfs-root/err; then
        tmpfs_root_cause="could not unmount $tmpfs_root_out_mountpoint: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
    rm -f /run/tmpfs-root/done.source 2>/dev/null
}
tmpfs_root_step_cleanup() {
    # removing the source's mount point
    if ! rmdir "$tmpfs_root_out_mountpoint" 2>/run/tmpfs-root/err; then
        tmpfs_root_cause="could not remove $tmpfs_root_out_mountpoint: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
    rm -f /run/tmpfs-root/done.mountpoint 2>/dev/null
}
tmpfs_root_step_selinux() {
    # restoring SELinux labels
    local config="${NEWROOT:-/sysroot}/etc/selinux/config"
    local line
    local mode=
    local type=targeted
    [ -f "$config" ] || return 0
    {
        while read -r line || [ -n "$line" ]; do
            case "$line" in
                SELINUX=*) mode="${line#SELINUX=}" ;;
                SELINUXTYPE=*) type="${line#SELINUXTYPE=}" ;;
            esac
            line=''
        done
    } <"$config"
    case "$mode" in
        enforcing | permissive) : ;;
        *) return 0 ;;
    esac
    case "$type" in
        '' | *[!A-Za-z0-9_-]*)
            tmpfs_root_cause='invalid SELINUXTYPE in /etc/selinux/config'
            return 1
            ;;
    esac
    if ! chroot "${NEWROOT:-/sysroot}" setfiles -F -e /proc -e /sys -e /dev \
        "/etc/selinux/$type/contexts/files/file_contexts" / 2>/run/tmpfs-root/err; then
        tmpfs_root_cause="setfiles could not relabel ${NEWROOT:-/sysroot}: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
}
tmpfs_root_step_handover() {
    # handing over to switch-root
    tmpfs_root_report ok "unpacked into ${NEWROOT:-/sysroot}"
    tmpfs_root_say 6 "tmpfs-root: root file system unpacked into ${NEWROOT:-/sysroot}"
}
tmpfs_root_phase_cmdline() {
    local rc
    # Step errors are collected under here.
    mkdir -p /run/tmpfs-root 2>/dev/null
    {
        tmpfs_root_step_params
        rc="$?"
        if [ "$rc" = 2 ]; then
            return 2
        fi
        if [ "$rc" != 0 ]; then
            tmpfs_root_failed cmdline
            return 1
        fi
    }
    {
        tmpfs_root_say 7 \
            'tmpfs-root: waiting for the source device, or asking dracut for the network'
        if ! tmpfs_root_step_device; then
            tmpfs_root_failed source
            return 1
        fi
    }
    return 0
}
tmpfs_root_phase_mount() {
    local rc
    # Step errors are collected under here.
    mkdir -p /run/tmpfs-root 2>/dev/null
    {
        tmpfs_root_step_params
        rc="$?"
        if [ "$rc" = 2 ]; then
            return 2
        fi
        if [ "$rc" != 0 ]; then
            tmpfs_root_failed cmdline
            return 1
        fi
    }
    case "$tmpfs_root_kind" in
        block | nfs)
            tmpfs_root_say 7 'tmpfs-root: making a mount point for the source'
            if ! tmpfs_root_step_mountpoint; then
                tmpfs_root_failed mountpoint
                return 1
            fi
            : >/run/tmpfs-root/done.mountpoint
            ;;
    esac
    case "$tmpfs_root_kind" in
        block | nfs)
            tmpfs_root_say 7 'tmpfs-root: mounting the source read-only'
            if ! tmpfs_root_step_source; then
                tmpfs_root_failed source
                tmpfs_root_undo_mountpoint
                return 1
            fi
            : >/run/tmpfs-root/done.source
            ;;
    esac
    {
        tmpfs_root_say 7 'tmpfs-root: mounting the tmpfs that becomes the root'
        if ! tmpfs_root_step_tmpfs; then
            tmpfs_root_failed tmpfs
            tmpfs_root_undo_source
            tmpfs_root_undo_mountpoint
            return 1
        fi
        : >/run/tmpfs-root/done.tmpfs
    }
    {
        tmpfs_root_say 7 'tmpfs-root: unpacking the archive'
        if ! tmpfs_root_step_unpack; then
            tmpfs_root_failed unpack
            tmpfs_root_undo_tmpfs
            tmpfs_root_undo_source
            tmpfs_root_undo_mountpoint
            return 1
        fi
    }
    case "$tmpfs_root_kind" in
        block | nfs)
            tmpfs_root_say 7 'tmpfs-root: unmounting the source'
            if ! tmpfs_root_step_release; then
                tmpfs_root_failed release
                tmpfs_root_undo_tmpfs
                tmpfs_root_undo_source
                tmpfs_root_undo_mountpoint
                return 1
            fi
            ;;
    esac
    case "$tmpfs_root_kind" in
        block | nfs)
            tmpfs_root_say 7 "tmpfs-root: removing the source's mount point"
            if ! tmpfs_root_step_cleanup; then
                tmpfs_root_failed release
                tmpfs_root_undo_tmpfs
                tmpfs_root_undo_mountpoint
                return 1
            fi
            ;;
    esac
    return 0
}
tmpfs_root_phase_prePivot() {
    local rc
    # Step errors are collected under here.
    mkdir -p /run/tmpfs-root 2>/dev/null
    {
        tmpfs_root_step_params
        rc="$?"
        if [ "$rc" = 2 ]; then
            return 2
        fi
        if [ "$rc" != 0 ]; then
            tmpfs_root_failed cmdline
            return 1
        fi
    }
    {
        tmpfs_root_say 7 'tmpfs-root: restoring SELinux labels'
        if ! tmpfs_root_step_selinux; then
            tmpfs_root_failed selinux
            tmpfs_root_undo_tmpfs
            return 1
        fi
    }
    {
        tmpfs_root_say 7 'tmpfs-root: handing over to switch-root'
        if ! tmpfs_root_step_handover; then
            tmpfs_root_failed switch-root
            tmpfs_root_undo_tmpfs
            return 1
        fi
    }
    return 0
}
tmpfs_root_stop() {
    local policy="${tmpfs_root_onfail:-emergency}"
    if [ -n "${DRACUT_SYSTEMD:-}" ]; then
        case "$policy" in
            reboot | poweroff | halt) systemctl --no-block --force "$policy" ;;
            *) systemctl --no-block isolate emergency.target ;;
        esac
        return 1
    fi
    case "$policy" in
        reboot)
            echo 1 >/proc/sys/kernel/sysrq
            echo b >/proc/sysrq-trigger
            ;;
        poweroff)
            echo 1 >/proc/sys/kernel/sysrq
            echo o >/proc/sysrq-trigger
            ;;
        halt)
            while :; do
                sleep 3600
            done
            ;;
    esac
    # dracut's own failure handling: an emergency shell with rd.shell, else init exits.
    die 'tmpfs-root stopped the boot'
}
tmpfs_root_generate_network() {
    case "$tmpfs_root_kind" in
        nfs | http)
            mkdir -p "$1/tmpfs-root.service.d" || return 1
            cp /lib/tmpfs-root/50-tmpfs-root-network.conf \
                "$1/tmpfs-root.service.d/50-tmpfs-root-network.conf" || return 1
            if [ -z "$tmpfs_root_given_ip" ]; then
                mkdir -p /run/systemd/network 2>/dev/null
                cp /lib/tmpfs-root/90-tmpfs-root-dhcp.network \
                    /run/systemd/network/90-tmpfs-root-dhcp.network 2>/dev/null
            fi
            ;;
    esac
    return 0
}
tmpfs_root_source_timeout() {
    local seconds
    case "${tmpfs_root_kind:-}" in
        block) : ;;
        *) return 0 ;;
    esac
    [ -b "$tmpfs_root_device" ] && return 0
    # dracut runs its timeout hooks at two thirds of rd.retry.
    seconds="$(((tmpfs_root_retry * 2) / 3))"
    tmpfs_root_cause="device $tmpfs_root_device ($tmpfs_root_spec) did not appear within $seconds seconds"
    tmpfs_root_failed source
    tmpfs_root_stop
}
