#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/man_synopsis.sh -- the man page's SYNOPSIS, made from `vmscope --help`.
#
# usage: tests/man_synopsis.sh VMSCOPE            print the roff SYNOPSIS body
#        tests/man_synopsis.sh VMSCOPE MANPAGE    rewrite MANPAGE's SYNOPSIS
#
# `vmscope --help` prints one usage line per command from the command table
# (src/cmd/main.c); this turns them into roff -- options bold, upper-case
# metavariables italic, one ".br" between commands -- so that the man page
# and --help cannot drift apart.  In MANPAGE the body lies between the lines
# '.\" BEGIN SYNOPSIS' and '.\" END SYNOPSIS'.  Only sh, sed and awk.
set -eu
: "${1:?usage: $0 VMSCOPE [MANPAGE]}"

body() {
	"$1" --help | sed -n '1,/^$/p' | sed -e 's/^usage: //' -e '/^$/d' |
	awk '
	# Continuation lines (indented, not starting with "vmscope") join the
	# line before.
	/^ *vmscope/ { if (line != "") print line; sub(/^ */, ""); line = $0; next }
	{ sub(/^ */, " "); line = line $0 }
	END { if (line != "") print line }' |
	awk '
	function roff(s,    out, m) {
		out = ""
		while (match(s, /--?[a-z][a-z-]*|[A-Z][A-Z0-9]*(x[A-Z]+)?/)) {
			m = substr(s, RSTART, RLENGTH)
			out = out substr(s, 1, RSTART - 1)
			if (substr(m, 1, 1) == "-") {
				gsub(/-/, "\\-", m)
				out = out "\\fB" m "\\fR"
			} else {
				out = out "\\fI" m "\\fR"
			}
			s = substr(s, RSTART + RLENGTH)
		}
		return out s
	}
	{
		n = split($0, w, " ")
		head = w[1]
		rest = ""
		i = 2
		if (n >= 2 && w[2] ~ /^[a-z]+$/) { head = head " " w[2]; i = 3 }
		for (; i <= n; i++) rest = rest (rest == "" ? "" : " ") w[i]
		if (NR > 1) print ".br"
		print ".B " head
		if (rest != "") print roff(rest)
	}'
}

if [ $# -eq 1 ]; then
	body "$1"
	exit 0
fi
man=$2
tmp=$(mktemp "${man}.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
	sed -n '1,/^\.\\" BEGIN SYNOPSIS$/p' "$man"
	body "$1"
	sed -n '/^\.\\" END SYNOPSIS$/,$p' "$man"
} >"$tmp"
grep -q '^\.\\" END SYNOPSIS$' "$tmp" || { echo "$0: no SYNOPSIS markers in $man" >&2; exit 1; }
mv "$tmp" "$man"
trap - EXIT
