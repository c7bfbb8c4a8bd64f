# shellcheck shell=sh disable=SC3043,SC1090,SC1091,SC2030,SC2031,SC2154
# The driver plays dracut's init (classic flavour) or systemd (systemd
# flavour) for every scenario under /scen, with the emitted hooks sourced
# unmodified, and writes each scenario's log (kmsg lines and stub command
# lines, in order) to /out/<scenario>.log and its stray stderr to .err.
. /stub/_lib.sh
# Where the module's files are, from the compiler's placement data (hooks.sh).
. /hooks.sh
# With layers (/vm/tree), the new root's entries after switch_root, sorted: "$ tree <path> <type>".
tree() {
    [ -e /vm/tree ] || return 0
    /usr/bin/find /sysroot -mindepth 1 -printf '$ tree %P %y\n' | LC_ALL=C /usr/bin/sort >/state/tree
    put /state/tree >/dev/kmsg
}
baseline=" $(while read -r _ _ _ _ m _; do printf '%s ' "$m"; done </.proc/self/mountinfo)"
classic() (
    export NEWROOT=/sysroot
    . /lib/dracut-lib.sh
    . "$hook_cmdline"
    if [ "${rootok:-}" != 1 ]; then log inactive; exit 0; fi
    # dracut's initqueue: the finished hooks each second, the timeout hooks
    # at two thirds of rd.retry.
    _h_t=0
    _h_to="$((${tmpfs_root_retry:-180} * 2 / 3))"
    while :; do
        if . "$hook_initqueue_finished"; then
            log initqueue finished "$_h_t"
            break
        fi
        if [ "$_h_t" -ge "$_h_to" ]; then
            log initqueue timeout "$_h_t"
            . "$hook_initqueue_timeout"
            break
        fi
        _h_t="$((_h_t + 1))"
        advance 1
    done
    . "$hook_mount"
    . "$hook_pre_pivot"
    if [ -e /run/tmpfs-root/prePivot.done ]; then log switch_root; tree; fi
)
systemd() (
    export DRACUT_SYSTEMD=1 NEWROOT=/sysroot
    # dracut-cmdline.service
    (
        . /lib/dracut-lib.sh
        . "$hook_cmdline"
    )
    # the generator, with systemd's three folders
    if ! (
        set -- /run/systemd/generator /run/systemd/generator.early /run/systemd/generator.late
        . "$systemd_generator"
    ); then
        log generator failed
        exit 0
    fi
    if ! [ -e /run/systemd/generator.early/tmpfs-root.service ]; then log inactive; exit 0; fi
    # sysroot.mount, as systemd mounts it
    busybox mount -t tmpfs -o mode=0755 tmpfs /sysroot && echo /sysroot >>/state/mounts
    # tmpfs-root.service
    if ! (
        set --
        . /lib/dracut-lib.sh
        . "$systemd_unpack"
    ); then
        log unit failed
        exit 0
    fi
    # dracut-pre-pivot.service
    (
        . /lib/dracut-lib.sh
        . "$hook_pre_pivot"
    )
    if [ -e /run/tmpfs-root/prePivot.done ]; then log switch_root; tree; fi
)
for s in /scen/*; do
    name="${s##*/}"
    # One rm for everything the last boot left; /proc/cmdline is a link to /vm/cmdline.
    set -- /run /sysroot /etc/cmdline.d /etc/cmdline /state /vm
    for f in /dev/*; do
        case "$f" in /dev/null | /dev/kmsg | /dev/urandom) ;; *) set -- "$@" "$f" ;; esac
    done
    rm -rf "$@"
    mkdir -p /run /sysroot /state
    ln -s "$s" /vm
    # The decompressors this scenario's initramfs lacks are out of the tools folder until it ends.
    if [ -f /vm/without ]; then
        while read -r t; do
            if [ -e /lib/tmpfs-root/bin/"$t" ]; then mv /lib/tmpfs-root/bin/"$t" /hidden/; fi
        done </vm/without
    fi
    : >/proc/sysrq-trigger
    : >/state/mounts
    echo 0 >/state/clock
    echo "0.00 0.00" >/proc/uptime
    udev
    cat /dev/kmsg >/out/"$name".log &
    reader="$!"
    # Opening a FIFO to write waits for cat to open it (so cat never misses the end), and a
    # child's SIGCHLD can interrupt that wait (EINTR, under load): try again.
    tries=0
    until [ "$tries" -ge 100 ] || command exec 7>/dev/kmsg; do tries="$((tries + 1))"; done 2>/dev/null
    if [ "$tries" -ge 100 ]; then
        echo "driver: cannot open /dev/kmsg" >&2
        exit 1
    fi
    # (The outer redirection keeps the shell's own "Killed" for rd.tmpfs.onfail=halt out of .err.)
    read -r flavour <"$s"/flavour
    if [ "$flavour" = systemd ]; then
        { systemd 2>/out/"$name".err; } 2>/dev/null
    else
        { classic 2>/out/"$name".err; } 2>/dev/null
    fi
    if [ -s /proc/sysrq-trigger ]; then
        read -r sysrq </proc/sysrq-trigger
        log sysrq "$sysrq"
    fi
    left=
    while read -r _ _ _ _ m _; do
        case "$baseline" in *" $m "*) continue ;; esac
        log mounted "$m"
        left="$m $left"
    done </.proc/self/mountinfo
    exec 7>&-
    # The boot report, which the harness compares with the simulator's.
    if [ -f /run/tmpfs-root/report.json ]; then cp /run/tmpfs-root/report.json /out/"$name".json; fi
    wait "$reader"
    for m in $left; do busybox umount -l "$m"; done
    for t in /hidden/*; do
        if [ -e "$t" ] || [ -L "$t" ]; then mv "$t" /lib/tmpfs-root/bin/; fi
    done
    echo "$name" >>/out/done
done
