/**
 * The guest's `/sbin/init`: a busybox ash script that checks the root it was
 * switched into against `/etc/e2e-expect`, prints one marker line and powers
 * off. Private to `e2e/lib`.
 */

/**
 * The shell functions of the init script (checks, marker, power-off), without
 * side effects when sourced: tests run them under busybox sh on the host.
 */
export const GUEST_FUNCTIONS = String.raw`# E2E_PROC: where proc is (tests point it at a fake one)
E2E_PROC=${"$"}{E2E_PROC:-/proc}
FAILS=""
fail() { FAILS="$FAILS$*; "; }
note() { echo "TMPFS-ROOT-E2E-NOTE: $*"; }
finish() {
  sync
  if [ -z "$FAILS" ]; then
    printf '\nTMPFS-ROOT-E2E: PASS\n'
  else
    printf '\nTMPFS-ROOT-E2E: FAIL %s\n' "$(printf %s "$FAILS" | tr '\n\r' '  ' | head -c 900)"
  fi
  sync
  poweroff -f
  sleep 2
  echo o >/proc/sysrq-trigger
  sleep 30
  exit 1
}

# cmdline value of key ($1), last one wins; empty when absent
cmdarg() {
  _v=""
  for _w in $(cat "$E2E_PROC/cmdline"); do
    case "$_w" in "$1="*) _v=${"$"}{_w#"$1="} ;; esac
  done
  printf %s "$_v"
}

# size argument (N, Nk, Nm, Ng, N%) -> the KiB that /proc/mounts shows for a tmpfs
expected_kib() {
  _s=$1
  case "$_s" in
    *%)
      _pct=${"$"}{_s%\%}
      _mem=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' "$E2E_PROC/meminfo")
      _pages=$((_mem / 4))
      echo $(( (_pct * _pages + 99) / 100 * 4 ))
      return
      ;;
    *[kK]) _b=$(( ${"$"}{_s%?} * 1024 )) ;;
    *[mM]) _b=$(( ${"$"}{_s%?} * 1024 * 1024 )) ;;
    *[gG]) _b=$(( ${"$"}{_s%?} * 1024 * 1024 * 1024 )) ;;
    *) _b=$_s ;;
  esac
  echo $(( (_b + 4095) / 4096 * 4 ))
}

check_root() {
  _line=$(grep '^[^ ]* / ' "$E2E_PROC/mounts" | tail -n 1)
  set -- $_line
  [ "$3" = tmpfs ] || { fail "/ is '$3', not tmpfs"; return; }
  note "root: $_line"
  _size=$(cmdarg e2e.size)
  if [ -n "$_size" ]; then
    _want=$(expected_kib "$_size")
    case ",$4," in
      *",size=${"$"}{_want}k,"*) ;;
      *) fail "tmpfs options '$4' lack size=${"$"}{_want}k (e2e.size=$_size)" ;;
    esac
  fi
}

check_released() {
  while read -r _dev _mnt _type _rest; do
    case "$_dev" in
      /dev/vd* | /dev/sd* | /dev/dm-* | /dev/mapper/* | /dev/nbd* | /dev/loop*)
        fail "source still mounted: $_dev on $_mnt" ;;
    esac
    case "$_type" in nfs | nfs4) fail "source still mounted: $_dev on $_mnt ($_type)" ;; esac
  done <"$E2E_PROC/mounts"
}

check_mode() { # path mode uid gid
  [ -e "$1" ] || [ -L "$1" ] || { fail "missing $1"; return; }
  _got=$(stat -c '%a %u %g' "$1")
  [ "$_got" = "$2 $3 $4" ] || fail "$1: mode/uid/gid '$_got', want '$2 $3 $4'"
}

check_content() { # path text
  [ -f "$1" ] || { fail "missing file $1"; return; }
  [ "$(cat "$1")" = "$2" ] || fail "$1: wrong content"
}

check_hardlink() { # a b
  _a=$(stat -c %i "$1" 2>/dev/null)
  _b=$(stat -c %i "$2" 2>/dev/null)
  [ -n "$_a" ] && [ "$_a" = "$_b" ] || fail "$1 and $2 are not one inode ($_a, $_b)"
}

check_symlink() { # path target
  [ -L "$1" ] || { fail "$1 is not a symlink"; return; }
  _t=$(readlink "$1")
  [ "$_t" = "$2" ] || fail "$1 points to '$_t', want '$2'"
}

check_chardev() { # path major minor (decimal)
  [ -c "$1" ] || { fail "$1 is not a character device"; return; }
  _mm=$(stat -c '%t %T' "$1")
  set -- "$1" $(printf '%x %x' "$2" "$3")
  [ "$_mm" = "$2 $3" ] || fail "$1: device $_mm, want $2 $3"
}

check_fifo() { [ -p "$1" ] || fail "$1 is not a fifo"; }

check_dir() { [ -d "$1" ] || fail "$1 is not a directory"; }

USER_XATTRS=unknown
check_xattr() { # path name hexvalue
  case "$2" in
    user.*)
      if [ "$USER_XATTRS" = unknown ]; then
        : >/.e2e-probe
        if setfattr -n user.e2e.probe -v 1 /.e2e-probe 2>/dev/null; then USER_XATTRS=yes; else
          USER_XATTRS=no
          note "this kernel's tmpfs does not support user.* xattrs (Linux < 6.6): user.* checks skipped"
        fi
        rm -f /.e2e-probe
      fi
      [ "$USER_XATTRS" = yes ] || return 0
      ;;
  esac
  _out=$(getfattr --absolute-names -h -e hex -n "$2" "$1" 2>&1)
  case "$_out" in
    *"$2=$3"*) ;;
    *) fail "$1: xattr $2 is not $3 ($(printf %s "$_out" | tail -n 1))" ;;
  esac
}

# the boot report: on the console for the host to parse, and here it must be a boot that went on
# (with e2e.report=absent the initramfs's /run never reached this root, and it must not be here)
check_report() { # file
  if [ "$(cmdarg e2e.report)" = absent ]; then
    if [ -e "$1" ]; then fail "$1 is here, though /run was not to reach the new root"; fi
    echo "TMPFS-ROOT-E2E-NOTE: $1 stayed in the initramfs's /run, which switch_root did not move"
    return
  fi
  [ -s "$1" ] || { fail "no $1"; return; }
  echo "TMPFS-ROOT-E2E-REPORT: $(cat "$1")"
  case "$(cat "$1")" in
    '{"version":1,"result":"ok",'*) ;;
    *) fail "$1 does not say result ok" ;;
  esac
}

check_sha256() { # path hex
  [ -f "$1" ] || { fail "missing $1"; return; }
  _h=$(sha256sum "$1" | cut -d ' ' -f 1)
  [ "$_h" = "$2" ] || fail "$1: sha256 $_h, want $2"
}

`;

/** The init script's text. */
export const GUEST_INIT = String.raw`#!/bin/sh
# tmpfs-root e2e guest init: check, print one marker line, power off.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
[ -e /proc/self ] || mount -t proc proc /proc
[ -e /sys/kernel ] || mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
# systemd hands over with stdio on /dev/null: talk to the console ourselves.
exec </dev/console >/dev/console 2>&1
echo 1 >/proc/sys/kernel/printk 2>/dev/null

` +
  GUEST_FUNCTIONS +
  String.raw`[ -f /etc/os-release ] || fail "no /etc/os-release"
check_root
check_released
check_report /run/tmpfs-root/report.json
if [ -f /etc/e2e-expect ]; then
  . /etc/e2e-expect
else
  fail "no /etc/e2e-expect"
fi
finish
`;
