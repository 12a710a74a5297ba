#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/summary.sh -- count automake test results (the .trs files).
#
# usage: tests/summary.sh [--failures] DIR...
#
# Every *.trs file under each DIR (automake's parallel harness writes one per
# test script, next to its .log) holds one ":test-result: RESULT" line per
# TAP test case.  PASS and XFAIL count as passed; FAIL, XPASS and ERROR as
# failed; SKIP as skipped.  The last line printed is always
#
#     N passed, M failed[, K skipped]
#
# With more than one DIR, a "DIR: ..." subtotal line is printed per DIR first.
# --failures also prints, for every test script with a failed case, its name,
# the failing result lines and the tail of its .log.
#
# Exit status: 0 if nothing failed and at least one result was found,
# 1 otherwise, 2 on a usage error.

set -u

failures=no
case ${1:-} in
--failures) failures=yes; shift ;;
-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac
if [ $# -eq 0 ]; then
	echo "usage: $0 [--failures] DIR..." >&2
	exit 2
fi

tail_lines=${SUMMARY_TAIL_LINES:-25}
ndirs=$#
total_p=0 total_f=0 total_s=0

for dir in "$@"; do
	if [ ! -d "$dir" ]; then
		echo "summary.sh: $dir: no such directory (no test results)" >&2
		counts="0 0 0"
	else
		# Newline-separated list: names with spaces are fine.
		list=$(find "$dir" -type f -name '*.trs' | LC_ALL=C sort)
		if [ -z "$list" ]; then
			echo "summary.sh: $dir: no .trs files (did the tests run?)" >&2
			counts="0 0 0"
		else
			counts=$(printf '%s\n' "$list" | while IFS= read -r trs; do
				cat "$trs"
			done | awk '
				$1 == ":test-result:" {
					if ($2 == "PASS" || $2 == "XFAIL") p++
					else if ($2 == "SKIP") s++
					else f++   # FAIL, XPASS, ERROR (and anything unknown)
				}
				END { printf "%d %d %d\n", p, f, s }')
			if [ "$failures" = yes ]; then
				printf '%s\n' "$list" | while IFS= read -r trs; do
					grep -Eq '^:test-result: +(FAIL|XPASS|ERROR)' "$trs" || continue
					log=${trs%.trs}.log
					echo "---- FAILED: ${trs%.trs}"
					if [ -f "$log" ]; then
						grep -E '^(FAIL|XPASS|ERROR):' "$log" || :
						echo "---- last $tail_lines lines of $log:"
						tail -n "$tail_lines" "$log"
					else
						echo "(no log file $log)"
					fi
					echo "----"
				done
			fi
		fi
	fi
	read -r p f s <<EOT
$counts
EOT
	if [ "$ndirs" -gt 1 ]; then
		line="$dir: $p passed, $f failed"
		[ "$s" -eq 0 ] || line="$line, $s skipped"
		echo "$line"
	fi
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	total_s=$((total_s + s))
done

line="$total_p passed, $total_f failed"
[ "$total_s" -eq 0 ] || line="$line, $total_s skipped"
echo "$line"

[ "$total_f" -eq 0 ] && [ $((total_p + total_s)) -gt 0 ]
