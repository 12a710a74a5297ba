#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/export.sh -- what leaves vmscope for other programs (TAP):
# `render --format asciicast` is an asciicast v2 recording (a header with
# the size, one frame per key at increasing times, each frame the screen);
# `handout` writes a page and an SVG per step, every SVG renders with
# rsvg-convert, the page parses as XML and carries the narration, and
# strings from the trace come out escaped.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"
tmpdir_make
V=$VMSCOPE
cd "$tmpdir" || exit 1

"$V" render --size 100x30 --step 1 --key '..' --format asciicast fork-lifecycle >cast.json 2>err
tap_is "asciicast: exit 0" $? 0
if command -v python3 >/dev/null 2>&1; then
	python3 - cast.json <<'EOPY' >py.out 2>&1
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = json.loads(lines[0])
assert head["version"] == 2, head
assert (head["width"], head["height"]) == (100, 30), head
events = [json.loads(l) for l in lines[1:]]
assert len(events) == 3, len(events)          # the first screen + one per key
times = [e[0] for e in events]
assert times == sorted(times) and len(set(times)) == 3, times
assert all(e[1] == "o" and isinstance(e[2], str) for e in events)
text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", events[-1][2])
assert "step 3/6" in text, text[:300]
assert "\r\n" in events[0][2]
print("ok")
EOPY
	tap_is "asciicast: v2 header, 3 frames, increasing times, the last at step 3" "$(cat py.out)" ok
else
	tap_skip "asciicast: parsed" "no python3"
fi

"$V" handout fork-lifecycle -o out >/dev/null 2>err
tap_is "handout: exit 0" $? 0
n=$(ls out/step-*.svg 2>/dev/null | wc -l | tr -d ' ')
tap_is "handout: an SVG for every step (0..6)" "$n" 7
grep -q 'vm_map_fork, inherit copy: vm_object_copy_quickly' out/index.html
tap_is "handout: the narration is in the page" $? 0
if grep -qi '<script' out/index.html; then tap_fail "handout: no JavaScript"; else tap_ok "handout: no JavaScript"; fi
if command -v rsvg-convert >/dev/null 2>&1; then
	bad=""
	for f in out/step-*.svg; do
		rsvg-convert "$f" -o x.png 2>/dev/null && [ -s x.png ] || bad="$bad $f"
	done
	tap_is "handout: rsvg-convert renders every SVG" "$bad" ""
else
	tap_skip "handout: rsvg-convert renders every SVG" "rsvg-convert is not installed (librsvg2-bin)"
fi
# Hostile strings: escaped in the page and the SVGs.
printf '%s\n' '{"vmscope": 1, "title": "<script>alert(1)</script> & \u001b[2J", "tasks": ["p<&>"]}' \
	'{"op": "allocate", "task": "p<&>", "size": "1p", "as": "b\"<i>", "note": "</p><script>x</script>\u009b1m"}' >evil.jsonl
"$V" handout evil.jsonl -o evil >/dev/null 2>&1
if grep -qi '<script' evil/index.html evil/*.svg; then
	tap_fail "handout: trace strings are escaped" "$(grep -i '<script' evil/index.html | head -3)"
else
	tap_ok "handout: trace strings are escaped"
fi
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import sys, xml.dom.minidom
for f in sys.argv[1:]: xml.dom.minidom.parse(f)' evil/index.html evil/step-1.svg out/index.html 2>xml.err
	tap_is "handout: the page and the SVGs parse as XML" "$(cat xml.err)" ""
else
	tap_skip "handout: the page parses as XML" "no python3"
fi
"$V" handout fork-lifecycle >/dev/null 2>err
tap_is "handout without -o: exit 2" $? 2
tap_done
