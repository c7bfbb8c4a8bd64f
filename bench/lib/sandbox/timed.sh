# shellcheck shell=bash
# Runs /bench/methods/METHOD.sh under dash in the sandbox, timed with bash's
# EPOCHREALTIME, in the memory cgroup bound at /cg when there is one (the
# method's processes only), and writes what it saw to /out: time (start,
# end, status), df (KiB used on /, /run and /sysroot before and after),
# the unpacked tree's inodes and entries, the progress lines printed, the
# cgroup's memory files, and
# with SAMPLE=1 the highest usage of /, /run and /sysroot seen while the
# method ran. Arguments: METHOD SAMPLE.
set -u
m="$1"
sample="$2"
# DIR: prints the KiB used on DIR's file system.
used() {
    local o
    o="$(df -P -k "$1")" || return 1
    o="${o#*$'\n'}"
    # shellcheck disable=SC2086
    set -- $o
    printf %s "$3"
}
sampler() {
    local root=0 run=0 sys=0 n=0 v
    while ! [ -e /out/done ]; do
        v="$(used /)" && [ "$v" -gt "$root" ] && root="$v"
        v="$(used /run)" && [ "$v" -gt "$run" ] && run="$v"
        v="$(used /sysroot)" && [ "$v" -gt "$sys" ] && sys="$v"
        n=$((n + 1))
    done
    echo "$root $run $sys $n" >/out/sample
}
echo "$(used /) $(used /run) $(used /sysroot)" >/out/df.before
if [ "$sample" = 1 ]; then
    sampler &
    spid=$!
fi
t0="$EPOCHREALTIME"
(
    [ -e /cg/cgroup.procs ] && echo "$BASHPID" >/cg/cgroup.procs
    exec /bin/dash "/bench/methods/$m.sh"
) </dev/null >/out/stdout 2>/out/stderr
rc=$?
t1="$EPOCHREALTIME"
if [ "$sample" = 1 ]; then
    : >/out/done
    wait "$spid"
fi
echo "$t0 $t1 $rc" >/out/time
# The progress lines the method printed (the module's, at level 6; /dev/kmsg is a file here).
grep -c '^<6>tmpfs-root: unpacking ' /dev/kmsg >/out/progress
for f in memory.peak memory.max_usage_in_bytes memory.kmem.max_usage_in_bytes \
    memory.kmem.usage_in_bytes memory.usage_in_bytes memory.current memory.stat; do
    [ -e "/cg/$f" ] && cat "/cg/$f" >"/out/$f"
done
echo "$(used /) $(used /run) $(used /sysroot)" >/out/df.after
tree="$(cat "/bench/methods/$m.tree")"
o="$(df -P -i /sysroot)"
o="${o#*$'\n'}"
# shellcheck disable=SC2086
set -- $o
echo "$3" >/out/inodes
# shellcheck disable=SC2086
find $tree -mindepth 1 | wc -l >/out/entries
