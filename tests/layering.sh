#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/layering.sh -- enforce vmscope's layering rules on src/ (TAP).
#
# src/ has one folder per layer.  Each folder's README.md says what it owns
# and, on a line "May include: A B ...", which folders its files may
# include from (itself first).  This test reads those lines, so the rule
# and its documentation cannot drift apart.
#
#  (a) every folder of src/ has a README.md with a "May include:" line;
#  (b) a quoted #include names "FOLDER/file.h" for another folder's header,
#      or a bare "file.h" that exists in the including file's own folder;
#  (c) a file includes only headers of the folders its README allows;
#  (d) the allowed-includes graph has no cycle (a lower layer never
#      includes a higher one);
#  (e) the model (src/vm) includes neither curses nor cJSON;
#  (f) src/ui/ui_curses.h is the only file that includes a curses header,
#      and only src/ui files include it;
#  (g) libvmcore.a has no undefined reference to a curses function.
#
# A rule that holds prints one "ok"; a broken rule prints one "not ok" per
# offending file.  Needs SRCDIR (defaults to the parent of this script) and
# BUILDDIR (defaults to SRCDIR), as exported by "make check".

set -u

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR}"
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

if [ ! -d "$SRCDIR/src" ]; then
	echo "Bail out! no source directory $SRCDIR/src"
	exit 1
fi

CURSES_RE='^(n?curses\.h|.*/n?curses\.h|ncursesw?/.*|panel\.h|menu\.h|form\.h|term\.h)$'
CJSON_RE='^(cjson/)?cJSON(_Utils)?\.h$'

folders=$(cd "$SRCDIR/src" && for d in */; do printf '%s\n' "${d%/}"; done)

# allowed FOLDER: the folders FOLDER may include from (its README's line).
allowed() {
	sed -n 's/^May include:[[:space:]]*//p' "$SRCDIR/src/$1/README.md" 2>/dev/null | head -n 1
}

# (a) READMEs.
nbad=0
for d in $folders; do
	if [ -z "$(allowed "$d")" ]; then
		nbad=$((nbad + 1))
		tap_fail "(a) src/$d/README.md says what it may include" \
			"add a README.md with a line 'May include: $d ...'"
	fi
done
[ "$nbad" -ne 0 ] || tap_ok "(a) every folder of src/ has a README.md with 'May include:'"

# The files to check as "ROOT<TAB>src/FOLDER/NAME": the sources plus files
# generated into BUILDDIR (VPATH builds), each path once.
list_files() {
	for root in "$SRCDIR" "$BUILDDIR"; do
		[ -d "$root/src" ] || continue
		(cd "$root" && find src -mindepth 2 -type f \( -name '*.c' -o -name '*.h' \)) |
			while IFS= read -r rel; do
				printf '%s\t%s\n' "$root" "$rel"
			done
	done | awk -F '\t' '!seen[$2]++' | LC_ALL=C sort -t "$(printf '\t')" -k2
}
files=$(list_files)
if [ -z "$files" ]; then
	echo "Bail out! no .c/.h files under $SRCDIR/src/*/"
	exit 1
fi

# includes FILE: "KIND NAME" per #include, KIND "<" or "q" (quoted).
includes() {
	sed -n -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/< \1/p' \
		-e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/q \1/p' "$1"
}

# in_list WORD LIST...: is WORD one of LIST?
in_list() {
	w=$1
	shift
	for x in "$@"; do [ "$x" = "$w" ] && return 0; done
	return 1
}

