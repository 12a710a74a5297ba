#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/render.sh -- golden screens of the player (TAP).
#
# Each case is "NAME|ARGS|FILE": run
#   vmscope render ARGS data/NAME.jsonl
# (or ARGS NAME when NAME is a path, such as tests/render/observed.jsonl)
# and compare with tests/golden/render/FILE.  The screens come from the
# same drawing code as the terminal (ui_draw.c into the cell grid), so
# these cover layouts at 80x24, 100x30 and 160x48, a failed step, the
# detail view, the objects view, the quiz (asking, with `?` in the
# panes, and revealed), profile compare (--compare and the key p: the
# left task under two profiles, differing fields marked; p cycles back to
# off), aligned panes (tests/render/holes.jsonl: a region of one task
# across from a hole in the other; = turns it off), a step whose change is
# below the fold scrolling to it (ool-plain step 20), presenter mode (the big step counter), the blank
# screen (b) and the key after it, the help, ASCII mode, key scripts and "terminal too small",
# the detail's page grid (one cell per page, or groups showing the rarest
# kind: a lone copied page among 4,096, and one in a 1 TiB region, drawn
# from page runs), and the model / observed / both views of tests/render/observed.jsonl: a
# fork whose observations agree at steps 5 and 6 and differ at steps 8
# (ref_count, a region observed but not in the model, one in the model
# but not observed) and 9 (prot, fields not observed).
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
fork-lifecycle|--size 80x24 --step 2 --key ?<PgDn><PgDn><PgDn><PgDn>|fork-help-glossary-80x24.txt
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
tests/render/observed.jsonl|--size 80x24 --step 5|observed-5-both-80x24.txt
tests/render/observed.jsonl|--size 80x24 --step 5 --view observed|observed-5-observed-80x24.txt
tests/render/observed.jsonl|--size 80x24 --step 8 --view both|observed-8-both-80x24.txt
tests/render/observed.jsonl|--size 80x24 --step 8 --view observed|observed-8-observed-80x24.txt
tests/render/observed.jsonl|--size 80x24 --step 9 --view observed|observed-9-observed-80x24.txt
tests/render/observed.jsonl|--size 80x24 --step 9 --ascii|observed-9-both-80x24-ascii.txt
tests/render/observed.jsonl|--size 160x48 --step 5 --view both|observed-5-both-160x48.txt
tests/render/observed.jsonl|--size 160x48 --step 8|observed-8-both-160x48.txt
tests/render/observed.jsonl|--size 160x48 --step 8 --view observed|observed-8-observed-160x48.txt
tests/render/observed.jsonl|--size 160x48 --step 9 --view observed|observed-9-observed-160x48.txt
tests/render/observed.jsonl|--size 80x24 --step 9 --view model|observed-9-model-80x24.txt
tests/render/observed.jsonl|--size 80x24 --step 8 --view model --key o|observed-8-key-o-80x24.txt
tests/render/observed.jsonl|--size 80x24 --step 4 --key oo|observed-4-key-oo-80x24.txt
tests/render/observed.jsonl|--size 100x30 --step 8 --key <Tab>jj<Enter>|observed-8-detail-100x30.txt
fork-lifecycle|--size 80x24 --step 3 --key o|fork-key-o-no-obs-80x24.txt
fork-lifecycle|--size 80x24 --step 3 --view both|fork-view-both-no-obs-80x24.txt
fork-lifecycle|--size 120x36 --step 4 --key O|fork-4-objects-120x36.txt
fork-lifecycle|--size 120x36 --step 3 --key O.|fork-objects-step-120x36.txt
mach-shared-memory|--size 100x40 --step 12 --key O|shm-12-objects-100x40.txt
ali-vs-shm|--size 80x24 --step 8 --key O<PgDn>|ali-8-objects-80x24-pgdn.txt
ali-vs-shm|--size 80x24 --step 8 --key OO|ali-8-objects-closed-80x24.txt
redis-bgsave|--size 100x30 --step 8 --key O|redis-8-objects-100x30.txt
tests/render/rare-page.jsonl|--size 80x24 --step 4|rare-page-80x24.txt
tests/render/rare-page.jsonl|--size 100x40 --step 4 --key <Tab><Enter>|rare-page-grid-100x40.txt
tests/render/lone-page-4096.jsonl|--size 100x40 --step 4 --key <Tab><Enter>|lone-page-4096-grid-100x40.txt
tests/render/lone-page-4096.jsonl|--size 80x24 --step 4|lone-page-4096-strip-80x24.txt
tests/render/lone-page-1t.jsonl|--size 100x30 --step 4|lone-page-1t-100x30.txt
tests/render/lone-page-1t.jsonl|--size 100x40 --step 4 --key <Tab><Enter>|lone-page-1t-grid-100x40.txt
tests/render/three-tasks.jsonl|--size 80x24 --step 4|three-4-80x24.txt
tests/render/three-tasks.jsonl|--size 80x24 --step 6|three-6-80x24.txt
tests/render/three-tasks.jsonl|--size 80x24 --step 3 --key T.|three-T-nofollow-80x24.txt
tests/render/three-tasks.jsonl|--size 80x24 --step 4 --key Tf|three-T-follow-again-80x24.txt
fork-lifecycle|--size 80x24 --step 3 --key t|fork-3-swap-80x24.txt
fork-lifecycle|--size 100x30 --step 4 --key c|fork-4-nocols-100x30.txt
fork-lifecycle|--size 80x24 --step 4 --key c|fork-4-cols-80x24.txt
data/lessons/fork-cow.jsonl|--size 100x30 --step 2 --quiz --key .|quiz-fork-ask-100x30.txt
data/lessons/fork-cow.jsonl|--size 100x30 --step 2 --quiz --key .2<Down>2<Down>1<Down>2<Down>1<Down>2<Enter>|quiz-fork-reveal-100x30.txt
data/lessons/fork-cow.jsonl|--size 80x24 --step 3 --quiz --key .<Down>7<Enter>|quiz-cow-reveal-80x24.txt
data/lessons/fork-cow.jsonl|--size 80x24 --step 0 --key a.|quiz-key-a-80x24.txt
ool-plain|--size 80x24 --step 19 --key .|ool-plain-step-shows-change-80x24.txt
tests/render/holes.jsonl|--size 80x24 --step 7|holes-aligned-80x24.txt
tests/render/holes.jsonl|--size 80x24 --step 7 --key =|holes-not-aligned-80x24.txt
tests/render/holes.jsonl|--size 80x24 --step 7 --key <Tab>j|holes-cursor-right-80x24.txt
gnumach-coalescing|--size 120x36 --step 12 --compare gnumach|compare-gnumach-12-120x36.txt
fork-lifecycle|--size 100x30 --step 4 --key p|compare-key-p-100x30.txt
fork-lifecycle|--size 80x24 --step 4 --key pppppp|compare-off-80x24.txt
fork-lifecycle|--size 80x24 --step 4 --key pt|compare-swap-refused-80x24.txt
fork-lifecycle|--size 80x24 --step 4 --key pT|compare-next-task-80x24.txt
fork-lifecycle|--size 100x30 --step 4 --key p<Tab><Enter>|compare-detail-100x30.txt
data/lessons/fork-cow.jsonl|--size 80x24 --step 3 --present|present-3-80x24.txt
data/lessons/fork-cow.jsonl|--size 80x24 --step 2 --present --quiz --key .|present-quiz-80x24.txt
data/lessons/fork-cow.jsonl|--size 120x36 --step 0 --present --key ]]|present-keys-120x36.txt
data/lessons/fork-cow.jsonl|--size 80x24 --step 3 --key b|blank-80x24.txt
data/lessons/fork-cow.jsonl|--size 80x24 --step 3 --key b.|blank-back-80x24.txt
'

