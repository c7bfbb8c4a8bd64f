# shellcheck shell=sh disable=SC3043
# Shared by the stub commands: log to the scenario's /dev/kmsg, look up
# injected faults and answers, and play udev as the virtual clock advances.
log() { printf '$ %s\n' "$*" >/dev/kmsg; }
# fault KEY: prints the injected error for KEY and succeeds, if there is one.
fault() {
    [ -f /vm/faults ] || return 1
    while IFS='	' read -r k e; do
        if [ "$k" = "$1" ]; then printf '%s\n' "$e" >&2; return 0; fi
    done </vm/faults
    return 1
}
# The helpers below set REPLY rather than print, and use no other process: a stub's
# "$(...)" or cat costs a fork, or a fork and an exec, on every call.
# lookup FILE KEY: sets REPLY to the value after the tab on KEY's line.
lookup() {
    [ -f "$1" ] || return 1
    while IFS='	' read -r k v; do
        if [ "$k" = "$2" ]; then REPLY="$v"; return 0; fi
    done <"$1"
    return 1
}
# slurp FILE: sets REPLY to what "$(cat FILE)" gives for a text file: its text without its
# trailing newlines (fails, as silently as cat 2>/dev/null, on a missing file).
slurp() {
    local line
    REPLY=
    [ -f "$1" ] || return 1
    while IFS= read -r line; do REPLY="$REPLY$line
"; done <"$1"
    REPLY="$REPLY$line"
    while :; do
        case "$REPLY" in
            *'
') REPLY="${REPLY%?}" ;;
            *) return 0 ;;
        esac
    done
}
# put FILE: prints a text file, as cat does.
put() {
    local line
    while IFS= read -r line; do printf '%s\n' "$line"; done <"$1"
    printf '%s' "$line"
}
# listed FILE LINE: whether LINE is a line of FILE (grep -qxF LINE FILE).
listed() {
    local line
    while IFS= read -r line || [ -n "$line" ]; do [ "$line" = "$2" ] && return 0; done <"$1"
    return 1
}
# udev: makes the device links that are due by the clock (/vm/udev/<second>/).
udev() {
    local now t
    read -r now </state/clock
    for t in /vm/udev/*; do
        [ -d "$t" ] || continue
        [ "${t##*/}" -le "$now" ] || continue
        [ -e "/state/udev.${t##*/}" ] && continue
        : >"/state/udev.${t##*/}"
        cp -a "$t"/. /dev/
    done
}
# advance SECONDS: moves the virtual clock (and /proc/uptime with it).
advance() {
    local now
    read -r now </state/clock
    echo "$((now + $1))" >/state/clock
    echo "$((now + $1)).00 0.00" >/proc/uptime
    udev
}
