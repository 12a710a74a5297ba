#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/objects.sh -- the objects view (key O) names every object of a step
# by the id dump --json gives it, with the ref_count vm_region reports.
#
# For each region of each task in `dump --json --step N`, the objects view
# at 160x48 (scrolled a page at a time) must list "#OBJECT" with
# "ref REF_COUNT".  dump computes the report (vm_region.c); the view counts
# holders (vm_holders.c): two code paths that must agree.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
V=${VMSCOPE:-./vmscope}
D=$SRCDIR/data

# "OBJECT REF DEPTH" per region with an object, from dump --json.
pairs() {
	"$V" dump --json --step "$2" "$D/$1.jsonl" | tr '{' '\n' |
		sed -n 's/.*"ref_count":\([0-9]*\),.*"shadow_depth":\([0-9]*\),"object":\([0-9]*\),.*/\3 \1 \2/p' |
		grep -v '^0 ' | sort -u
}

view() {
	for k in O 'O<PgDn>' 'O<PgDn><PgDn>' 'O<PgDn><PgDn><PgDn>'; do
		"$V" render --size 160x48 --step "$2" --key "$k" "$D/$1.jsonl"
	done
}

for case in fork-lifecycle:3 fork-lifecycle:4 fork-lifecycle:6 mach-shared-memory:12 \
	mach-shared-memory:16 ool-plain:20 ool-purgeable:20 ali-vs-shm:8; do
	s=${case%%:*} k=${case##*:}
	p=$(pairs "$s" "$k")
	v=$(view "$s" "$k")
	if [ -z "$p" ]; then
		tap_fail "$s step $k: dump --json gives objects"
		continue
	fi
	# Unshadowed: the region reports its object's count.  Shadowed: the
	# chain line shows how the reported count adds up.
	missing=$(printf '%s\n' "$p" | while read -r obj ref depth; do
		if [ "$depth" = 0 ]; then
			printf '%s\n' "$v" | grep -q "│ #$obj  [a-z]* [0-9.]*[KMG]  ref $ref\\b" ||
				echo "#$obj ref $ref"
		else
			printf '%s\n' "$v" | grep -q "→ #$obj\( (needs_copy)\)\? → .*ref_count $ref = " ||
				echo "#$obj (depth $depth) ref_count $ref = ..."
		fi
	done)
	if [ -z "$missing" ]; then
		tap_ok "$s step $k: every object of dump --json is in the view with its ref_count"
	else
		tap_fail "$s step $k: every object of dump --json is in the view with its ref_count" \
			"missing: $missing"
	fi
done
tap_done