tmpdir_make
gold=$SRCDIR/tests/golden/render
[ "$update" = yes ] && mkdir -p "$gold"
while IFS='|' read -r name args file; do
	[ -n "$name" ] || continue
	out=$tmpdir/$file
	case $name in
	*/*) trace=$SRCDIR/$name ;;
	*) trace=$SRCDIR/data/$name.jsonl ;;
	esac
	# shellcheck disable=SC2086  # ARGS is a word list
	if ! NO_COLOR= "$VMSCOPE" render $args "$trace" >"$out" 2>"$out.err"; then
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
# Injection: ESC/CSI/OSC sequences, 8-bit C1 controls (CSI U+009B, DCS
# U+0090), BEL and bidi overrides in a title, task, region name and note
# come out inert in every format: text has none of them, ANSI only its own
# colour sequences (ESC [ digits m), SVG parses as XML with the strings
# escaped.
inj=$tmpdir/inject.jsonl
printf '%s\n' \
	'{"vmscope": 1, "title": "T<&>\u001b]0;pwn\u0007\u009b2J\u202eevil", "tasks": ["a\u0090x\u001b\\b"]}' \
	'{"op": "allocate", "task": "a\u0090x\u001b\\b", "size": "2p", "as": "r\"<&\u009b31m\u0007\u202e", "note": "n\u001b[2J\u001b]8;;http://x\u0007<b>&amp;"}' \
	'{"op": "write", "task": "a\u0090x\u001b\\b", "region": "r\"<&\u009b31m\u0007\u202e"}' >"$inj"
# bad_bytes FILE: the hex of any C1, bidi or BEL byte sequence in FILE.
bad_bytes() {
	od -An -tx1 "$1" | tr -s ' \n' ' ' | grep -o 'c2 9[0-9a-f]\|c2 8[0-9a-f]\|e2 80 a[a-e]\|e2 81 a[6-9]\| 07 ' | head -n 3
}
for fmt in text ansi svg; do
	if ! "$VMSCOPE" render --size 100x30 --step 2 --format "$fmt" "$inj" >"$tmpdir/inj.$fmt" 2>&1; then
		tap_fail "injection ($fmt): render succeeds" "$(head -c 300 "$tmpdir/inj.$fmt")"
		continue
	fi
	bad=$(bad_bytes "$tmpdir/inj.$fmt")
	case $fmt in
	text) LC_ALL=C grep -q "$(printf '\033')" "$tmpdir/inj.$fmt" && bad="$bad ESC" ;;
	ansi) LC_ALL=C sed "s/$(printf '\033')\[[0-9;]*m//g" "$tmpdir/inj.$fmt" |
		LC_ALL=C grep -q "$(printf '\033')" && bad="$bad non-SGR ESC" ;;
	svg) LC_ALL=C grep -q "$(printf '\033')" "$tmpdir/inj.$fmt" && bad="$bad ESC" ;;
	esac
	if [ -z "$bad" ]; then
		tap_ok "injection ($fmt): trace strings come out inert"
	else
		tap_fail "injection ($fmt): trace strings come out inert" "found: $bad"
	fi
done
if command -v python3 >/dev/null 2>&1; then
	if python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$tmpdir/inj.svg" 2>"$tmpdir/xml.err"; then
		tap_ok "injection (svg): the SVG parses as XML, strings escaped"
	else
		tap_fail "injection (svg): the SVG parses as XML, strings escaped" "$(cat "$tmpdir/xml.err")"
	fi
else
	tap_skip "injection (svg): the SVG parses as XML" "no python3 for an XML parser"
fi
# A field that differs is told by colour and by a marker: the diff style's
# SGR (white on red) and the marker in the text, in colour and ASCII.
obs=$SRCDIR/tests/render/observed.jsonl
if "$VMSCOPE" render --size 80x24 --step 8 --format ansi "$obs" >"$tmpdir/diff.ansi" 2>&1 &&
   grep -q "$(printf '\033')\[0;1;37;41m\(≠\|1\)" "$tmpdir/diff.ansi" &&
   NO_COLOR=1 "$VMSCOPE" render --size 80x24 --step 8 --format ansi "$obs" >"$tmpdir/diff.mono" &&
   grep -q "$(printf '\033')\[0;1;7m≠" "$tmpdir/diff.mono" &&
   "$VMSCOPE" render --size 80x24 --step 8 --ascii "$obs" | grep -q 'PRV  \*1'; then
	tap_ok "a differing field has the diff colour and a marker (monochrome: reverse + marker)"
else
	tap_fail "a differing field has the diff colour and a marker (monochrome: reverse + marker)" \
		"$(cat -v "$tmpdir/diff.ansi" | head -n 12)"
fi
if "$VMSCOPE" render --size 80x24 --view nope "$obs" >/dev/null 2>"$tmpdir/view.err"; then
	tap_fail "--view with a bad name is an error"
else
	tap_ok "--view with a bad name is an error"
fi
if "$VMSCOPE" render --size 80x24 --key '<Nope>' "$SRCDIR/data/fork-lifecycle.jsonl" \
	>/dev/null 2>"$tmpdir/bad.err"; then
	tap_fail "a bad key script is an error"
else
	tap_ok "a bad key script is an error"
fi

# Monochrome (--no-color or NO_COLOR): attributes only, no colour codes,
# and the share modes still readable as text.
mono=$("$VMSCOPE" render --size 80x24 --step 3 --format ansi --no-color "$SRCDIR/data/fork-lifecycle.jsonl")
if printf '%s' "$mono" | grep -q "$(printf '\033')"'\[[0-9;]*3[0-9]\(;[0-9]*\)*m'; then
	tap_fail "--no-color: no colour escape codes"
else
	tap_ok "--no-color: no colour escape codes"
fi
case $mono in *COW*) tap_ok "--no-color: the share mode is written out" ;;
*) tap_fail "--no-color: the share mode is written out" ;; esac
nocol=$(NO_COLOR=1 "$VMSCOPE" render --size 80x24 --step 3 --format ansi "$SRCDIR/data/fork-lifecycle.jsonl")
tap_is "NO_COLOR gives the same screen as --no-color" "$nocol" "$mono"
col=$("$VMSCOPE" render --size 80x24 --step 3 --format ansi "$SRCDIR/data/fork-lifecycle.jsonl")
if printf '%s' "$col" | grep -q "$(printf '\033')"'\[[0-9;]*3[0-9]\(;[0-9]*\)*m'; then
	tap_ok "with colour: colour codes are used"
else
	tap_fail "with colour: colour codes are used"
fi

tap_done
