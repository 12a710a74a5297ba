#!/bin/sh
# tests/layering.sh -- enforce vmscope's layering rules on src/ (TAP).
#
#  (a) the model (vm_*.c, vm_*.h) includes neither curses nor cJSON;
#  (b) trace_*, replay.*, dump.* and scenario* do not include curses;
#  (c) src/ui_curses.h is the only file that includes a curses header;
#  (d) only ui* files include ui_curses.h;
#  (e) libvmcore.a has no undefined reference to a curses function.
#
# A rule that holds prints one "ok"; a rule that is broken prints one
# "not ok" per offending file.  Includes are matched however they are
# spaced ("#  include <curses.h>").  Needs SRCDIR (defaults to the parent
# of this script) and BUILDDIR (defaults to SRCDIR), as exported by
# "make check".

# The is_*/not_* filters are called indirectly by rule():
# shellcheck disable=SC2317

set -u

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR}"
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

if [ ! -d "$SRCDIR/src" ]; then
	echo "Bail out! no source directory $SRCDIR/src"
	exit 1
fi

# Extended regexes over the header name inside <...> or "...".
CURSES_RE='^(n?curses\.h|.*/n?curses\.h|ncursesw?/.*)$'
CURSES_ANGLE_RE='^(panel|menu|form|term)\.h$'   # only as <...>
CJSON_RE='^(cjson/)?cJSON(_Utils)?\.h$'

# The files to check, as "src/NAME" paths relative to their root: the
# sources in SRCDIR/src plus generated ones in BUILDDIR/src (VPATH builds).
# Output: one "ROOT<TAB>src/NAME" line per file.
list_files() {
	for root in "$SRCDIR" "$BUILDDIR"; do
		[ -d "$root/src" ] || continue
		(cd "$root" && find src -type f \( -name '*.c' -o -name '*.h' \)) |
			while IFS= read -r rel; do
				printf '%s\t%s\n' "$root" "$rel"
			done
	done | awk -F '\t' '!seen[$2]++' | LC_ALL=C sort -t "$(printf '\t')" -k2
}

# includes FILE: print "KIND NAME" for each #include in FILE, KIND being
# "<" or "\"".  Handles spaces/tabs around "#" and "include".
includes() {
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"]\)\([^>"]*\)[>"].*/\1 \2/p' "$1"
}

# show KIND NAME: print the header as written, <name> or "name".
show() {
	if [ "$1" = "<" ]; then
		printf '<%s>\n' "$2"
	else
		printf '"%s"\n' "$2"
	fi
}

# bad_includes FILE WHAT: print the offending header names of FILE, one per
# line; WHAT is "curses", "cjson" or "ui_curses".
bad_includes() {
	includes "$1" | while read -r kind name; do
		case $2 in
		curses)
			if printf '%s\n' "$name" | grep -Eq "$CURSES_RE" ||
				{ [ "$kind" = "<" ] &&
				  printf '%s\n' "$name" | grep -Eq "$CURSES_ANGLE_RE"; }; then
				show "$kind" "$name"
			fi ;;
		cjson)
			if printf '%s\n' "$name" | grep -Eq "$CJSON_RE"; then
				show "$kind" "$name"
			fi ;;
		ui_curses)
			case $name in
			ui_curses.h|*/ui_curses.h) show "$kind" "$name" ;;
			esac ;;
		esac
	done
}

files=$(list_files)
if [ -z "$files" ]; then
	echo "Bail out! no .c/.h files under $SRCDIR/src"
	exit 1
fi

# rule LABEL DESCRIPTION WHAT FILTER: check every file whose src/ path
# matches the shell pattern(s) in FILTER (a case pattern list evaluated by
# matches()) for includes of kind WHAT.
rule() {
	label=$1 desc=$2 what=$3 filter=$4
	nbad=0
	# Read from a here-document, not a pipe, so nbad survives the loop.
	while IFS="$(printf '\t')" read -r root rel; do
		"$filter" "$rel" || continue
		bad=$(bad_includes "$root/$rel" "$what" | tr '\n' ' ' | sed 's/ $//')
		if [ -n "$bad" ]; then
			nbad=$((nbad + 1))
			tap_fail "($label) $rel breaks: $desc" "includes: $bad"
		fi
	done <<EOF_FILES
$files
EOF_FILES
	[ "$nbad" -ne 0 ] || tap_ok "($label) $desc"
}

base() { printf '%s' "${1##*/}"; }

is_model() {
	case $(base "$1") in vm_*.c|vm_*.h) return 0 ;; esac
	return 1
}
is_core() {
	case $(base "$1") in
	trace_*.c|trace_*.h|replay.*|dump.*|scenario*) return 0 ;;
	esac
	return 1
}
not_ui_curses_h() { [ "$1" != src/ui_curses.h ]; }
not_ui() {
	case $(base "$1") in ui*) return 1 ;; esac
	return 0
}

rule a "vm_* files must not include curses" curses is_model
rule a "vm_* files must not include cJSON" cjson is_model
rule b "trace_*, replay.*, dump.*, scenario* must not include curses" curses is_core
rule c "only src/ui_curses.h may include a curses header" curses not_ui_curses_h
rule d "only ui* files may include ui_curses.h" ui_curses not_ui

# (e) the core library must link without curses.
lib=$BUILDDIR/libvmcore.a
if [ ! -f "$lib" ]; then
	tap_skip "(e) libvmcore.a has no curses symbols" "$lib not built"
elif ! command -v nm >/dev/null 2>&1; then
	tap_skip "(e) libvmcore.a has no curses symbols" "nm not installed"
else
	syms=$(nm -u "$lib" 2>&1) || {
		tap_fail "(e) libvmcore.a has no curses symbols" "nm -u failed:" "$syms"
		tap_done
	}
	curses_syms='initscr|endwin|newwin|newterm|delwin|wrefresh|wnoutrefresh|doupdate|wgetch|wget_wch|start_color|init_pair|has_colors|keypad|cbreak|noecho|nodelay|wtimeout|werase|wclear|waddstr|waddnstr|wprintw|mvwprintw|wattr_on|wattr_off|wbkgd|setupterm|stdscr|curscr|LINES|COLS|COLORS|COLOR_PAIRS'
	found=$(printf '%s\n' "$syms" | grep -E "^ +U ($curses_syms)\$" |
		sed 's/^ *U //' | LC_ALL=C sort -u | tr '\n' ' ')
	if [ -n "$found" ]; then
		tap_fail "(e) libvmcore.a has no curses symbols" "undefined: $found"
	else
		tap_ok "(e) libvmcore.a has no curses symbols"
	fi
fi

tap_done
