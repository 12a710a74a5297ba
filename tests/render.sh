#!/bin/sh
# tests/render.sh -- golden screens of the player (TAP).
#
# Each case is "NAME|ARGS|FILE": run
#   vmscope render ARGS data/NAME.jsonl
# and compare with tests/golden/render/FILE.  The screens come from the
# same drawing code as the terminal (ui_draw.c into the cell grid), so
# these cover layouts at 80x24, 100x30 and 160x48, a failed step, the
# detail view, the help, ASCII mode, key scripts and "terminal too small".
# Goldens are read by eye before they are committed; regenerate with
#   VMSCOPE=./vmscope SRCDIR=. sh tests/render.sh --update
# and read the diff.
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${VMSCOPE:?VMSCOPE must name the vmscope binary}"
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

update=no
[ "${1:-}" = "--update" ] && update=yes
set -f   # key scripts such as "?" are not globs

cases='
fork-lifecycle|--size 80x24 --step 0|fork-0-80x24.txt
fork-lifecycle|--size 80x24 --step 3|fork-3-80x24.txt
fork-lifecycle|--size 80x24 --step 4|fork-4-80x24.txt
fork-lifecycle|--size 160x48 --step 4|fork-4-160x48.txt
fork-lifecycle|--size 80x24 --step 6 --ascii|fork-6-80x24-ascii.txt
fork-lifecycle|--size 100x30 --step 4 --key <Tab><Enter>|fork-4-detail-100x30.txt
fork-lifecycle|--size 80x24 --step 2 --key ?|fork-help-80x24.txt
fork-lifecycle|--size 80x24 --step 0 --key ...,|fork-keys-2-80x24.txt
fork-lifecycle|--size 80x24 --step 0 --key /child<Enter>|fork-search-80x24.txt
fork-lifecycle|--size 79x24 --step 4|fork-too-small.txt
fork-lifecycle|--size 80x24 --step 0 --key <Click:30,14>|fork-click-timeline-80x24.txt
fork-lifecycle|--size 80x24 --step 4 --key <Click:5,4>|fork-click-region-80x24.txt
mach-shared-memory|--size 80x24 --step 13|shm-13-failed-80x24.txt
mach-shared-memory|--size 160x48 --step 15|shm-15-160x48.txt
ool-purgeable|--size 160x48 --step 20|ool-purgeable-20-160x48.txt
ool-plain|--size 100x30 --step 20 --ascii|ool-plain-20-100x30-ascii.txt
ali-vs-shm|--size 100x30 --step 9|ali-9-100x30.txt
redis-bgsave|--size 100x30 --step 8|redis-8-100x30.txt
gnumach-coalescing|--size 80x24 --step 12|gnumach-12-80x24.txt
'

tmpdir_make
gold=$SRCDIR/tests/golden/render
[ "$update" = yes ] && mkdir -p "$gold"
while IFS='|' read -r name args file; do
	[ -n "$name" ] || continue
	out=$tmpdir/$file
	# shellcheck disable=SC2086  # ARGS is a word list
	if ! NO_COLOR= "$VMSCOPE" render $args "$SRCDIR/data/$name.jsonl" >"$out" 2>"$out.err"; then
		tap_fail "render $name $args" "$(cat "$out.err")"
		continue
	fi
	if [ "$update" = yes ]; then
		cp "$out" "$gold/$file"
		tap_ok "render $name $args (updated $file)"
	elif [ ! -f "$gold/$file" ]; then
		tap_fail "render $name $args" "missing golden tests/golden/render/$file"
	elif cmp -s "$out" "$gold/$file"; then
		tap_ok "render $name $args"
	else
		tap_fail "render $name $args" "$(diff -u "$gold/$file" "$out" | head -n 60)"
	fi
done <<EOF_CASES
$cases
EOF_CASES

# The three formats draw the same screen.
fmt_out=$tmpdir/fmt
if "$VMSCOPE" render --size 80x24 --step 4 --format ansi "$SRCDIR/data/fork-lifecycle.jsonl" \
	>"$fmt_out.ansi" 2>&1 &&
   sed 's/\x1b\[[0-9;]*m//g; s/[[:space:]]*$//' "$fmt_out.ansi" >"$fmt_out.stripped" &&
   "$VMSCOPE" render --size 80x24 --step 4 "$SRCDIR/data/fork-lifecycle.jsonl" >"$fmt_out.txt" &&
   cmp -s "$fmt_out.stripped" "$fmt_out.txt"; then
	tap_ok "ANSI output is the text screen plus colour escapes"
else
	tap_fail "ANSI output is the text screen plus colour escapes" \
		"$(diff "$fmt_out.txt" "$fmt_out.stripped" 2>&1 | head -n 20)"
fi
if "$VMSCOPE" render --size 80x24 --step 4 --format svg "$SRCDIR/data/fork-lifecycle.jsonl" \
	>"$fmt_out.svg" 2>&1 && grep -q '^<svg xmlns' "$fmt_out.svg" &&
   grep -q '</svg>' "$fmt_out.svg" && grep -q 'COW' "$fmt_out.svg"; then
	tap_ok "SVG output is a self-contained SVG"
else
	tap_fail "SVG output is a self-contained SVG" "$(head -c 400 "$fmt_out.svg")"
fi
if "$VMSCOPE" render --size 80x24 --step 4 --ascii "$SRCDIR/data/fork-lifecycle.jsonl" |
	LC_ALL=C grep -q '[^[:print:][:space:]]'; then
	tap_fail "--ascii draws no non-ASCII byte"
else
	tap_ok "--ascii draws no non-ASCII byte"
fi
# Control characters in trace strings never reach the output.
evil=$tmpdir/evil.jsonl
printf '%s\n' \
	'{"vmscope": 1, "title": "evil \u001b]0;pwned\u0007title \u001b[2J", "tasks": ["p\u001b[31mx"]}' \
	'{"op": "allocate", "task": "p\u001b[31mx", "size": "1p", "as": "b\u009b2Jz", "note": "n\u001b]8;;http://x\u001b\\ote"}' \
	>"$evil"
if "$VMSCOPE" render --size 80x24 --step 1 "$evil" >"$tmpdir/evil.out" 2>&1 &&
   ! LC_ALL=C grep -q "$(printf '\033')" "$tmpdir/evil.out" &&
   grep -q 'evil title' "$tmpdir/evil.out"; then
	tap_ok "escape sequences in trace strings are stripped"
else
	tap_fail "escape sequences in trace strings are stripped" "$(cat -v "$tmpdir/evil.out" | head -n 30)"
fi
if "$VMSCOPE" render --size 80x24 --key '<Nope>' "$SRCDIR/data/fork-lifecycle.jsonl" \
	>/dev/null 2>"$tmpdir/bad.err"; then
	tap_fail "a bad key script is an error"
else
	tap_ok "a bad key script is an error"
fi

tap_done
