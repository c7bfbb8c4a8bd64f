#!/bin/sh
# shellcheck disable=SC3043,SC2154
# Generated from packages/model/boot.ts by tmpfs-root's compiler: do not edit.
# Rebuild with: npx -y deno@2.9.6 task build-module
# tmpfs-root: the boot steps, their undo and the phases the hooks run.
{
    # shellcheck source=/dev/null
    . /lib/tmpfs-root-params.sh
}
# STATUS TEXT [LABEL ID CAUSE]: writes /run/tmpfs-root/report (status=, message=, then the unpack's
# warning= lines) and report.json; returns 0.
tmpfs_root_report() {
    /lib/tmpfs-root/bin/mkdir -p /run/tmpfs-root 2>/dev/null
    printf 'status=%s\nmessage=%s\n' "$1" "$2" >/run/tmpfs-root/report 2>/dev/null
    /lib/tmpfs-root/bin/cat /run/tmpfs-root/warnings >>/run/tmpfs-root/report 2>/dev/null
    tmpfs_root_report_json "$1" "$2" "${3:-}" "${4:-}" "${5:-}"
    return 0
}
# LABEL ID: prints the one failure line `tmpfs-root: LABEL failed: <cause>` (control characters
# removed) and records it in the reports (the step ID and the cause too).
tmpfs_root_failed() {
    local line
    line="$(printf %s "tmpfs-root: $1 failed: $tmpfs_root_cause" | /lib/tmpfs-root/bin/tr -d '\000-\037\177')"
    tmpfs_root_say 2 "$line"
    tmpfs_root_report failed "$line" "$1" "$2" "$tmpfs_root_cause"
}
# TEXT: prints TEXT as a JSON string literal in pure ASCII (control characters \u00XX, UTF-8
# sequences \uXXXX, a byte of no valid sequence \ufffd).
tmpfs_root_json_string() {
    local LC_ALL=C
    # Most text needs no escaping.
    case "$1" in
        *[!A-Za-z0-9_.:/+=@%,~#-]*) : ;;
        *)
            printf '"%s"' "$1"
            return 0
            ;;
    esac
    local rest
    local b
    local len
    local cp
    local i
    local more
    local ok
    # The bytes as decimal numbers, one space apart.
    rest="$(printf %s "$1" | /lib/tmpfs-root/bin/od -An -v -tu1 | /lib/tmpfs-root/bin/tr -s ' \n' '  ')"
    rest="${rest#\ }"
    printf '"'
    while [ -n "$rest" ]; do
        b="${rest%%\ *}"
        rest="${rest#"$b"}"
        rest="${rest#\ }"
        if [ "$b" = 34 ]; then
            printf '\134"'
        elif [ "$b" = 92 ]; then
            printf '\134\134'
        elif [ "$b" -lt 32 ] || [ "$b" = 127 ]; then
            printf '\\u%04x' "$((b))"
        elif [ "$b" -lt 128 ]; then
            printf %b "\\0$((b / 64))$(((b / 8) % 8))$((b % 8))"
        else
            len=0
            if [ "$b" -ge 194 ] && [ "$b" -le 223 ]; then
                len=2
                cp="$((b - 192))"
            elif [ "$b" -ge 224 ] && [ "$b" -le 239 ]; then
                len=3
                cp="$((b - 224))"
            elif [ "$b" -ge 240 ] && [ "$b" -le 244 ]; then
                len=4
                cp="$((b - 240))"
            fi
            ok=0
            if [ "$len" -gt 0 ]; then
                ok=1
                more="$rest"
                i=1
                while [ "$i" -lt "$len" ]; do
                    if [ -z "$more" ]; then
                        ok=0
                        break
                    fi
                    b="${more%%\ *}"
                    more="${more#"$b"}"
                    more="${more#\ }"
                    if ! { [ "$b" -ge 128 ] && [ "$b" -le 191 ]; }; then
                        ok=0
                        break
                    fi
                    cp="$(((cp * 64) + (b - 128)))"
                    i="$((i + 1))"
                done
                # Overlong forms, surrogates and code points past U+10FFFF are not valid.
                case "$len" in
                    3)
                        [ "$cp" -ge 2048 ] || ok=0
                        [ "$cp" -ge 55296 ] && [ "$cp" -le 57343 ] && ok=0
                        ;;
                    4)
                        [ "$cp" -ge 65536 ] && [ "$cp" -le 1114111 ] || ok=0
                        ;;
                esac
            fi
            if [ "$ok" = 1 ]; then
                rest="$more"
                if [ "$cp" -gt 65535 ]; then
                    cp="$((cp - 65536))"
                    printf '\\u%04x\\u%04x' "$((55296 + (cp / 1024)))" "$((56320 + (cp % 1024)))"
                else
                    printf '\\u%04x' "$((cp))"
                fi
            else
                printf '\\ufffd'
            fi
        fi
    done
    printf '"'
}
# TEXT: prints TEXT when it is a whole number as JSON writes one, else null.
tmpfs_root_json_number() {
    case "$1" in
        0 | [1-9] | [1-9]*)
            case "$1" in
                *[!0-9]*)
                    printf null
                    return 0
                    ;;
            esac
            printf %s "$1"
            ;;
        *) printf null ;;
    esac
}
# prints the hundredths of a second since boot (/proc/uptime).
tmpfs_root_centis() {
    local up=0.00
    local s
    local c
    {
        read -r up _
    } 2>/dev/null </proc/uptime
    s="${up%%.*}"
    c="${up#*.}"
    case "$c" in
        [0-9][0-9]) : ;;
        *) c=00 ;;
    esac
    case "$s$c" in
        '' | *[!0-9]*)
            printf 0
            return 0
            ;;
    esac
    # A leading 0 would read as octal: 10# is not POSIX, so strip the zeros.
    c="${c#0}"
    printf %s "$(((s * 100) + c))"
}
# CENTIS: prints CENTIS hundredths as seconds with two decimals.
tmpfs_root_seconds() {
    local c="$1"
    printf %d.%02d "$((c / 100))" "$((c % 100))"
}
# DIR COLUMN: prints df's COLUMN (2: size, 3: used) of DIR's file system in bytes; returns 1 when df
# cannot say.
tmpfs_root_df() {
    local kb
    kb="$(/lib/tmpfs-root/bin/df -P -k "$1" 2>/dev/null | /lib/tmpfs-root/bin/sed -n '2s/^[^ ]*  *\([0-9][0-9]*\)  *\([0-9][0-9]*\) .*/\1 \2/p')"
    case "$kb" in
        [0-9]*' '[0-9]*) : ;;
        *) return 1 ;;
    esac
    if [ "$2" = 2 ]; then
        kb="${kb%%\ *}"
    else
        kb="${kb#*\ }"
    fi
    printf %s "$((kb * 1024))"
}
# NAME FROM FORMAT BYTES_READ BYTES_UNPACKED CENTIS SHA256 CHECKED TRIES: appends one layer's record
# to /run/tmpfs-root/layers.json (empty numbers and SHA256: null).
tmpfs_root_report_layer() {
    local rate=
    local sum=null
    local sep=
    local b="$4"
    local c="${6:-0}"
    case "$c" in
        '' | *[!0-9]*) c=0 ;;
    esac
    if [ "$(tmpfs_root_json_number "$4")" != null ] && [ "$c" -gt 0 ]; then
        rate="$(((b * 100) / c))"
    fi
    if [ -n "$7" ]; then
        sum="$(tmpfs_root_json_string "$7")"
    fi
    [ -s /run/tmpfs-root/layers.json ] && sep=,
    printf \
        '%s{"name":%s,"from":%s,"format":%s,"bytesRead":%s,"bytesUnpacked":%s,"seconds":%s,"bytesPerSecond":%s,"sha256":%s,"checked":%s,"tries":%s}' \
        "$sep" "$(tmpfs_root_json_string "$1")" "$(tmpfs_root_json_string "$2")" \
        "$(tmpfs_root_json_string "$3")" "$(tmpfs_root_json_number "$4")" \
        "$(tmpfs_root_json_number "$5")" "$(tmpfs_root_seconds "$c")" \
        "$(tmpfs_root_json_number "$rate")" "$sum" \
        "$(case "$8" in true) printf true ;; *) printf false ;; esac)" \
        "$(tmpfs_root_json_number "$9")" >>/run/tmpfs-root/layers.json
}
# INTO: notes a layer's start (time, INTO's used bytes) and forgets the last layer's measures.
tmpfs_root_layer_begin() {
    /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/format /run/tmpfs-root/tries 2>/dev/null
    tmpfs_root_layer_start="$(tmpfs_root_centis)"
    tmpfs_root_layer_used="$(tmpfs_root_df "$1" 3)"
}
# NAME FROM INTO EXPECTED [FILE]: records the layer extract and download just unpacked (format,
# bytes read, digest, tries, time, growth of INTO) with tmpfs_root_report_layer.
tmpfs_root_layer_done() {
    local format=
    local bytes=
    local grown=
    local now
    local sum=
    local tries=1
    local checked=false
    {
        read -r format
    } 2>/dev/null </run/tmpfs-root/format
    {
        read -r tries
    } 2>/dev/null </run/tmpfs-root/tries
    # The archive's size on a mounted source (FILE); else what curl received.
    if [ -n "${5:-}" ]; then
        bytes="$(/lib/tmpfs-root/bin/stat -L -c %s -- "$5" 2>/dev/null)"
    else
        bytes="$(/lib/tmpfs-root/bin/sed -n 's/^tmpfs-root-http bytes \([0-9][0-9]*\).*/\1/p' /run/tmpfs-root/curl.err 2>/dev/null)"
    fi
    if [ -n "$4" ]; then
        checked=true
        {
            read -r sum _
        } 2>/dev/null </run/tmpfs-root/sha256
    fi
    now="$(tmpfs_root_df "$3" 3)"
    if [ -n "$now" ] && [ -n "${tmpfs_root_layer_used:-}" ]; then
        grown="$((now - tmpfs_root_layer_used))"
        if [ "$grown" -lt 0 ]; then
            grown=0
        fi
    fi
    now="$(tmpfs_root_centis)"
    tmpfs_root_report_layer "$1" "$2" "$format" "$bytes" "$grown" \
        "$((now - tmpfs_root_layer_start))" "$sum" "$checked" "$tries"
}
# RESULT MESSAGE [LABEL ID CAUSE]: writes /run/tmpfs-root/report.json (a temporary file, then mv);
# returns 1 when it cannot.
tmpfs_root_report_json() {
    local start=
    local line
    local sep=
    local opts=
    {
        read -r start
    } 2>/dev/null </run/tmpfs-root/start
    {
        printf '{"version":%s,"result":%s,"step":%s,"stepId":%s,"cause":%s,"message":%s,"source":' \
            1 "$(tmpfs_root_json_string "$1")" \
            "$(if [ -n "${3:-}" ]; then tmpfs_root_json_string "$3"; else printf null; fi)" \
            "$(if [ -n "${4:-}" ]; then tmpfs_root_json_string "$4"; else printf null; fi)" \
            "$(if [ -n "${5:-}" ]; then tmpfs_root_json_string "$5"; else printf null; fi)" \
            "$(tmpfs_root_json_string "$2")"
        # No source when the command line was not valid.
        if [ -n "${tmpfs_root_kind:-}" ] && [ "${4:-}" != params ]; then
            printf '{"spec":%s,"kind":%s}' "$(tmpfs_root_json_string "$tmpfs_root_spec")" \
                "$(tmpfs_root_json_string "$tmpfs_root_kind")"
        else
            printf null
        fi
        printf ',"layers":['
        /lib/tmpfs-root/bin/cat /run/tmpfs-root/layers.json 2>/dev/null
        printf '],"tmpfs":'
        # The tmpfs, while tmpfs-root has it mounted (its step done, not undone).
        if [ -e /run/tmpfs-root/done.tmpfs ]; then
            opts="${tmpfs_root_mounted:-}"
            if [ -z "$opts" ]; then
                {
                    read -r opts
                } 2>/dev/null </run/tmpfs-root/mounted
            fi
            printf '{"options":%s,"sizeBytes":%s,"usedBytes":%s}' \
                "$(tmpfs_root_json_string "$opts")" \
                "$(tmpfs_root_json_number "$(tmpfs_root_df "${NEWROOT:-/sysroot}" 2)")" \
                "$(tmpfs_root_json_number "$(tmpfs_root_df "${NEWROOT:-/sysroot}" 3)")"
        else
            printf null
        fi
        printf ',"warnings":['
        {
            while IFS='' read -r line; do
                printf %s%s "$sep" "$(tmpfs_root_json_string "${line#warning=}")"
                sep=,
            done
        } 2>/dev/null </run/tmpfs-root/warnings
        printf '],"uptime":{"start":%s,"end":%s}}\n' \
            "$(if [ -n "$start" ]; then tmpfs_root_seconds "$start"; else printf null; fi)" \
            "$(tmpfs_root_seconds "$(tmpfs_root_centis)")"
    } >/run/tmpfs-root/report.json.tmp
    /lib/tmpfs-root/bin/mv -f /run/tmpfs-root/report.json.tmp /run/tmpfs-root/report.json \
        2>/dev/null || return 1
}
# FILE: prints the first line of FILE (nothing when there is none).
tmpfs_root_first_line() {
    local l=
    {
        read -r l
    } 2>/dev/null <"$1"
    # A program's message names it by the path it ran as: the quote names it as its own.
    l="${l#/lib/tmpfs-root/bin/}"
    printf %s "$l"
}
# FILE: prints tar's first line in FILE that is not a warning (else the first line), cut to 400
# bytes and ... when longer.
tmpfs_root_first_error() {
    local l=
    {
        l="$(/lib/tmpfs-root/bin/grep -vE "Removing leading|in the future|implausibly old time stamp|Ignoring unknown extended header keyword|A lone zero block|Cannot set '|Exiting with failure status" "$1" | /lib/tmpfs-root/bin/sed -n 1p)"
    } 2>/dev/null
    [ -n "$l" ] || l="$(tmpfs_root_first_line "$1")"
    l="${l#/lib/tmpfs-root/bin/}"
    # tar names the member, and a name can be 10,000 bytes: the line is cut to fit one
    # kernel log record.
    local c
    c="$(printf %.400s "$l")"
    [ "$c" = "$l" ] || c="$c..."
    printf %s "$c"
}
# for a network source, asks dracut for the network (rd.neednet=1 in /etc/cmdline.d); returns 0.
tmpfs_root_request_network() {
    case "$tmpfs_root_kind" in
        nfs | http)
            /lib/tmpfs-root/bin/mkdir -p /etc/cmdline.d 2>/dev/null
            echo rd.neednet=1 >/etc/cmdline.d/90-tmpfs-root-neednet.conf
            ;;
    esac
    return 0
}
# FORMAT: decompresses stdin to stdout (gzip with pigz when the image has it; tar: a copy).
tmpfs_root_decompress() {
    case "$1" in
        gzip)
            if [ -x /lib/tmpfs-root/bin/pigz ]; then
                /lib/tmpfs-root/bin/pigz -dc
            else
                /lib/tmpfs-root/bin/gzip -dc
            fi
            ;;
        xz) /lib/tmpfs-root/bin/xz -dc -T0 ;;
        zstd) /lib/tmpfs-root/bin/zstd -dcq ;;
        bzip2) /lib/tmpfs-root/bin/bzip2 -dc ;;
        lz4) /lib/tmpfs-root/bin/lz4 -dc ;;
        *) /lib/tmpfs-root/bin/cat ;;
    esac
}
# HEAD FIFO NAME EVERY SIZE: prints HEAD then the rest of stdin (the archive, through
# tmpfs_root_pass), recording the status; with a FIFO, tee also copies every byte into it.
tmpfs_root_feed() {
    if [ -z "$2" ]; then
        {
            /lib/tmpfs-root/bin/cat "$1" && tmpfs_root_pass "$3" "$4" "$5"
            echo "$?" >/run/tmpfs-root/rc.read
        }
    else
        {
            /lib/tmpfs-root/bin/cat "$1" && tmpfs_root_pass "$3" "$4" "$5"
            echo "$?" >/run/tmpfs-root/rc.read
        } | /lib/tmpfs-root/bin/tee "$2"
    fi
}
# NAME EVERY SIZE: copies stdin to stdout with cat; with EVERY, cat runs in the background watched
# by tmpfs_root_progress, which is killed and waited for when cat ends; cat's status.
tmpfs_root_pass() {
    local c
    local p
    local rc
    if [ -z "$2" ]; then
        /lib/tmpfs-root/bin/cat
        return
    fi
    # A command run with & reads /dev/null unless told otherwise: fd 3 carries stdin.
    {
        /lib/tmpfs-root/bin/cat <&3 3<&- &
    } 3<&0
    c="$!"
    # The watcher holds no pipe: the next side of the pipe sees its end when cat's comes.
    tmpfs_root_progress "$c" "$1" "$2" "$3" </dev/null >/dev/null 2>/dev/null &
    p="$!"
    wait "$c"
    rc="$?"
    kill "$p" 2>/dev/null
    # bash would say Terminated: not into the unpack's messages.
    wait "$p" 2>/dev/null
    return "$rc"
}
# PID NAME EVERY SIZE: while PID runs, every EVERY seconds (none sooner) prints a progress line of
# the archive NAME: the bytes PID has read (the offset of the file it reads, else what it wrote,
# /proc/PID/io), with the percent and the time left when its size is known, and the throughput;
# returns 0 when PID is gone.
tmpfs_root_progress() {
    local every="$3"
    local now
    local start=
    local last
    local at
    local prev=0
    local bytes
    local size=
    local sized=
    local d
    local rate
    local avg
    local line
    [ -r "/proc/$1/io" ] || return 0
    # A second at a time: killed, the watcher leaves a sleep of a second at most.
    while :; do
        tmpfs_root_clock
        if [ -z "$start" ]; then
            start="$now"
            last="$now"
            at="$now"
        fi
        # By the clock, not by the seconds slept: a loaded machine sleeps longer than asked.
        if [ "$((now - last))" -ge "$((every * 100))" ]; then
            # A file: its offset, which counts the head too. A pipe: what cat wrote (read()
            # also counts the loader's reads of its libraries), and the head read before it.
            if [ -f "/proc/$1/fd/0" ]; then
                bytes="$(tmpfs_root_field "/proc/$1/fdinfo/0" pos:)"
            else
                bytes="$(tmpfs_root_field "/proc/$1/io" wchar:)"
                [ -n "$bytes" ] && bytes="$((bytes + 262))"
            fi
            [ -n "$bytes" ] || return 0
            # The size is looked for once, at the first line: a fast unpack never pays for it.
            if [ -z "$sized" ]; then
                size="$(tmpfs_root_size_of "$1" "$4")"
                sized=1
            fi
            d="$((now - at))"
            if [ "$d" -lt 1 ]; then
                d=1
            fi
            rate="$(tmpfs_root_human "$((((bytes - prev) * 100) / d))")"
            d="$((now - start))"
            if [ "$d" -lt 1 ]; then
                d=1
            fi
            avg="$(((bytes * 100) / d))"
            line="tmpfs-root: unpacking $2: $(tmpfs_root_human "$bytes") read, $rate/s"
            if [ -n "$size" ] && [ "$size" -gt 0 ] && [ "$bytes" -le "$size" ] &&
                [ "$avg" -gt 0 ]; then
                line="tmpfs-root: unpacking $2: $(tmpfs_root_human "$bytes") of $(tmpfs_root_human "$size") read ($(((bytes * 100) / size))%), $rate/s, about $((((size - bytes) + (avg - 1)) / avg)) s left"
            fi
            tmpfs_root_say 6 "$line"
            prev="$bytes"
            at="$now"
            # The next line counts from when this one was said: its forks take a while.
            tmpfs_root_clock
            last="$now"
        fi
        /lib/tmpfs-root/bin/sleep 1 || return 0
    done
}
# sets now (the caller's variable) to /proc/uptime in hundredths of a second, without a fork.
tmpfs_root_clock() {
    local up=0.00
    local s
    local f
    {
        read -r up _
    } </proc/uptime 2>/dev/null
    s="${up%.*}"
    f="${up#*.}"
    # No leading zero: $((08)) is not a number.
    f="${f#0}"
    now="$(((s * 100) + f))"
}
# FILE KEY: prints the value after KEY on the first line of FILE that starts with it (a /proc file:
# wchar: of io, pos: of fdinfo); returns 1 when there is none.
tmpfs_root_field() {
    local k
    local val
    {
        while read -r k val; do
            if [ "$k" = "$2" ]; then
                printf %s "$val"
                return 0
            fi
        done
    } <"$1" 2>/dev/null
    return 1
}
# PID SIZE: prints the archive's size in bytes: the size of the regular file PID reads, else the
# last answer's Content-Length in curl's headers (/run/tmpfs-root/headers), else SIZE (the
# manifest's; may be empty).
tmpfs_root_size_of() {
    local s=
    local line
    if [ -f "/proc/$1/fd/0" ]; then
        s="$(/lib/tmpfs-root/bin/stat -L -c %s "/proc/$1/fd/0" 2>/dev/null)"
    else
        if [ -f /run/tmpfs-root/headers ]; then
            # Each answer (a redirect's too) starts with its status line: the last one counts.
            {
                while IFS='' read -r line; do
                    case "$line" in
                        HTTP/*) s='' ;;
                        [Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh]:*) s="${line#*:}" ;;
                    esac
                done
            } </run/tmpfs-root/headers 2>/dev/null
            # Spaces and the carriage return out.
            s="$(printf %s "$s" | /lib/tmpfs-root/bin/tr -dc 0-9)"
        fi
    fi
    [ -n "$s" ] || s="$2"
    printf %s "$s"
}
# FIFO: with a FIFO, writes sha256sum's line for what comes through it to /run/tmpfs-root/sha256;
# without, does nothing; sha256sum's status.
tmpfs_root_hash() {
    [ -n "$1" ] || return 0
    /lib/tmpfs-root/bin/sha256sum <"$1" >/run/tmpfs-root/sha256
}
# INTO NAME SHA256 EVERY SIZE KINDS: detects the format of the archive on stdin by its magic bytes,
# unpacks it into INTO with GNU tar (restoring the kinds of attribute KINDS names, the manifest's
# attributes= value) and checks every side of the pipe, the end-of-archive blocks and the security
# xattrs; when SHA256 is not empty, hashes every byte on its way to the decompressor
# (/run/tmpfs-root/sha256); prints progress every EVERY seconds (empty: none) of an archive of SIZE
# bytes (empty: unknown) unless its source tells; returns 1 with $tmpfs_root_cause set on any
# failure.
tmpfs_root_extract() {
    local fmt
    local kinds=",$6,"
    local rr
    local rd
    local rt
    local rs
    local fifo=
    /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/head /run/tmpfs-root/rc.read /run/tmpfs-root/rc.dec \
        /run/tmpfs-root/rc.tar /run/tmpfs-root/rc.sum /run/tmpfs-root/tar.out \
        /run/tmpfs-root/warnings /run/tmpfs-root/sha256.fifo /run/tmpfs-root/sha256 2>/dev/null
    # The first 262 bytes hold every magic number we know, tar's at offset 257.
    if ! /lib/tmpfs-root/bin/dd bs=1 count=262 of=/run/tmpfs-root/head 2>/run/tmpfs-root/err; then
        tmpfs_root_cause="could not read $2: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
    if ! [ -s /run/tmpfs-root/head ]; then
        tmpfs_root_cause="$2 is empty"
        return 1
    fi
    case "$(/lib/tmpfs-root/bin/od -An -tx1 -j 0 -N 6 /run/tmpfs-root/head 2>/dev/null | /lib/tmpfs-root/bin/tr -d ' \n')" in
        1f8b*) fmt=gzip ;;
        fd377a585a00) fmt=xz ;;
        28b52ffd*) fmt=zstd ;;
        425a68*) fmt=bzip2 ;;
        04224d18*) fmt=lz4 ;;
        *)
            if [ \
                "$(/lib/tmpfs-root/bin/od -An -tx1 -j 257 -N 5 /run/tmpfs-root/head 2>/dev/null | /lib/tmpfs-root/bin/tr -d ' \n')" \
                = 7573746172 ]; then
                fmt=tar
            else
                tmpfs_root_cause="$2 is not a tar archive (gzip, xz, zstd, bzip2, lz4 or plain)"
                return 1
            fi
            ;;
    esac
    # An image may lack the format's decompressor (tmpfs_root_decompressors).
    case "$fmt" in
        gzip)
            [ -x /lib/tmpfs-root/bin/gzip ] || [ -x /lib/tmpfs-root/bin/pigz ] || {
                tmpfs_root_cause="$2 is gzip-compressed, but this initramfs has no gzip: rebuild it where gzip is installed (Debian package gzip) and, if tmpfs_root_decompressors is set in dracut.conf, with gzip in it"
                return 1
            }
            ;;
        xz)
            [ -x /lib/tmpfs-root/bin/xz ] || {
                tmpfs_root_cause="$2 is xz-compressed, but this initramfs has no xz: rebuild it where xz is installed (Debian package xz-utils) and, if tmpfs_root_decompressors is set in dracut.conf, with xz in it"
                return 1
            }
            ;;
        zstd)
            [ -x /lib/tmpfs-root/bin/zstd ] || {
                tmpfs_root_cause="$2 is zstd-compressed, but this initramfs has no zstd: rebuild it where zstd is installed (Debian package zstd) and, if tmpfs_root_decompressors is set in dracut.conf, with zstd in it"
                return 1
            }
            ;;
        bzip2)
            [ -x /lib/tmpfs-root/bin/bzip2 ] || {
                tmpfs_root_cause="$2 is bzip2-compressed, but this initramfs has no bzip2: rebuild it where bzip2 is installed (Debian package bzip2) and, if tmpfs_root_decompressors is set in dracut.conf, with bzip2 in it"
                return 1
            }
            ;;
        lz4)
            [ -x /lib/tmpfs-root/bin/lz4 ] || {
                tmpfs_root_cause="$2 is lz4-compressed, but this initramfs has no lz4: rebuild it where lz4 is installed (Debian package lz4) and, if tmpfs_root_decompressors is set in dracut.conf, with lz4 in it"
                return 1
            }
            ;;
    esac
    tmpfs_root_say 7 "tmpfs-root: unpacking $2 ($fmt)"
    printf '%s\n' "$fmt" >/run/tmpfs-root/format
    # With a digest to check, tee copies every byte into a FIFO on its way to the decompressor,
    # and sha256sum reads it: the archive is read once, and nothing is staged.
    if [ -n "$3" ]; then
        fifo=/run/tmpfs-root/sha256.fifo
        if ! /lib/tmpfs-root/bin/mkfifo "$fifo" 2>/run/tmpfs-root/err; then
            tmpfs_root_cause="sha256sum could not hash $2: $(tmpfs_root_first_line /run/tmpfs-root/err)"
            return 1
        fi
    fi
    # Each side of the pipe records its exit status and keeps its own messages. The hasher
    # is the last side, so the pipe waits for it too: it reads the FIFO, not tar's output.
    {
        tmpfs_root_feed /run/tmpfs-root/head "$fifo" "$2" "$4" "$5"
    } 2>/run/tmpfs-root/err | {
        tmpfs_root_decompress "$fmt"
        echo "$?" >/run/tmpfs-root/rc.dec
    } 2>/run/tmpfs-root/dec.err | {
        # tar restores only the kinds of attribute the archive carries (a subshell: the
        # arguments are its own).
        set -- -x -p -R --same-owner --numeric-owner -f - -C "$1"
        case "$kinds" in
            *,xattrs,*) set -- "$@" --xattrs '--xattrs-include=*' ;;
        esac
        case "$kinds" in
            *,acls,*) set -- "$@" --acls ;;
        esac
        case "$kinds" in
            *,selinux,*) set -- "$@" --selinux ;;
        esac
        /lib/tmpfs-root/bin/tar "$@" >/run/tmpfs-root/tar.out
        rt="$?"
        echo "$rt" >/run/tmpfs-root/rc.tar
        # tar stops reading at the end-of-archive blocks. What follows (the rest of the
        # record, padding) is read to its end, so the decompressor is not killed by SIGPIPE
        # and the digest covers every byte; after a failure, nothing more is read.
        [ "$rt" != 0 ] || /lib/tmpfs-root/bin/cat >/dev/null
    } 2>/run/tmpfs-root/tar.err | {
        tmpfs_root_hash "$fifo"
        echo "$?" >/run/tmpfs-root/rc.sum
    } 2>/run/tmpfs-root/sha256.err
    rr="$(/lib/tmpfs-root/bin/cat /run/tmpfs-root/rc.read)"
    rd="$(/lib/tmpfs-root/bin/cat /run/tmpfs-root/rc.dec)"
    rt="$(/lib/tmpfs-root/bin/cat /run/tmpfs-root/rc.tar)"
    rs="$(/lib/tmpfs-root/bin/cat /run/tmpfs-root/rc.sum)"
    # A hasher that failed cuts the copy short, and then the stream: it is named first.
    if [ "$rs" != 0 ]; then
        tmpfs_root_cause="sha256sum could not hash $2: $(tmpfs_root_first_line /run/tmpfs-root/sha256.err)"
        return 1
    fi
    # GNU tar says "Wrote only N of M bytes" when a write comes up short on a full tmpfs.
    if /lib/tmpfs-root/bin/grep -qsE 'No space left on device|Wrote only [0-9]+ of [0-9]+ bytes' \
        /run/tmpfs-root/tar.err; then
        # The options the tmpfs was mounted with, and the manifest that sized it, if any.
        if [ -n "$tmpfs_root_out_manifest" ]; then
            # One manifest, or the layers' (their names, separated by commas).
            fmt="${tmpfs_root_out_manifest##*\ }"
            case "$fmt" in
                *,*) fmt="the manifests of $fmt" ;;
                *) fmt="$fmt.manifest" ;;
            esac
            tmpfs_root_cause="the tmpfs is full ($tmpfs_root_mounted): the archive needs more than $fmt says"
        else
            tmpfs_root_cause="the tmpfs is full ($tmpfs_root_mounted): the archive needs more"
        fi
        return 1
    fi
    # The decompressor's own word decides; gzip exits 2 for a warning (trailing garbage).
    if [ "$rd" != 0 ] && [ -s /run/tmpfs-root/dec.err ] &&
        ! { [ "$fmt" = gzip ] && [ "$rd" = 2 ]; }; then
        if /lib/tmpfs-root/bin/grep -qsiE \
            'unexpected end|premature end|ends unexpectedly|truncated|incomplete|unexpected eof|unfinished stream' \
            /run/tmpfs-root/dec.err; then
            tmpfs_root_cause="$2 is truncated"
        else
            tmpfs_root_cause="$2 is corrupt"
        fi
        return 1
    fi
    if [ "$rt" != 0 ]; then
        if /lib/tmpfs-root/bin/grep -qsiE \
            'unexpected end|premature end|ends unexpectedly|truncated|incomplete|unexpected eof|unfinished stream' \
            /run/tmpfs-root/tar.err; then
            tmpfs_root_cause="$2 is truncated"
        else
            if /lib/tmpfs-root/bin/grep \
                -qsE 'does not look like a tar archive|Skipping to next header' \
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
    if ! /lib/tmpfs-root/bin/grep -qsF '** Block of NULs **' /run/tmpfs-root/tar.out ||
        /lib/tmpfs-root/bin/grep -qs 'A lone zero block' /run/tmpfs-root/tar.err; then
        tmpfs_root_cause="$2 is truncated"
        return 1
    fi
    # A file capability or SELinux label tar could not set stops the boot; other xattrs warn.
    if /lib/tmpfs-root/bin/grep -qs "Cannot set 'security\\." /run/tmpfs-root/tar.err; then
        tmpfs_root_cause="tar could not set a security attribute: $(/lib/tmpfs-root/bin/sed -n -e 's|^/lib/tmpfs-root/bin/||' -e "/Cannot set 'security\\./{p;q;}" /run/tmpfs-root/tar.err)"
        return 1
    fi
    if /lib/tmpfs-root/bin/grep -qsF "Cannot set '" /run/tmpfs-root/tar.err; then
        local warning
        warning="tmpfs-root: warning: tar could not set every extended attribute: $(/lib/tmpfs-root/bin/sed -n -e 's|^/lib/tmpfs-root/bin/||' -e "/Cannot set '/{p;q;}" /run/tmpfs-root/tar.err)"
        tmpfs_root_say 4 "$warning"
        printf 'warning=%s\n' "$warning" >/run/tmpfs-root/warnings
    fi
    return 0
}
# URL CAFILE MAXTIME: writes the archive at URL to stdout with curl (http and https only, https
# stays https, no globbing, a minimum rate, MAXTIME seconds); curl's status.
tmpfs_root_fetch() {
    local redir='=http,https'
    case "$1" in
        https://*) redir='=https' ;;
    esac
    if [ -n "$2" ]; then
        /lib/tmpfs-root/bin/curl --silent --show-error --fail --globoff --location \
            --proto '=http,https' --proto-redir "$redir" --connect-timeout 10 --speed-limit 1024 \
            --speed-time 30 --cacert "$2" --write-out \
            '%{stderr}tmpfs-root-http %{http_code} %header{retry-after}\ntmpfs-root-http bytes %{size_download}\n' \
            --dump-header /run/tmpfs-root/headers --max-time "$3" "$1" 2>/run/tmpfs-root/curl.err
    else
        /lib/tmpfs-root/bin/curl --silent --show-error --fail --globoff --location \
            --proto '=http,https' --proto-redir "$redir" --connect-timeout 10 --speed-limit 1024 \
            --speed-time 30 --write-out \
            '%{stderr}tmpfs-root-http %{http_code} %header{retry-after}\ntmpfs-root-http bytes %{size_download}\n' \
            --dump-header /run/tmpfs-root/headers --max-time "$3" "$1" 2>/run/tmpfs-root/curl.err
    fi
}
# FILE: prints the archive's URLs, one space between: the source's, then each mirror's, with FILE
# appended to those ending with /.
tmpfs_root_urls() {
    local rest="$tmpfs_root_url $tmpfs_root_mirror"
    local u
    local out=
    while [ -n "$rest" ]; do
        u="${rest%%\ *}"
        rest="${rest#"$u"}"
        rest="${rest#\ }"
        case "$u" in
            */) u="$u$1" ;;
        esac
        out="$out $u"
    done
    printf %s "${out#\ }"
}
# LIST K: prints the K-th word of LIST (from 0), whose words are one space apart.
tmpfs_root_nth() {
    local rest="$1"
    local k="$2"
    while [ "$k" -gt 0 ]; do
        rest="${rest#*\ }"
        k="$((k - 1))"
    done
    printf %s "${rest%%\ *}"
}
# BYTES: copies at most BYTES of stdin to stdout; returns 3 when more would have come, 1 when the
# copy failed.
tmpfs_root_cap() {
    /lib/tmpfs-root/bin/head -c "$1" || return 1
    if [ -n \
        "$(/lib/tmpfs-root/bin/dd bs=1 count=1 2>/dev/null | /lib/tmpfs-root/bin/tr '\000\n' __)" \
        ]; then
        return 3
    fi
    return 0
}
# FILE NAME: the model's checkManifest: prints the unpacked bytes, the inodes and the archive's name
# of the manifest FILE, one space between; returns 1 and prints the first problem when it is not
# valid or not NAME's.
tmpfs_root_parse_manifest() {
    local line
    local key
    local i=0
    local m_version=
    local g_version=
    local m_archive=
    local g_archive=
    local m_format=
    local g_format=
    local m_compressed_bytes=
    local g_compressed_bytes=
    local m_unpacked_bytes=
    local g_unpacked_bytes=
    local m_inodes=
    local g_inodes=
    local m_sha256=
    local g_sha256=
    local m_attributes=
    local g_attributes=
    {
        while IFS='' read -r line || [ -n "$line" ]; do
            i="$((i + 1))"
            case "$line" in
                '' | '#'*) continue ;;
                =*)
                    printf %s "line $i is not key=value"
                    return 1
                    ;;
                *=*) : ;;
                *)
                    printf %s "line $i is not key=value"
                    return 1
                    ;;
            esac
            key="${line%%=*}"
            case "$key" in
                version)
                    if [ "$g_version" = 1 ]; then
                        printf %s 'version= is given twice'
                        return 1
                    fi
                    g_version=1
                    m_version="${line#*=}"
                    ;;
                archive)
                    if [ "$g_archive" = 1 ]; then
                        printf %s 'archive= is given twice'
                        return 1
                    fi
                    g_archive=1
                    m_archive="${line#*=}"
                    ;;
                format)
                    if [ "$g_format" = 1 ]; then
                        printf %s 'format= is given twice'
                        return 1
                    fi
                    g_format=1
                    m_format="${line#*=}"
                    ;;
                compressed_bytes)
                    if [ "$g_compressed_bytes" = 1 ]; then
                        printf %s 'compressed_bytes= is given twice'
                        return 1
                    fi
                    g_compressed_bytes=1
                    m_compressed_bytes="${line#*=}"
                    ;;
                unpacked_bytes)
                    if [ "$g_unpacked_bytes" = 1 ]; then
                        printf %s 'unpacked_bytes= is given twice'
                        return 1
                    fi
                    g_unpacked_bytes=1
                    m_unpacked_bytes="${line#*=}"
                    ;;
                inodes)
                    if [ "$g_inodes" = 1 ]; then
                        printf %s 'inodes= is given twice'
                        return 1
                    fi
                    g_inodes=1
                    m_inodes="${line#*=}"
                    ;;
                sha256)
                    if [ "$g_sha256" = 1 ]; then
                        printf %s 'sha256= is given twice'
                        return 1
                    fi
                    g_sha256=1
                    m_sha256="${line#*=}"
                    ;;
                attributes)
                    if [ "$g_attributes" = 1 ]; then
                        printf %s 'attributes= is given twice'
                        return 1
                    fi
                    g_attributes=1
                    m_attributes="${line#*=}"
                    ;;
            esac
        done
    } <"$1"
    if [ "$g_version" != 1 ]; then
        printf %s 'no version='
        return 1
    fi
    if [ "$m_version" != 1 ]; then
        printf %s 'not version 1'
        return 1
    fi
    if [ "$g_archive" != 1 ]; then
        printf %s 'no archive='
        return 1
    fi
    if [ -z "$m_archive" ] || ! tmpfs_root_only "A-Za-z0-9._~:@!\$&'()*+,;=%-" "$m_archive"; then
        printf %s "archive= is not the archive's file name without a directory"
        return 1
    fi
    if [ "${#m_archive}" -gt 255 ]; then
        printf %s "archive= is not the archive's file name without a directory"
        return 1
    fi
    if [ "$g_format" != 1 ]; then
        printf %s 'no format='
        return 1
    fi
    case "$m_format" in
        gzip | xz | zstd | bzip2 | lz4 | tar) : ;;
        *)
            printf %s 'format= is not one of gzip, xz, zstd, bzip2, lz4, tar'
            return 1
            ;;
    esac
    if [ "$g_compressed_bytes" != 1 ]; then
        printf %s 'no compressed_bytes='
        return 1
    fi
    case "$m_compressed_bytes" in
        0) : ;;
        '' | *[!0-9]* | 0*)
            printf %s 'compressed_bytes= is not a whole number of up to 15 digits'
            return 1
            ;;
    esac
    if [ "${#m_compressed_bytes}" -gt 15 ]; then
        printf %s 'compressed_bytes= is not a whole number of up to 15 digits'
        return 1
    fi
    if [ "$g_unpacked_bytes" != 1 ]; then
        printf %s 'no unpacked_bytes='
        return 1
    fi
    case "$m_unpacked_bytes" in
        0) : ;;
        '' | *[!0-9]* | 0*)
            printf %s 'unpacked_bytes= is not a whole number of up to 15 digits'
            return 1
            ;;
    esac
    if [ "${#m_unpacked_bytes}" -gt 15 ]; then
        printf %s 'unpacked_bytes= is not a whole number of up to 15 digits'
        return 1
    fi
    if [ "$g_inodes" != 1 ]; then
        printf %s 'no inodes='
        return 1
    fi
    case "$m_inodes" in
        0) : ;;
        '' | *[!0-9]* | 0*)
            printf %s 'inodes= is not a whole number of up to 15 digits'
            return 1
            ;;
    esac
    if [ "${#m_inodes}" -gt 15 ]; then
        printf %s 'inodes= is not a whole number of up to 15 digits'
        return 1
    fi
    if [ "$g_sha256" != 1 ]; then
        printf %s 'no sha256='
        return 1
    fi
    case "$m_sha256" in
        *[!0-9a-f]*)
            printf %s 'sha256= is not 64 lower-case hex digits'
            return 1
            ;;
    esac
    if [ "${#m_sha256}" -ne 64 ]; then
        printf %s 'sha256= is not 64 lower-case hex digits'
        return 1
    fi
    if [ "$g_attributes" = 1 ]; then
        case "$m_attributes" in
            none | xattrs | acls | xattrs,acls | selinux | xattrs,selinux | acls,selinux | \
                xattrs,acls,selinux)
                :
                ;;
            *)
                printf %s \
                    'attributes= is not none, or xattrs, acls, selinux (one or more, in that order, separated by commas)'
                return 1
                ;;
        esac
    else
        m_attributes=xattrs,acls,selinux
    fi
    if [ "$m_archive" != "$2" ]; then
        printf %s "it is for $m_archive"
        return 1
    fi
    printf '%s %s %s %s %s' "$m_unpacked_bytes" "$m_inodes" "$m_compressed_bytes" "$m_attributes" \
        "$m_archive"
}
# prints the RAM in bytes (MemTotal in /proc/meminfo); returns 1 when it cannot tell.
tmpfs_root_ram() {
    local k
    local kb
    {
        while read -r k kb _; do
            if [ "$k" = MemTotal: ]; then
                case "$kb" in
                    '' | *[!0-9]*) return 1 ;;
                esac
                printf %s "$((kb * 1024))"
                return 0
            fi
        done
    } 2>/dev/null </proc/meminfo
    return 1
}
# SIZE RAM: prints the bytes a tmpfs of size SIZE holds with RAM bytes of RAM, in whole 4 KiB pages.
tmpfs_root_size_bytes() {
    local b
    local ram="$2"
    case "$1" in
        *%)
            b="${1%\%}"
            b="$(((ram * b) / 100))"
            ;;
        *) b="$(tmpfs_root_count "$1")" ;;
    esac
    printf %s "$((((b + 4095) / 4096) * 4096))"
}
# BYTES: prints BYTES as the console gives sizes: N bytes, or one decimal of KiB, MiB, GiB or TiB.
tmpfs_root_human() {
    local b="$1"
    local size=1
    local unit=
    local u
    local t
    for u in KiB MiB GiB TiB; do
        [ "$1" -ge "$((size * 1024))" ] || break
        size="$((size * 1024))"
        unit="$u"
    done
    if [ -z "$unit" ]; then
        printf '%s bytes' "$1"
        return 0
    fi
    t="$((((b * 10) + (size / 2)) / size))"
    printf '%s.%s %s' "$((t / 10))" "$((t % 10))" "$unit"
}
# AT OPTIONS MODE: mounts the tmpfs at AT with OPTIONS and the root's MODE, or under systemd sets
# OPTIONS with a remount and MODE with chmod; its error in /run/tmpfs-root/err.
tmpfs_root_mount_tmpfs() {
    if [ -n "${DRACUT_SYSTEMD:-}" ]; then
        /lib/tmpfs-root/bin/mount -o "remount,$2" "$1" 2>/run/tmpfs-root/err || return 1
        [ "$3" = 0755 ] || /lib/tmpfs-root/bin/chmod "$3" "$1" 2>/run/tmpfs-root/err
    else
        /lib/tmpfs-root/bin/mount -t tmpfs -o "$2,mode=$3" tmpfs "$1" 2>/run/tmpfs-root/err
    fi
}
# N: prints the count N with its k, m or g suffix applied (powers of 1024).
tmpfs_root_count() {
    local c="${1%[kKmMgG]}"
    case "$1" in
        *[kK]) c="$((c * 1024))" ;;
        *[mM]) c="$((c * 1048576))" ;;
        *[gG]) c="$((c * 1073741824))" ;;
    esac
    printf %s "$c"
}
# NAME DEST DIR CAFILE MISSING: copies the sidecar or signature NAME to DEST, at most one byte more
# than a sidecar may have: from DIR on a mounted source, or downloaded (NAME is a URL) with curl and
# the time left before the deadline; returns 1 with $tmpfs_root_cause set when it fails or is too
# large, to MISSING when there is no such file (HTTP 404).
tmpfs_root_take() {
    local rf=0
    local now
    local left
    local code
    case "$tmpfs_root_kind" in
        http)
            now="$(tmpfs_root_uptime)"
            left="$(((tmpfs_root_started + tmpfs_root_timeout) - now))"
            if [ "$left" -le 0 ]; then
                tmpfs_root_cause="download of $1 did not finish within $tmpfs_root_timeout s (rd.tmpfs.timeout=$tmpfs_root_timeout)"
                return 1
            fi
            /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/rc.fetch 2>/dev/null
            {
                tmpfs_root_fetch "$1" "$4" "$left"
                echo "$?" >/run/tmpfs-root/rc.fetch
            } | /lib/tmpfs-root/bin/head -c 65537 >"$2"
            rf="$(/lib/tmpfs-root/bin/cat /run/tmpfs-root/rc.fetch)"
            ;;
        *)
            if ! [ -f "$3/$1" ]; then
                tmpfs_root_cause="$5"
                return 2
            fi
            if ! /lib/tmpfs-root/bin/head -c 65537 "$3/$1" >"$2" 2>/run/tmpfs-root/err; then
                tmpfs_root_cause="could not read $1: $(tmpfs_root_first_line /run/tmpfs-root/err)"
                return 1
            fi
            ;;
    esac
    if [ -n \
        "$(/lib/tmpfs-root/bin/dd "if=$2" bs=1 skip=65536 count=1 2>/dev/null | /lib/tmpfs-root/bin/tr '\000\n' __)" \
        ]; then
        tmpfs_root_cause="$1 is larger than 65536 bytes"
        return 1
    fi
    [ "$rf" = 0 ] && return 0
    code="$(/lib/tmpfs-root/bin/sed -n 's/^tmpfs-root-http \([0-9][0-9]*\).*/\1/p' /run/tmpfs-root/curl.err)"
    if [ "$code" = 404 ]; then
        tmpfs_root_cause="$5"
        return 2
    fi
    tmpfs_root_cause="could not download $1: $(/lib/tmpfs-root/bin/sed -n '/^tmpfs-root-http /!{p;q;}' /run/tmpfs-root/curl.err)"
    return 1
}
# FILE NAME: prints the sha256 of NAME's line in the sidecar FILE, in lower case; returns 1 when a
# line is not as sha256sum writes them, 2 when no line names NAME, 3 when two lines name it with
# different digests.
tmpfs_root_parse_sidecar() {
    local LC_ALL=C
    local line
    local hex
    local rest
    local entry
    local found=
    local both=
    {
        while IFS='' read -r line || [ -n "$line" ]; do
            case "$line" in
                '') continue ;;
                *' '*) : ;;
                *) return 1 ;;
            esac
            hex="${line%%\ *}"
            case "$hex" in
                *[!0-9A-Fa-f]*) return 1 ;;
            esac
            [ "${#hex}" -eq 64 ] || return 1
            rest="${line#*\ }"
            case "$rest" in
                ' '?* | '*'?*) entry="${rest#?}" ;;
                *) return 1 ;;
            esac
            if [ "$entry" = "$2" ] || [ "${entry##*/}" = "$2" ]; then
                hex="$(tmpfs_root_lower "$hex")"
                if [ -n "$found" ] && [ "$found" != "$hex" ]; then
                    both=1
                fi
                found="$hex"
            fi
        done
    } <"$1"
    [ -n "$both" ] && return 3
    [ -n "$found" ] || return 2
    printf %s "$found"
}
# DATA SIG KEYDIR: true when a public key under KEYDIR verifies the Ed25519 signature SIG of the
# file DATA (openssl pkeyutl -verify).
tmpfs_root_check_signature() {
    local k
    for k in "$3"/*; do
        [ -f "$k" ] || continue
        if /lib/tmpfs-root/bin/openssl pkeyutl -verify -pubin -inkey "$k" -rawin -in "$1" \
            -sigfile "$2" >/dev/null 2>/dev/null; then
            return 0
        fi
    done
    return 1
}
# prints the whole seconds since boot.
tmpfs_root_uptime() {
    local up=0
    {
        read -r up _
    } </proc/uptime 2>/dev/null
    printf %s "${up%%.*}"
}
# DIR: prints the bytes the file system at DIR holds; returns 1 when df cannot tell.
tmpfs_root_capacity() {
    local kb
    kb="$(/lib/tmpfs-root/bin/df -P -k "$1" 2>/dev/null | /lib/tmpfs-root/bin/sed -n '2s/^[^ ]*  *\([0-9][0-9]*\) .*/\1/p')"
    case "$kb" in
        '' | *[!0-9]*) return 1 ;;
    esac
    printf %s "$((kb * 1024))"
}
# URLS INTO RETRIES CAFILE TIMEOUT SHA256 EVERY SIZE KINDS: streams the archive into extract
# (restoring the kinds of attribute KINDS names; progress every EVERY seconds, SIZE its size unless
# the answer says; it hashes each try afresh when SHA256 is not empty) from URLS (the source's and
# the mirrors', tried in turn; a pause after each round), with RETRIES more rounds, a byte bound
# (the tmpfs) and a deadline (TIMEOUT seconds from the sidecar's download, or from the first try);
# sets $tmpfs_root_served; returns 1 with $tmpfs_root_cause set when it gives up.
tmpfs_root_download() {
    local try=0
    local ceil=2
    local half
    local base
    local after
    local r
    local why
    local pause
    local tries="$3"
    local rf
    local rc
    local code
    local start
    local now
    local left
    local cap
    local limit="$5"
    local rest="$1"
    local urls=1
    local i=0
    local j
    local url
    local dead=' '
    local out=0
    # How many URLs (a URL holds no space), and the tries: a round of them per retry, and one.
    while [ "${rest#*\ }" != "$rest" ]; do
        rest="${rest#*\ }"
        urls="$((urls + 1))"
    done
    tries="$(((tries + 1) * urls))"
    # The deadline counts from the sidecar's download, when there was one.
    start="${tmpfs_root_started:-}"
    [ -n "$start" ] || start="$(tmpfs_root_uptime)"
    if ! cap="$(tmpfs_root_capacity "$2")"; then
        tmpfs_root_cause="could not read the size of the tmpfs on $2"
        return 1
    fi
    while :; do
        url="$(tmpfs_root_nth "$1" "$i")"
        now="$(tmpfs_root_uptime)"
        left="$(((start + limit) - now))"
        if [ "$left" -le 0 ]; then
            tmpfs_root_cause="download of $url did not finish within $5 s (rd.tmpfs.timeout=$5)"
            return 1
        fi
        /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/rc.fetch /run/tmpfs-root/rc.cap \
            /run/tmpfs-root/headers 2>/dev/null
        # extract runs on the right of a pipe, in a subshell: its cause comes back in a file.
        {
            tmpfs_root_fetch "$url" "$4" "$left"
            echo "$?" >/run/tmpfs-root/rc.fetch
        } | {
            tmpfs_root_cap "$cap"
            echo "$?" >/run/tmpfs-root/rc.cap
        } | (
            tmpfs_root_extract "$2" "$url" "$6" "$7" "$8" "$9"
            rc="$?"
            printf %s "$tmpfs_root_cause" >/run/tmpfs-root/cause
            exit "$rc"
        )
        rc="$?"
        rf="$(/lib/tmpfs-root/bin/cat /run/tmpfs-root/rc.fetch)"
        if [ "$(/lib/tmpfs-root/bin/cat /run/tmpfs-root/rc.cap)" = 3 ]; then
            # More bytes came than the tmpfs holds. An archive already found corrupt, or no
            # archive at all, is named so whether or not the cut came first; a cut one is too large.
            tmpfs_root_cause="$(/lib/tmpfs-root/bin/cat /run/tmpfs-root/cause)"
            case "$tmpfs_root_cause" in
                "$url is corrupt" | \
                    "$url is not a tar archive (gzip, xz, zstd, bzip2, lz4 or plain)")
                    return 1
                    ;;
            esac
            tmpfs_root_cause="$url is larger than the tmpfs ($cap bytes, rd.tmpfs.size=$tmpfs_root_size)"
            return 1
        fi
        # curl's 23 (could not write) means the unpacking side stopped reading: its verdict stands.
        case "$rf" in
            0 | 23)
                if [ "$rc" = 0 ]; then
                    tmpfs_root_served="$url"
                    echo "$((try + 1))" >/run/tmpfs-root/tries
                    return 0
                fi
                tmpfs_root_cause="$(/lib/tmpfs-root/bin/cat /run/tmpfs-root/cause)"
                return 1
                ;;
        esac
        now="$(tmpfs_root_uptime)"
        left="$(((start + limit) - now))"
        if [ "$left" -le 0 ]; then
            tmpfs_root_cause="download of $url did not finish within $5 s (rd.tmpfs.timeout=$5)"
            return 1
        fi
        code="$(/lib/tmpfs-root/bin/sed -n 's/^tmpfs-root-http \([0-9][0-9]*\).*/\1/p' /run/tmpfs-root/curl.err)"
        try="$((try + 1))"
        why=''
        # A redirect curl may not follow, or a 4xx other than 408 and 429, will not change:
        # that URL is left out of later rounds.
        if [ "$rf" = 1 ]; then
            tmpfs_root_cause="$url redirects to a protocol it may not use: $(/lib/tmpfs-root/bin/sed -n '/^tmpfs-root-http /!{p;q;}' /run/tmpfs-root/curl.err)"
            why="$(/lib/tmpfs-root/bin/sed -n '/^tmpfs-root-http /!{p;q;}' /run/tmpfs-root/curl.err)"
        else
            case "$code" in
                408 | 429) : ;;
                4*)
                    tmpfs_root_cause="$url answered $code"
                    why="HTTP $code"
                    ;;
            esac
        fi
        if [ -n "$why" ]; then
            dead="$dead$i "
            out="$((out + 1))"
            if [ "$out" -ge "$urls" ]; then
                return 1
            fi
        fi
        if [ "$try" -ge "$tries" ]; then
            [ -n "$why" ] ||
                tmpfs_root_cause="download of $url failed after $try tries: $(/lib/tmpfs-root/bin/sed -n '/^tmpfs-root-http /!{p;q;}' /run/tmpfs-root/curl.err)"
            return 1
        fi
        case "$why" in
            '')
                case "$code" in
                    000 | 2*)
                        why="$(/lib/tmpfs-root/bin/sed -n '/^tmpfs-root-http /!{p;q;}' /run/tmpfs-root/curl.err)"
                        ;;
                    *) why="HTTP $code" ;;
                esac
                ;;
        esac
        # The next URL not left out, after this one: a later one is tried at once.
        j="$i"
        while :; do
            j="$(((j + 1) % urls))"
            case "$dead" in
                *" $j "*) : ;;
                *) break ;;
            esac
        done
        if [ "$j" -gt "$i" ]; then
            i="$j"
            tmpfs_root_say 4 \
                "tmpfs-root: try $try of $tries from $url failed: $why, next from $(tmpfs_root_nth "$1" "$j")"
            # Start again from an empty root: a partial transfer never boots.
            /lib/tmpfs-root/bin/find "$2" -mindepth 1 -maxdepth 1 -exec /lib/tmpfs-root/bin/rm \
                -rf '{}' + 2>/dev/null
            continue
        fi
        i="$j"
        # A round has failed. Equal jitter: half the ceiling (4, 8, 16, then 30 s) or Retry-After,
        # plus a random share.
        ceil="$((ceil * 2))"
        if [ "$ceil" -gt 30 ]; then
            ceil=30
        fi
        half="$((ceil / 2))"
        base="$half"
        case "$code" in
            429 | 503)
                after="$(/lib/tmpfs-root/bin/sed -n 's/^tmpfs-root-http [0-9]* \([0-9][0-9]*\)[[:space:]]*$/\1/p' /run/tmpfs-root/curl.err)"
                case "$after" in
                    '') : ;;
                    ??????*) base=120 ;;
                    *)
                        base="$after"
                        if [ "$base" -gt 120 ]; then
                            base=120
                        fi
                        ;;
                esac
                ;;
        esac
        r="$(/lib/tmpfs-root/bin/od -An -tu1 -j "$((try - 1))" -N1 /dev/urandom 2>/dev/null | /lib/tmpfs-root/bin/tr -dc 0-9)"
        [ -n "$r" ] || r=0
        pause="$((base + (r % (half + 1))))"
        if [ "$pause" -gt "$left" ]; then
            pause="$left"
        fi
        tmpfs_root_say 4 "tmpfs-root: try $try of $tries from $url failed: $why, next in $pause s"
        /lib/tmpfs-root/bin/sleep "$pause"
        # Start again from an empty root: a partial transfer never boots.
        /lib/tmpfs-root/bin/find "$2" -mindepth 1 -maxdepth 1 -exec /lib/tmpfs-root/bin/rm \
            -rf '{}' + 2>/dev/null
    done
}
# UP LOW DEPTH: merges the directory LOW (the layers below) into UP (a layer's), both real
# directories: UP's whiteouts remove LOW's entries, an opaque UP hides LOW, a directory in both is
# merged in turn, LOW's other entries are moved into UP; UP keeps its time; LOW is gone after.
# Returns non-zero with the error in layer.err.
tmpfs_root_merge() {
    local up="$1"
    local low="$2"
    local depth="$3"
    local c
    local t
    local name
    # One time stamp for each depth of the recursion.
    local stamp="/run/tmpfs-root/layer.stamp.$depth"
    # The upper directory's time, which the renames into it would change.
    /lib/tmpfs-root/bin/touch -r "$up" "$stamp" 2>/dev/null
    if [ -e "$up/.wh..wh..opq" ] || [ -L "$up/.wh..wh..opq" ]; then
        /lib/tmpfs-root/bin/rm -rf "$up/.wh..wh..opq" "$low" 2>/run/tmpfs-root/layer.err || return 1
    else
        for c in "$up"/.wh.*; do
            [ -e "$c" ] || [ -L "$c" ] || continue
            name="${c##*/}"
            name="${name#.wh.}"
            case "$name" in
                '' | . | .. | .wh.*) : ;;
                *)
                    # name is one component, neither empty nor . nor ..
                    t="$low/$name"
                    /lib/tmpfs-root/bin/rm -rf "$t" 2>/run/tmpfs-root/layer.err || return 1
                    ;;
            esac
            /lib/tmpfs-root/bin/rm -rf "$c" 2>/run/tmpfs-root/layer.err || return 1
        done
        set --
        for c in "$low"/* "$low"/.[!.]* "$low"/..?*; do
            [ -e "$c" ] || [ -L "$c" ] || continue
            name="${c##*/}"
            if [ -e "$up/$name" ] || [ -L "$up/$name" ]; then
                if [ -d "$up/$name" ] && ! [ -L "$up/$name" ] &&
                    { [ -d "$c" ] && ! [ -L "$c" ]; }; then
                    tmpfs_root_merge "$up/$name" "$c" "$((depth + 1))" || return 1
                fi
            else
                set -- "$@" "$c"
            fi
        done
        if [ "$#" -gt 0 ]; then
            /lib/tmpfs-root/bin/mv -f -- "$@" "$up/" 2>/run/tmpfs-root/layer.err || return 1
        fi
        /lib/tmpfs-root/bin/rm -rf "$low" 2>/run/tmpfs-root/layer.err || return 1
    fi
    /lib/tmpfs-root/bin/touch -r "$stamp" "$up" 2>/dev/null
    return 0
}
# STAGE ROOT: lays the layer unpacked in STAGE (inside ROOT) over ROOT, by renames alone, then
# removes STAGE and the whiteouts left; returns non-zero with the error in layer.err.
tmpfs_root_lay() {
    local stage="$1"
    local root="$2"
    local c
    local t
    local name
    local up
    local stamp=/run/tmpfs-root/layer.stamp.0
    /lib/tmpfs-root/bin/touch -r "$root" "$stamp" 2>/dev/null
    # An opaque top: nothing of the layers below stays (the stage itself does).
    if [ -e "$stage/.wh..wh..opq" ] || [ -L "$stage/.wh..wh..opq" ]; then
        for c in "$root"/* "$root"/.[!.]* "$root"/..?*; do
            [ -e "$c" ] || [ -L "$c" ] || continue
            [ "$c" = "$stage" ] && continue
            /lib/tmpfs-root/bin/rm -rf "$c" 2>/run/tmpfs-root/layer.err || return 1
        done
    fi
    for c in "$stage"/.wh.*; do
        [ -e "$c" ] || [ -L "$c" ] || continue
        name="${c##*/}"
        name="${name#.wh.}"
        case "$name" in
            '' | . | .. | .wh.*) : ;;
            "${stage##*/}") : ;;
            *)
                # name is one component, neither empty nor . nor ..
                t="$root/$name"
                /lib/tmpfs-root/bin/rm -rf "$t" 2>/run/tmpfs-root/layer.err || return 1
                ;;
        esac
        /lib/tmpfs-root/bin/rm -rf "$c" 2>/run/tmpfs-root/layer.err || return 1
    done
    set --
    for c in "$stage"/* "$stage"/.[!.]* "$stage"/..?*; do
        [ -e "$c" ] || [ -L "$c" ] || continue
        name="${c##*/}"
        up="$root/$name"
        # The stage's own name: an entry that would be laid over the stage itself.
        if [ "$up" = "$stage" ]; then
            printf 'it holds %s\n' "$name" >/run/tmpfs-root/layer.err
            return 1
        fi
        if [ -d "$up" ] && ! [ -L "$up" ] && { [ -d "$c" ] && ! [ -L "$c" ]; }; then
            tmpfs_root_merge "$c" "$up" 1 || return 1
        else
            /lib/tmpfs-root/bin/rm -rf "$up" 2>/run/tmpfs-root/layer.err || return 1
        fi
        set -- "$@" "$c"
    done
    if [ "$#" -gt 0 ]; then
        /lib/tmpfs-root/bin/mv -f -- "$@" "$root/" 2>/run/tmpfs-root/layer.err || return 1
    fi
    /lib/tmpfs-root/bin/rmdir "$stage" 2>/run/tmpfs-root/layer.err || return 1
    tmpfs_root_drop_whiteouts "$root" || return 1
    /lib/tmpfs-root/bin/touch -r "$stamp" "$root" 2>/dev/null
    return 0
}
# STAGE ROOT NAME: tmpfs_root_lay STAGE ROOT; returns 1 with $tmpfs_root_cause naming the layer NAME
# when it fails.
tmpfs_root_overlay() {
    tmpfs_root_lay "$1" "$2" || {
        tmpfs_root_cause="could not lay $3 over the layers before it: $(tmpfs_root_first_line /run/tmpfs-root/layer.err)"
        return 1
    }
}
# ROOT: removes every entry under ROOT whose name starts with .wh. (and all under it).
tmpfs_root_drop_whiteouts() {
    /lib/tmpfs-root/bin/find "$1" -name '.wh.*' -prune -exec /lib/tmpfs-root/bin/rm -rf '{}' + \
        2>/run/tmpfs-root/layer.err
}
# undoes step mountpoint (remove) when it ran and was not undone; returns 0.
tmpfs_root_undo_mountpoint() {
    if [ -e /run/tmpfs-root/done.mountpoint ]; then
        /lib/tmpfs-root/bin/rmdir "$tmpfs_root_out_mountpoint" 2>/dev/null
        /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/done.mountpoint 2>/dev/null
    fi
    return 0
}
# undoes step source (unmount) when it ran and was not undone; returns 0.
tmpfs_root_undo_source() {
    if [ -e /run/tmpfs-root/done.source ]; then
        /lib/tmpfs-root/bin/umount "$tmpfs_root_out_mountpoint" 2>/dev/null ||
            /lib/tmpfs-root/bin/umount -l "$tmpfs_root_out_mountpoint" 2>/dev/null
        /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/done.source 2>/dev/null
    fi
    return 0
}
# undoes step tmpfs (unmount) when it ran and was not undone; returns 0.
tmpfs_root_undo_tmpfs() {
    if [ -e /run/tmpfs-root/done.tmpfs ]; then
        /lib/tmpfs-root/bin/umount "${NEWROOT:-/sysroot}" 2>/dev/null ||
            /lib/tmpfs-root/bin/umount -l "${NEWROOT:-/sysroot}" 2>/dev/null
        /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/done.tmpfs 2>/dev/null
    fi
    return 0
}
# step params: checking the kernel command line; returns 1 with $tmpfs_root_cause set when it fails.
tmpfs_root_step_params() {
    # checking the kernel command line
    tmpfs_root_read_params
}
# step device: waiting for the source device, or asking dracut for the network; returns 1 with
# $tmpfs_root_cause set when it fails.
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
        /lib/tmpfs-root/bin/sleep 1
        waited="$((waited + 1))"
    done
}
# step mountpoint: making a mount point for the source; returns 1 with $tmpfs_root_cause set when it
# fails.
tmpfs_root_step_mountpoint() {
    # making a mount point for the source
    if ! /lib/tmpfs-root/bin/mkdir -p /run/tmpfs-root 2>/run/tmpfs-root/err; then
        tmpfs_root_cause="could not make /run/tmpfs-root: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
    if ! tmpfs_root_out_mountpoint="$(/lib/tmpfs-root/bin/mktemp -d /run/tmpfs-root/source.XXXXXX)" \
        2>/run/tmpfs-root/err; then
        tmpfs_root_cause="could not make a directory under /run/tmpfs-root: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
}
# step source: mounting the source read-only; returns 1 with $tmpfs_root_cause set when it fails.
tmpfs_root_step_source() {
    # mounting the source read-only
    case "$tmpfs_root_kind" in
        block)
            if ! [ -b "$tmpfs_root_device" ]; then
                tmpfs_root_cause="device $tmpfs_root_device ($tmpfs_root_spec) is not there"
                return 1
            fi
            if ! /lib/tmpfs-root/bin/mount -o ro "$tmpfs_root_device" "$tmpfs_root_out_mountpoint" \
                2>/run/tmpfs-root/err; then
                tmpfs_root_cause="could not mount $tmpfs_root_device read-only: $(tmpfs_root_first_line /run/tmpfs-root/err)"
                return 1
            fi
            ;;
        nfs)
            if ! /lib/tmpfs-root/bin/mount -t "$tmpfs_root_fstype" -o "$tmpfs_root_options" \
                "$tmpfs_root_target" "$tmpfs_root_out_mountpoint" 2>/run/tmpfs-root/err; then
                if /lib/tmpfs-root/bin/grep -qsiE 'denied|no such file|not exported' \
                    /run/tmpfs-root/err; then
                    tmpfs_root_cause="$tmpfs_root_target is not exported"
                else
                    if /lib/tmpfs-root/bin/grep \
                        -qsiE 'refused|timed out|no route|unreachable|not responding' \
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
# step sidecar: reading the archive's sha256 sidecar and checking its signature; returns 1 with
# $tmpfs_root_cause set when it fails.
tmpfs_root_step_sidecar() {
    # reading the archive's sha256 sidecar and checking its signature
    local archive
    local sidecar
    local sig
    local sum
    local rest=
    local layers
    local layer
    local li
    local want=
    local wants="$tmpfs_root_sha256,"
    local sums=
    tmpfs_root_out_sidecar="$tmpfs_root_sha256"
    tmpfs_root_started=''
    [ "$tmpfs_root_verify" != none ] || return 0
    # Each layer's sidecar, in turn; the digests, one for each, are the step's output.
    layers="$tmpfs_root_imgfile,"
    li=0
    while [ -n "$layers" ]; do
        layer="${layers%%,*}"
        layers="${layers#*,}"
        li="$((li + 1))"
        if [ -n "$tmpfs_root_sha256" ]; then
            want="${wants%%,*}"
            wants="${wants#*,}"
        fi
        /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/sidecar /run/tmpfs-root/sidecar.sig 2>/dev/null
        case "$tmpfs_root_kind" in
            http)
                rest="$(tmpfs_root_urls "$layer")"
                archive="${rest%%\ *}"
                rest="${rest#"$archive"}"
                rest="${rest#\ }"
                # The archive's download that follows has the same deadline.
                [ -n "$tmpfs_root_started" ] || tmpfs_root_started="$(tmpfs_root_uptime)"
                ;;
            *)
                archive="$layer"
                rest=''
                ;;
        esac
        # The sidecar (and its signature) from the first URL that serves them: the source's, or
        # a mirror's. A signature covers every mirror alike.
        while :; do
            sidecar="$archive.sha256"
            sig="$sidecar.sig"
            if tmpfs_root_take "$sidecar" /run/tmpfs-root/sidecar "$tmpfs_root_out_mountpoint" \
                "$tmpfs_root_cafile" "$sidecar is missing"; then
                [ "$tmpfs_root_verify" != signature ] && break
                tmpfs_root_take "$sig" /run/tmpfs-root/sidecar.sig "$tmpfs_root_out_mountpoint" \
                    "$tmpfs_root_cafile" \
                    "$sig is missing: this initramfs boots only signed archives" && break
            fi
            [ -n "$rest" ] || return 1
            archive="${rest%%\ *}"
            rest="${rest#"$archive"}"
            rest="${rest#\ }"
            tmpfs_root_say 4 "tmpfs-root: $tmpfs_root_cause, trying $archive.sha256"
        done
        # The signature is checked before a line of the sidecar is read.
        if [ "$tmpfs_root_verify" = signature ]; then
            if ! tmpfs_root_check_signature /run/tmpfs-root/sidecar /run/tmpfs-root/sidecar.sig \
                /etc/tmpfs-root/keys; then
                tmpfs_root_cause="$sig is not a signature of $sidecar by any key in /etc/tmpfs-root/keys"
                return 1
            fi
        fi
        sum="$(tmpfs_root_parse_sidecar /run/tmpfs-root/sidecar "${archive##*/}")"
        case "$?" in
            0) : ;;
            1)
                tmpfs_root_cause="$sidecar is not in sha256sum's format"
                return 1
                ;;
            2)
                tmpfs_root_cause="$sidecar has no line for ${archive##*/}"
                return 1
                ;;
            *)
                tmpfs_root_cause="$sidecar has lines with different digests for ${archive##*/}"
                return 1
                ;;
        esac
        if [ -n "$want" ] && [ "$sum" != "$want" ]; then
            tmpfs_root_cause="$sidecar gives sha256 $sum, but rd.tmpfs.sha256 is $want"
            return 1
        fi
        sums="$sums,$sum"
    done
    tmpfs_root_out_sidecar="${sums#,}"
}
# step manifest: reading the archive's manifest, when there is one; returns 1 with $tmpfs_root_cause
# set when it fails.
tmpfs_root_step_manifest() {
    # reading the archive's manifest, when there is one
    local archive
    local rest=
    local got
    local layers
    local layer
    local li
    local bytes=0
    local inodes=0
    local packed=0
    local names=
    local kinds=
    local none=
    tmpfs_root_out_manifest=''
    # Each layer's manifest: the sizes add up, and a layer without one sizes nothing.
    layers="$tmpfs_root_imgfile,"
    li=0
    while [ -n "$layers" ]; do
        layer="${layers%%,*}"
        layers="${layers#*,}"
        li="$((li + 1))"
        /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/manifest 2>/dev/null
        case "$tmpfs_root_kind" in
            http)
                rest="$(tmpfs_root_urls "$layer")"
                archive="${rest%%\ *}"
                rest="${rest#"$archive"}"
                rest="${rest#\ }"
                # The archive's download that follows has the same deadline.
                [ -n "$tmpfs_root_started" ] || tmpfs_root_started="$(tmpfs_root_uptime)"
                ;;
            *)
                archive="$layer"
                rest=''
                ;;
        esac
        # No manifest (a missing file, HTTP 404) sizes nothing; one that cannot be had warns.
        got=''
        while :; do
            tmpfs_root_take "$archive.manifest" /run/tmpfs-root/manifest \
                "$tmpfs_root_out_mountpoint" "$tmpfs_root_cafile" ''
            case "$?" in
                0)
                    got=1
                    break
                    ;;
                2) : ;;
                *)
                    tmpfs_root_say 4 \
                        "tmpfs-root: warning: $tmpfs_root_cause; sizing the tmpfs without a manifest"
                    ;;
            esac
            [ -n "$rest" ] || break
            archive="${rest%%\ *}"
            rest="${rest#"$archive"}"
            rest="${rest#\ }"
        done
        if [ -z "$got" ]; then
            none=1
            continue
        fi
        if ! got="$(tmpfs_root_parse_manifest /run/tmpfs-root/manifest "${archive##*/}")"; then
            tmpfs_root_cause="$archive.manifest is not a valid manifest: $got"
            return 1
        fi
        # <bytes> <inodes> <packed> <attributes> <name>: counts of at most 15 digits, whose sum
        # shell arithmetic holds.
        rest="${got%%\ *}"
        bytes="$((bytes + rest))"
        rest="${got#*\ }"
        rest="${rest%%\ *}"
        inodes="$((inodes + rest))"
        rest="${got#*\ *\ }"
        rest="${rest%%\ *}"
        packed="$((packed + rest))"
        rest="${got#*\ *\ *\ }"
        kinds="$kinds/${rest%%\ *}"
        names="$names,${got##*\ }"
    done
    [ -z "$none" ] || return 0
    tmpfs_root_out_manifest="$bytes $inodes $packed ${kinds#/} ${names#,}"
}
# step fit: sizing the tmpfs from rd.tmpfs.size, the manifest and the RAM; returns 1 with
# $tmpfs_root_cause set when it fails.
tmpfs_root_step_fit() {
    # sizing the tmpfs from rd.tmpfs.size, the manifest and the RAM
    local size="$tmpfs_root_size"
    local ram
    local bytes
    local inodes
    local name
    local nr
    local allows
    local limit
    local head
    local hu
    local ha
    local nrg=
    local extra=
    local o
    local rest="$tmpfs_root_opts"
    # rd.tmpfs.opts: its nr_inodes= is kept, huge= and mpol= pass on; mode= is the mount's.
    while [ -n "$rest" ]; do
        o="${rest%%,*}"
        case "$rest" in
            *,*) rest="${rest#*,}" ;;
            *) rest='' ;;
        esac
        case "$o" in
            nr_inodes=*) nrg="$o" ;;
            mode=*) : ;;
            *) extra="$extra,$o" ;;
        esac
    done
    tmpfs_root_out_fit="size=$size"
    if [ -n "$nrg" ]; then
        tmpfs_root_out_fit="$tmpfs_root_out_fit,$nrg"
    fi
    tmpfs_root_out_fit="$tmpfs_root_out_fit$extra"
    [ -n "$tmpfs_root_out_manifest" ] || return 0
    bytes="${tmpfs_root_out_manifest%%\ *}"
    name="${tmpfs_root_out_manifest##*\ }"
    inodes="${tmpfs_root_out_manifest#"$bytes"\ }"
    inodes="${inodes%%\ *}"
    # An nr_inodes= given must hold the manifest's inodes (0: no limit).
    if [ -n "$nrg" ]; then
        allows="$(tmpfs_root_count "${nrg#nr_inodes=}")"
        if [ "$allows" != 0 ] && [ "$inodes" -gt "$allows" ]; then
            tmpfs_root_cause="$name has $inodes inodes, $nrg allows $allows"
            return 1
        fi
    fi
    if ! ram="$(tmpfs_root_ram)"; then
        tmpfs_root_cause='could not read MemTotal from /proc/meminfo'
        return 1
    fi
    # nr_inodes: the inodes and a tenth more, at least 16384 more.
    head="$(((inodes + 9) / 10))"
    if [ "$head" -lt 16384 ]; then
        head=16384
    fi
    nr="$((inodes + head))"
    if [ "$tmpfs_root_given_size" = 1 ]; then
        allows="$(tmpfs_root_size_bytes "$size" "$ram")"
        if [ "$allows" -gt "$ram" ]; then
            allows="$ram"
        fi
        limit="rd.tmpfs.size=$size"
    else
        # The RAM less its reserve: an eighth, at least 134217728 bytes.
        head="$((ram / 8))"
        if [ "$head" -lt 134217728 ]; then
            head=134217728
        fi
        allows=0
        if [ "$ram" -gt "$head" ]; then
            allows="$((((ram - head) / 4096) * 4096))"
        fi
        limit='the RAM less its reserve'
    fi
    # Nothing fits in no room (and size=0 would be a tmpfs without a limit).
    if [ "$bytes" -gt "$allows" ] || [ "$allows" = 0 ]; then
        hu="$(tmpfs_root_human "$bytes")"
        ha="$(tmpfs_root_human "$allows")"
        # Two sizes that read the same are given in bytes.
        if [ "$hu" = "$ha" ]; then
            hu="$bytes bytes"
            ha="$allows bytes"
        fi
        tmpfs_root_cause="$name unpacks to $hu, $limit allows $ha"
        return 1
    fi
    if [ "$tmpfs_root_given_size" != 1 ]; then
        # The unpacked bytes, a tenth more (at least 67108864), whole MiB.
        head="$(((bytes + 9) / 10))"
        if [ "$head" -lt 67108864 ]; then
            head=67108864
        fi
        size="$(((((bytes + head) + 1048575) / 1048576) * 1048576))"
        if [ "$size" -gt "$allows" ]; then
            size="$allows"
        fi
    fi
    [ -n "$nrg" ] || nrg="nr_inodes=$nr"
    tmpfs_root_out_fit="size=$size,$nrg$extra"
}
# step tmpfs: mounting the tmpfs that becomes the root; returns 1 with $tmpfs_root_cause set when it
# fails.
tmpfs_root_step_tmpfs() {
    # mounting the tmpfs that becomes the root
    local o="$tmpfs_root_out_fit"
    local mode=0755
    local mpol
    local rest=
    # The root directory's mode: rd.tmpfs.opts's mode=, else 0755.
    case ",$tmpfs_root_opts," in
        *,mode=*)
            mode="${tmpfs_root_opts#*mode=}"
            mode="${mode%%,*}"
            ;;
    esac
    # The options the tmpfs has, for the unpack's failure lines.
    tmpfs_root_mounted="$o"
    tmpfs_root_mount_tmpfs "${NEWROOT:-/sysroot}" "$o" "$mode" || case "$o" in
        *,mpol=*)
            # A NUMA policy the kernel refuses (a node it lacks, no NUMA): again without it.
            mpol="${o#*,mpol=}"
            case "$mpol" in
                *,*) rest=",${mpol#*,}" ;;
            esac
            mpol="${mpol%%,*}"
            tmpfs_root_say 4 \
                "tmpfs-root: warning: the kernel refused mpol=$mpol ($(tmpfs_root_first_line /run/tmpfs-root/err)); the tmpfs is mounted without it"
            o="${o%%,mpol=*}$rest"
            tmpfs_root_mounted="$o"
            tmpfs_root_mount_tmpfs "${NEWROOT:-/sysroot}" "$o" "$mode" || {
                if [ -n "${DRACUT_SYSTEMD:-}" ]; then
                    tmpfs_root_cause="could not resize the tmpfs on ${NEWROOT:-/sysroot}: $(tmpfs_root_first_line /run/tmpfs-root/err)"
                else
                    tmpfs_root_cause="could not mount a tmpfs with $o on ${NEWROOT:-/sysroot}: $(tmpfs_root_first_line /run/tmpfs-root/err)"
                fi
                return 1
            }
            ;;
        *)
            if [ -n "${DRACUT_SYSTEMD:-}" ]; then
                tmpfs_root_cause="could not resize the tmpfs on ${NEWROOT:-/sysroot}: $(tmpfs_root_first_line /run/tmpfs-root/err)"
            else
                tmpfs_root_cause="could not mount a tmpfs with $o on ${NEWROOT:-/sysroot}: $(tmpfs_root_first_line /run/tmpfs-root/err)"
            fi
            return 1
            ;;
    esac
    printf '%s\n' "$tmpfs_root_mounted" >/run/tmpfs-root/mounted 2>/dev/null
}
# step unpack: unpacking the archive; returns 1 with $tmpfs_root_cause set when it fails.
tmpfs_root_step_unpack() {
    # unpacking the archive
    local archive
    local layers
    local layer
    local li
    local several=
    local want=
    local wants="$tmpfs_root_out_sidecar,"
    local to
    local size=
    local kinds=xattrs,acls,selinux
    local kindsleft=
    # Several layers: a comma (no layer's name holds one).
    case "$tmpfs_root_imgfile" in
        *,*) several=1 ;;
    esac
    # The manifest's compressed bytes (its third word), should the source not tell the size;
    # with layers the manifests' sum is no layer's size.
    if [ -n "$tmpfs_root_out_manifest" ] && [ -z "$several" ]; then
        size="${tmpfs_root_out_manifest#*\ *\ }"
        size="${size%%\ *}"
    fi
    # The kinds of attribute each layer carries (the fourth word, a list a layer, each
    # ended by /); without the manifests, every kind.
    if [ -n "$tmpfs_root_out_manifest" ]; then
        kindsleft="${tmpfs_root_out_manifest#*\ *\ *\ }"
        kindsleft="${kindsleft%%\ *}/"
    fi
    # Each layer in turn: the first into the root, a later one into a stage folder in
    # the tmpfs, then laid over the root by renames (nothing is copied).
    layers="$tmpfs_root_imgfile,"
    li=0
    while [ -n "$layers" ]; do
        layer="${layers%%,*}"
        layers="${layers#*,}"
        li="$((li + 1))"
        if [ -n "$tmpfs_root_out_sidecar" ]; then
            want="${wants%%,*}"
            wants="${wants#*,}"
        fi
        if [ -n "$kindsleft" ]; then
            kinds="${kindsleft%%/*}"
            kindsleft="${kindsleft#*/}"
        fi
        # A layer whose digest is checked gets every kind: no digest covers the manifest, and
        # one that named too few would strip attributes (an ACL that narrows a group's access).
        if [ -n "$want" ]; then
            kinds=xattrs,acls,selinux
        fi
        to="${NEWROOT:-/sysroot}"
        if [ "$li" -gt 1 ]; then
            if ! to="$(/lib/tmpfs-root/bin/mktemp -d "${NEWROOT:-/sysroot}/.tmpfs-root-layer.XXXXXX" 2>/run/tmpfs-root/err)"; then
                tmpfs_root_cause="could not lay $layer over the layers before it: $(tmpfs_root_first_line /run/tmpfs-root/err)"
                return 1
            fi
        fi
        tmpfs_root_layer_begin "$to"
        case "$tmpfs_root_kind" in
            http)
                # Every URL of the archive: the source's, then the mirrors'.
                archive="$(tmpfs_root_urls "$layer")"
                tmpfs_root_out_unpack="${archive%%\ *}"
                tmpfs_root_download "$archive" "$to" "$tmpfs_root_retries" "$tmpfs_root_cafile" \
                    "$tmpfs_root_timeout" "$want" 5 "$size" "$kinds" || return 1
                tmpfs_root_out_unpack="$tmpfs_root_served"
                tmpfs_root_layer_done "$layer" "$tmpfs_root_served" "$to" "$want"
                ;;
            *)
                tmpfs_root_out_unpack="$layer"
                archive="$tmpfs_root_out_mountpoint/$layer"
                if ! [ -f "$archive" ]; then
                    tmpfs_root_cause="no file $layer on $tmpfs_root_spec"
                    return 1
                fi
                tmpfs_root_extract "$to" "$layer" "$want" 5 "$size" "$kinds" <"$archive" || return 1
                tmpfs_root_layer_done "$layer" "$layer" "$to" "$want" "$archive"
                ;;
        esac
        # What the verify step reads: the layer's digest and the name it came from.
        if [ -n "$want" ]; then
            /lib/tmpfs-root/bin/mv -f /run/tmpfs-root/sha256 "/run/tmpfs-root/sha256.$li" \
                2>/dev/null
        fi
        printf '%s\n' "$tmpfs_root_out_unpack" >"/run/tmpfs-root/layer.$li"
        # With layers, no whiteout is left in the root: each layer's are carried out.
        if [ -n "$several" ]; then
            if [ "$li" -gt 1 ]; then
                tmpfs_root_overlay "$to" "${NEWROOT:-/sysroot}" "$layer" || return 1
            else
                if ! tmpfs_root_drop_whiteouts "${NEWROOT:-/sysroot}"; then
                    tmpfs_root_cause="could not lay $layer over the layers before it: $(tmpfs_root_first_line /run/tmpfs-root/layer.err)"
                    return 1
                fi
            fi
        fi
    done
}
# step verify: comparing the archive's sha256 with the one it must have; returns 1 with
# $tmpfs_root_cause set when it fails.
tmpfs_root_step_verify() {
    # comparing the archive's sha256 with the one it must have
    local got
    local want
    local wants="$tmpfs_root_out_sidecar,"
    local li=0
    local archive
    [ -n "$tmpfs_root_out_sidecar" ] || return 0
    while [ -n "$wants" ]; do
        want="${wants%%,*}"
        wants="${wants#*,}"
        li="$((li + 1))"
        got=''
        archive="$tmpfs_root_out_unpack"
        {
            read -r got _
        } 2>/dev/null <"/run/tmpfs-root/sha256.$li"
        {
            read -r archive
        } 2>/dev/null <"/run/tmpfs-root/layer.$li"
        if [ "$got" != "$want" ]; then
            tmpfs_root_cause="$archive has sha256 $got, expected $want"
            return 1
        fi
    done
}
# step release: unmounting the source; returns 1 with $tmpfs_root_cause set when it fails.
tmpfs_root_step_release() {
    # unmounting the source
    if ! /lib/tmpfs-root/bin/umount "$tmpfs_root_out_mountpoint" 2>/run/tmpfs-root/err; then
        tmpfs_root_cause="could not unmount $tmpfs_root_out_mountpoint: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
    /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/done.source 2>/dev/null
}
# step cleanup: removing the source's mount point; returns 1 with $tmpfs_root_cause set when it
# fails.
tmpfs_root_step_cleanup() {
    # removing the source's mount point
    if ! /lib/tmpfs-root/bin/rmdir "$tmpfs_root_out_mountpoint" 2>/run/tmpfs-root/err; then
        tmpfs_root_cause="could not remove $tmpfs_root_out_mountpoint: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
    /lib/tmpfs-root/bin/rm -f /run/tmpfs-root/done.mountpoint 2>/dev/null
}
# step selinux: restoring SELinux labels; returns 1 with $tmpfs_root_cause set when it fails.
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
    if ! /lib/tmpfs-root/bin/chroot "${NEWROOT:-/sysroot}" setfiles -F -e /proc -e /sys -e /dev \
        "/etc/selinux/$type/contexts/files/file_contexts" / 2>/run/tmpfs-root/err; then
        tmpfs_root_cause="setfiles could not relabel ${NEWROOT:-/sysroot}: $(tmpfs_root_first_line /run/tmpfs-root/err)"
        return 1
    fi
}
# step handover: handing over to switch-root; returns 1 with $tmpfs_root_cause set when it fails.
tmpfs_root_step_handover() {
    # handing over to switch-root
    tmpfs_root_report ok "unpacked into ${NEWROOT:-/sysroot}"
    tmpfs_root_say 6 "tmpfs-root: root file system unpacked into ${NEWROOT:-/sysroot}"
}
# runs the cmdline phase's steps; returns 0 when done, 2 when root= is not tmpfs:, 1 after a failure
# (its line printed, what ran undone).
tmpfs_root_phase_cmdline() {
    local rc
    # Step errors are collected under here.
    /lib/tmpfs-root/bin/mkdir -p /run/tmpfs-root 2>/dev/null
    if [ ! -e /run/tmpfs-root/start ]; then
        tmpfs_root_centis >/run/tmpfs-root/start
    fi
    {
        tmpfs_root_step_params
        rc="$?"
        if [ "$rc" = 2 ]; then
            return 2
        fi
        if [ "$rc" != 0 ]; then
            tmpfs_root_failed cmdline params
            return 1
        fi
    }
    {
        tmpfs_root_say 7 \
            'tmpfs-root: waiting for the source device, or asking dracut for the network'
        if ! tmpfs_root_step_device; then
            tmpfs_root_failed source device
            return 1
        fi
    }
    return 0
}
# runs the mount phase's steps; returns 0 when done, 2 when root= is not tmpfs:, 1 after a failure
# (its line printed, what ran undone).
tmpfs_root_phase_mount() {
    local rc
    # Step errors are collected under here.
    /lib/tmpfs-root/bin/mkdir -p /run/tmpfs-root 2>/dev/null
    if [ ! -e /run/tmpfs-root/start ]; then
        tmpfs_root_centis >/run/tmpfs-root/start
    fi
    {
        tmpfs_root_step_params
        rc="$?"
        if [ "$rc" = 2 ]; then
            return 2
        fi
        if [ "$rc" != 0 ]; then
            tmpfs_root_failed cmdline params
            return 1
        fi
    }
    case "$tmpfs_root_kind" in
        block | nfs)
            tmpfs_root_say 7 'tmpfs-root: making a mount point for the source'
            if ! tmpfs_root_step_mountpoint; then
                tmpfs_root_failed mountpoint mountpoint
                return 1
            fi
            : >/run/tmpfs-root/done.mountpoint
            ;;
    esac
    case "$tmpfs_root_kind" in
        block | nfs)
            tmpfs_root_say 7 'tmpfs-root: mounting the source read-only'
            if ! tmpfs_root_step_source; then
                tmpfs_root_failed source source
                tmpfs_root_undo_mountpoint
                return 1
            fi
            : >/run/tmpfs-root/done.source
            ;;
    esac
    {
        tmpfs_root_say 7 \
            "tmpfs-root: reading the archive's sha256 sidecar and checking its signature"
        if ! tmpfs_root_step_sidecar; then
            tmpfs_root_failed verify sidecar
            tmpfs_root_undo_source
            tmpfs_root_undo_mountpoint
            return 1
        fi
    }
    {
        tmpfs_root_say 7 "tmpfs-root: reading the archive's manifest, when there is one"
        if ! tmpfs_root_step_manifest; then
            tmpfs_root_failed manifest manifest
            tmpfs_root_undo_source
            tmpfs_root_undo_mountpoint
            return 1
        fi
    }
    {
        tmpfs_root_say 7 'tmpfs-root: sizing the tmpfs from rd.tmpfs.size, the manifest and the RAM'
        if ! tmpfs_root_step_fit; then
            tmpfs_root_failed tmpfs fit
            tmpfs_root_undo_source
            tmpfs_root_undo_mountpoint
            return 1
        fi
    }
    {
        tmpfs_root_say 7 'tmpfs-root: mounting the tmpfs that becomes the root'
        if ! tmpfs_root_step_tmpfs; then
            tmpfs_root_failed tmpfs tmpfs
            tmpfs_root_undo_source
            tmpfs_root_undo_mountpoint
            return 1
        fi
        : >/run/tmpfs-root/done.tmpfs
    }
    {
        tmpfs_root_say 7 'tmpfs-root: unpacking the archive'
        if ! tmpfs_root_step_unpack; then
            tmpfs_root_failed unpack unpack
            tmpfs_root_undo_tmpfs
            tmpfs_root_undo_source
            tmpfs_root_undo_mountpoint
            return 1
        fi
    }
    {
        tmpfs_root_say 7 "tmpfs-root: comparing the archive's sha256 with the one it must have"
        if ! tmpfs_root_step_verify; then
            tmpfs_root_failed verify verify
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
                tmpfs_root_failed release release
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
                tmpfs_root_failed release cleanup
                tmpfs_root_undo_tmpfs
                tmpfs_root_undo_mountpoint
                return 1
            fi
            ;;
    esac
    return 0
}
# runs the prePivot phase's steps; returns 0 when done, 2 when root= is not tmpfs:, 1 after a
# failure (its line printed, what ran undone).
tmpfs_root_phase_prePivot() {
    local rc
    # Step errors are collected under here.
    /lib/tmpfs-root/bin/mkdir -p /run/tmpfs-root 2>/dev/null
    if [ ! -e /run/tmpfs-root/start ]; then
        tmpfs_root_centis >/run/tmpfs-root/start
    fi
    {
        tmpfs_root_step_params
        rc="$?"
        if [ "$rc" = 2 ]; then
            return 2
        fi
        if [ "$rc" != 0 ]; then
            tmpfs_root_failed cmdline params
            return 1
        fi
    }
    {
        tmpfs_root_say 7 'tmpfs-root: restoring SELinux labels'
        if ! tmpfs_root_step_selinux; then
            tmpfs_root_failed selinux selinux
            tmpfs_root_undo_tmpfs
            return 1
        fi
    }
    {
        tmpfs_root_say 7 'tmpfs-root: handing over to switch-root'
        if ! tmpfs_root_step_handover; then
            tmpfs_root_failed switch-root handover
            tmpfs_root_undo_tmpfs
            return 1
        fi
    }
    return 0
}
# applies rd.tmpfs.onfail after a failure: emergency (dracut's own handling), reboot, poweroff or
# halt.
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
                /lib/tmpfs-root/bin/sleep 3600
            done
            ;;
    esac
    # dracut's own failure handling: an emergency shell with rd.shell, else init exits.
    die 'tmpfs-root stopped the boot'
}
# EARLY: for a network source, orders tmpfs-root.service after network-online.target and, without
# ip=, asks systemd-networkd for DHCP; returns 1 when a file cannot be written.
tmpfs_root_generate_network() {
    case "$tmpfs_root_kind" in
        nfs | http)
            /lib/tmpfs-root/bin/mkdir -p "$1/tmpfs-root.service.d" || return 1
            /lib/tmpfs-root/bin/cp /lib/tmpfs-root/50-tmpfs-root-network.conf \
                "$1/tmpfs-root.service.d/50-tmpfs-root-network.conf" || return 1
            if [ -z "$tmpfs_root_given_ip" ]; then
                /lib/tmpfs-root/bin/mkdir -p /run/systemd/network 2>/dev/null
                /lib/tmpfs-root/bin/cp /lib/tmpfs-root/90-tmpfs-root-dhcp.network \
                    /run/systemd/network/90-tmpfs-root-dhcp.network 2>/dev/null
            fi
            ;;
    esac
    return 0
}
# the classic init's timeout hook: reports a device that never came and stops the boot.
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
    tmpfs_root_failed source device
    tmpfs_root_stop
}
