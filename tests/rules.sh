#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/rules.sh -- one trace per kernel rule (tests/rules/NAME.jsonl), its
# expected values written by hand from the kernel function that decides
# the rule (docs/rules.md) in NAME.answers.jsonl: `vmscope grade` must give
# the model full marks (TAP).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"

for t in "$SRCDIR"/tests/rules/*.jsonl; do
	case $t in *.answers.jsonl) continue ;; esac
	name=$(basename "$t" .jsonl)
	out=$("$VMSCOPE" grade "$t" "$SRCDIR/tests/rules/$name.answers.jsonl" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		tap_ok "rule $name: the model gives the hand-derived values ($(printf '%s\n' "$out" | tail -n 1))"
	else
		tap_fail "rule $name: the model gives the hand-derived values" \
			"$(printf '%s\n' "$out" | grep -v ': right')"
	fi
done
tap_done