# (b) and (c), one pass over the files.
nb=0 nc=0
while IFS="$(printf '\t')" read -r root rel; do
	folder=${rel#src/}
	folder=${folder%%/*}
	ok_folders=$(allowed "$folder")
	dir=$(dirname "$root/$rel")
	bad_b="" bad_c=""
	while read -r kind name; do
		[ "$kind" = q ] || continue
		case $name in
		config.h) continue ;;
		*/*) target=${name%%/*} ;;
		*)
			if [ -f "$dir/$name" ] || [ -f "$SRCDIR/$(dirname "$rel")/$name" ]; then
				target=$folder
			else
				bad_b="$bad_b \"$name\""
				continue
			fi ;;
		esac
		# shellcheck disable=SC2086
		in_list "$target" $ok_folders || bad_c="$bad_c \"$name\""
	done <<EOF_INC
$(includes "$root/$rel")
EOF_INC
	if [ -n "$bad_b" ]; then
		nb=$((nb + 1))
		tap_fail "(b) $rel: includes of another folder name it" "includes:$bad_b"
	fi
	if [ -n "$bad_c" ]; then
		nc=$((nc + 1))
		tap_fail "(c) $rel includes a folder its README does not allow ($ok_folders)" \
			"includes:$bad_c"
	fi
done <<EOF_FILES
$files
EOF_FILES
[ "$nb" -ne 0 ] || tap_ok "(b) includes of another folder's header name the folder"
[ "$nc" -ne 0 ] || tap_ok "(c) every file includes only what its folder's README allows"

# (d) no cycle: repeatedly remove folders that allow only themselves and
# removed folders; whatever is left is on a cycle.
left=$folders
while :; do
	next="" removed=no
	for d in $left; do
		deps_left=no
		for a in $(allowed "$d"); do
			[ "$a" = "$d" ] && continue
			# shellcheck disable=SC2086
			in_list "$a" $left && deps_left=yes
		done
		if [ "$deps_left" = no ]; then removed=yes; else next="$next $d"; fi
	done
	left=$next
	[ "$removed" = yes ] && [ -n "$left" ] || break
done
if [ -n "$(printf '%s' "$left" | tr -d ' ')" ]; then
	tap_fail "(d) the layers form no include cycle" "on a cycle:$left"
else
	tap_ok "(d) the layers form no include cycle"
fi

# angle_match FILE RE: the <...> includes of FILE matching RE.
angle_match() {
	includes "$1" | sed -n 's/^< //p' | grep -E "$2" | tr '\n' ' '
}

# (e), (f): system headers.
ne=0 nf=0
while IFS="$(printf '\t')" read -r root rel; do
	cur=$(angle_match "$root/$rel" "$CURSES_RE")
	case $rel in
	src/vm/*)
		bad="$cur$(angle_match "$root/$rel" "$CJSON_RE")"
		if [ -n "$bad" ]; then
			ne=$((ne + 1))
			tap_fail "(e) $rel: the model includes curses or cJSON" "includes: $bad"
		fi ;;
	esac
	if [ -n "$cur" ] && [ "$rel" != src/ui/ui_curses.h ]; then
		nf=$((nf + 1))
		tap_fail "(f) $rel includes curses (only src/ui/ui_curses.h may)" "includes: $cur"
	fi
	case $rel in
	src/ui/*) ;;
	*)
		if includes "$root/$rel" | grep -q '^q \(.*/\)\{0,1\}ui_curses\.h$'; then
			nf=$((nf + 1))
			tap_fail "(f) $rel includes ui_curses.h (only src/ui may)"
		fi ;;
	esac
done <<EOF_FILES
$files
EOF_FILES
[ "$ne" -ne 0 ] || tap_ok "(e) the model includes neither curses nor cJSON"
[ "$nf" -ne 0 ] || tap_ok "(f) curses only through src/ui/ui_curses.h, used only by src/ui"

# (g) the core library must link without curses.
lib=$BUILDDIR/libvmcore.a
if [ ! -f "$lib" ]; then
	tap_skip "(g) libvmcore.a has no curses symbols" "$lib not built"
elif ! command -v nm >/dev/null 2>&1; then
	tap_skip "(g) libvmcore.a has no curses symbols" "nm not installed"
else
	syms=$(nm -u "$lib" 2>&1) || {
		tap_fail "(g) libvmcore.a has no curses symbols" "nm -u failed:" "$syms"
		tap_done
	}
	curses_syms='initscr|endwin|newwin|newterm|delwin|wrefresh|wnoutrefresh|doupdate|wgetch|wget_wch|start_color|init_pair|has_colors|keypad|cbreak|noecho|nodelay|wtimeout|werase|wclear|waddstr|waddnstr|wprintw|mvwprintw|wattr_on|wattr_off|wbkgd|setupterm|stdscr|curscr|LINES|COLS|COLORS|COLOR_PAIRS'
	found=$(printf '%s\n' "$syms" | grep -E "^ +U ($curses_syms)\$" |
		sed 's/^ *U //' | LC_ALL=C sort -u | tr '\n' ' ')
	if [ -n "$found" ]; then
		tap_fail "(g) libvmcore.a has no curses symbols" "undefined: $found"
	else
		tap_ok "(g) libvmcore.a has no curses symbols"
	fi
fi

# The test itself: on a tree where the model includes the player, and
# the trace layer the model's internals by a bare name, it must fail.
if [ -z "${LAYERING_SELFTEST:-}" ]; then
	tmpdir_make
	for d in $folders; do
		mkdir -p "$tmpdir/src/$d"
		cp "$SRCDIR/src/$d/README.md" "$tmpdir/src/$d/"
	done
	printf '#include "ui/ui.h"\n' >"$tmpdir/src/vm/bad.c"
	printf '#include "vm_internal.h"\n' >"$tmpdir/src/trace/bad.c"
	out=$(LAYERING_SELFTEST=1 SRCDIR=$tmpdir BUILDDIR=$tmpdir sh "$0" 2>&1)
	case $out in
	*"not ok"*"(b) src/trace/bad.c"*"not ok"*"(c) src/vm/bad.c"*)
		tap_ok "the layering test catches a model file including the player" ;;
	*) tap_fail "the layering test catches a model file including the player" "$out" ;;
	esac
fi

tap_done
