#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/golden.sh -- golden `vmscope dump` output for every scenario.
#
# Each case is "NAME|ARGS|FILE": run `vmscope dump ARGS data/NAME.jsonl` and
# compare with tests/golden/FILE.  Goldens are reviewed by hand against
# docs/model.md before they are committed; regenerate them with
#   VMSCOPE=./vmscope SRCDIR=. sh tests/golden.sh --update
# and read the diff.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"

update=no
[ "${1:-}" = "--update" ] && update=yes

cases='
fork-lifecycle|--json --all|fork-lifecycle.jsonl
fork-lifecycle|--all|fork-lifecycle.txt
fork-lifecycle|--json --all --profile linux|fork-lifecycle.linux.jsonl
ool-purgeable|--json --all|ool-purgeable.jsonl
ool-purgeable||ool-purgeable.txt
ool-plain|--json --all|ool-plain.jsonl
ool-plain||ool-plain.txt
mach-shared-memory|--json --all|mach-shared-memory.jsonl
mach-shared-memory|--all|mach-shared-memory.txt
ali-vs-shm|--json --all|ali-vs-shm.jsonl
ali-vs-shm|--all|ali-vs-shm.txt
gnumach-coalescing|--json --all|gnumach-coalescing.gnumach-2022.jsonl
gnumach-coalescing|--json --all --profile gnumach|gnumach-coalescing.gnumach.jsonl
gnumach-coalescing||gnumach-coalescing.gnumach-2022.txt
gnumach-coalescing|--profile gnumach|gnumach-coalescing.gnumach.txt
redis-bgsave|--json --all|redis-bgsave.jsonl
redis-bgsave|--all|redis-bgsave.txt
redis-bgsave|--all --profile xnu-arm64|redis-bgsave.xnu-arm64.txt
fork-lifecycle|--changes|fork-lifecycle.changes.txt
fork-lifecycle|--changes --format csv|fork-lifecycle.changes.csv
mach-shared-memory|--changes --json|mach-shared-memory.changes.jsonl
ool-plain|--all --format csv|ool-plain.csv
'

tmpdir_make
echo "$cases" | while IFS='|' read -r name args file; do
	[ -n "$name" ] || continue
	out="$tmpdir/$file"
	# shellcheck disable=SC2086  # ARGS is a word list
	if ! (cd "$SRCDIR" && "$VMSCOPE" dump $args "data/$name.jsonl") >"$out" 2>"$out.err"; then
		tap_fail "dump $args $name" "$(cat "$out.err")"
		continue
	fi
	if [ "$update" = yes ]; then
		cp "$out" "$SRCDIR/tests/golden/$file"
		tap_ok "updated $file"
	elif diff -u "$SRCDIR/tests/golden/$file" "$out" >"$out.diff"; then
		tap_ok "dump $args $name matches $file"
	else
		tap_fail "dump $args $name matches $file" "$(head -n 40 "$out.diff")"
	fi
done > "$tmpdir/tap"
# The loop ran in a subshell: replay its TAP lines through our counter.
while IFS= read -r line; do
	case $line in
	"ok "*) tap_ok "${line#ok * - }" ;;
	"not ok "*) tap_fail "${line#not ok * - }" ;;
	*) printf '%s\n' "$line" ;;
	esac
done < "$tmpdir/tap"
tap_done
