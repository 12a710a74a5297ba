#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/man_gen.sh -- the man page's generated sections.
#
# usage: tests/man_gen.sh synopsis VMSCOPE         print the SYNOPSIS body
#        tests/man_gen.sh keys TEST_UI             print the KEYS body
#        tests/man_gen.sh update VMSCOPE TEST_UI MANPAGE
#                                                  rewrite both in MANPAGE
#
# SYNOPSIS: `vmscope --help` prints one usage line per command from the
# command table (src/cmd/main.c); this turns them into roff -- options
# bold, upper-case metavariables italic, one ".br" between commands.
# KEYS: `tests/test_ui --roff` prints the player's key table
# (src/ui/ui_keys.c) as roff.  So the man page cannot drift from --help
# or from the player's own help screen.  In MANPAGE each body lies between
# the lines '.\" BEGIN NAME' and '.\" END NAME'.  Only sh, sed and awk.
set -eu
: "${1:?usage: $0 synopsis VMSCOPE | keys TEST_UI | update VMSCOPE TEST_UI MANPAGE}"

synopsis() {
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

# replace NAME GENERATOR ARG MANPAGE: put GENERATOR's output between the
# NAME markers of MANPAGE (in place, through a temporary file).
replace() {
	tmp=$(mktemp "${4}.XXXXXX")
	trap 'rm -f "$tmp"' EXIT
	{
		sed -n "1,/^\.\\\\\" BEGIN $1\$/p" "$4"
		"$2" "$3"
		sed -n "/^\.\\\\\" END $1\$/,\$p" "$4"
	} >"$tmp"
	grep -q "^\.\\\\\" END $1\$" "$tmp" || { echo "$0: no $1 markers in $4" >&2; exit 1; }
	mv "$tmp" "$4"
	trap - EXIT
}

keys() { "$1" --roff; }

case $1 in
synopsis) synopsis "$2" ;;
keys) keys "$2" ;;
update)
	replace SYNOPSIS synopsis "$2" "$4"
	replace KEYS keys "$3" "$4" ;;
*) echo "usage: $0 synopsis VMSCOPE | keys TEST_UI | update VMSCOPE TEST_UI MANPAGE" >&2; exit 2 ;;
esac
