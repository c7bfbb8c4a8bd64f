#!/bin/sh
# tools/install.sh: installs tmpfs-root from this checkout (what the .deb and
# the .rpm run; docs/packaging.md says what goes where).
#
# Usage: sh tools/install.sh [--help] [VAR=value ...]
#
# Variables, from the environment or as VAR=value arguments:
#   DESTDIR           staging root prefixed to every path (default: empty)
#   PREFIX            installation prefix (default: /usr)
#   DRACUTMODULESDIR  dracut's modules folder (default: asked from
#                     `pkg-config --variable=dracutmodulesdir dracut`, else
#                     /usr/lib/dracut/modules.d)
#
# It installs
#   module/90tmpfs-root/*   to $DESTDIR$DRACUTMODULESDIR/90tmpfs-root/ (modes as committed)
#   docs/man/*.1, *.7       to $DESTDIR$PREFIX/share/man/man1/, man7/
#   dist/tmpfs-root.mjs     to $DESTDIR$PREFIX/share/tmpfs-root/tmpfs-root.mjs
#                           (made by `npx -y deno@2.9.6 task bundle`)
#   a wrapper               to $DESTDIR$PREFIX/bin/tmpfs-root, which runs that
#                           file under node, or says Node.js is missing (127)
#
# Output: one line naming dracut's modules folder and where it came from, then
# one line per installed file. Exit status: 0 installed, 1 an install failed
# (the line says which file), 2 a wrong argument or a missing input (nothing
# was written).

# Prints the comment above, from "Usage:" on.
usage() {
    sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0"
}

# fail MESSAGE [STATUS]: MESSAGE as one line on standard error; exits STATUS (1).
fail() {
    printf 'install.sh: %s\n' "$(printf '%s' "$1" | tr '\n' ' ')" >&2
    exit "${2:-1}"
}

# try WHAT COMMAND...: runs COMMAND; on failure, fails with WHAT and COMMAND's own message.
try() {
    what=$1
    shift
    err=$("$@" 2>&1) || fail "$what: ${err:-exit status $?}"
}

# write FILE: standard input to FILE.
write() {
    cat >"$1"
}

for arg in "$@"; do
    case "$arg" in
        -h | --help)
            usage
            exit 0
            ;;
        DESTDIR=*) DESTDIR=${arg#*=} ;;
        PREFIX=*) PREFIX=${arg#*=} ;;
        DRACUTMODULESDIR=*) DRACUTMODULESDIR=${arg#*=} ;;
        *) fail "unknown argument \"$arg\": expected --help, DESTDIR=, PREFIX= or DRACUTMODULESDIR=" 2 ;;
    esac
done
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr}
case "$PREFIX" in
    /*) ;;
    *) fail "invalid PREFIX \"$PREFIX\": expected an absolute path" 2 ;;
esac

src=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd) || fail "cannot find the checkout from \"$0\"" 2
module="$src/module/90tmpfs-root"
bundle="$src/dist/tmpfs-root.mjs"

# Every input is checked before anything is written.
[ -f "$module/module-setup.sh" ] || fail "missing $module/module-setup.sh: the module folder is incomplete" 2
[ -f "$bundle" ] || fail "missing dist/tmpfs-root.mjs: build it with: npx -y deno@2.9.6 task bundle" 2
for page in "$src"/docs/man/*.1 "$src"/docs/man/*.7; do
    [ -f "$page" ] || fail "missing man pages in $src/docs/man: expected *.1 and *.7 files" 2
done

if [ -n "${DRACUTMODULESDIR:-}" ]; then
    modulesdir=$DRACUTMODULESDIR
    from="DRACUTMODULESDIR"
elif ! command -v pkg-config >/dev/null 2>&1; then
    modulesdir=/usr/lib/dracut/modules.d
    from="the default: pkg-config is not installed"
elif modulesdir=$(pkg-config --variable=dracutmodulesdir dracut 2>/dev/null) && [ -n "$modulesdir" ]; then
    from="pkg-config --variable=dracutmodulesdir dracut"
else
    modulesdir=/usr/lib/dracut/modules.d
    from="the default: pkg-config knows no dracut (dracut.pc is missing)"
fi
case "$modulesdir" in
    /*) ;;
    *) fail "invalid dracut modules folder \"$modulesdir\" (from $from): expected an absolute path" 2 ;;
esac
echo "dracut modules folder: $modulesdir (from $from)"

# put SOURCE TARGET MODE: copies SOURCE to TARGET (its folder made) with MODE, or fails.
put() {
    try "cannot create the folder of $2" mkdir -p "$(dirname "$2")"
    try "cannot replace $2" rm -f "$2"
    try "cannot copy $1 to $2" cp "$1" "$2"
    try "cannot set mode $3 on $2" chmod "$3" "$2"
    echo "installed $2"
}

for file in "$module"/*; do
    [ -f "$file" ] || fail "unexpected $file in the module folder: expected regular files only"
    if [ -x "$file" ]; then mode=0755; else mode=0644; fi
    put "$file" "$DESTDIR$modulesdir/90tmpfs-root/${file##*/}" "$mode"
done
for page in "$src"/docs/man/*.1 "$src"/docs/man/*.7; do
    put "$page" "$DESTDIR$PREFIX/share/man/man${page##*.}/${page##*/}" 0644
done
put "$bundle" "$DESTDIR$PREFIX/share/tmpfs-root/tmpfs-root.mjs" 0755

# The wrapper names the bundle where it lands once installed: $PREFIX, without $DESTDIR.
wrapper="$DESTDIR$PREFIX/bin/tmpfs-root"
try "cannot create the folder of $wrapper" mkdir -p "$(dirname "$wrapper")"
try "cannot replace $wrapper" rm -f "$wrapper"
quoted=$(printf '%s\n' "$PREFIX/share/tmpfs-root/tmpfs-root.mjs" | sed "s/'/'\\\\''/g")
try "cannot write $wrapper" write "$wrapper" <<EOF
#!/bin/sh
# tmpfs-root: runs the command bundled for Node.js (written by tmpfs-root's tools/install.sh).
if command -v node >/dev/null 2>&1; then
    exec node '$quoted' "\$@"
fi
echo 'tmpfs-root: this command needs Node.js 18 or later (Debian: apt install nodejs; Fedora: dnf install nodejs)' >&2
exit 127
EOF
try "cannot set mode 0755 on $wrapper" chmod 0755 "$wrapper"
echo "installed $wrapper"
