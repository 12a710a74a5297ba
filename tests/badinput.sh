#!/bin/sh
# SPDX-License-Identifier: MIT
# badinput.sh -- every malformed trace is refused with its exact message.
#
# For each tests/bad/NAME.jsonl, `vmscope validate NAME.jsonl` (run inside
# tests/bad, so messages carry the bare file name) must exit with status 2
# and print exactly tests/bad/NAME.expect on stderr.  Cases that would be
# big or binary files in the repository (a 10 MB line, NUL and control
# bytes, invalid UTF-8) are generated into a temporary directory instead.
# Output is TAP.  Environment: VMSCOPE (the binary), SRCDIR (source tree).

SRCDIR=${SRCDIR:-$(dirname "$0")/..}
VMSCOPE=${VMSCOPE:-$SRCDIR/vmscope}

if [ ! -x "$VMSCOPE" ]; then
	echo "1..0 # SKIP vmscope binary not found ($VMSCOPE)"
	exit 0
fi
# The cases run in other directories: make the binary's path absolute.
case $VMSCOPE in
/*) ;;
*) VMSCOPE=$(pwd)/$VMSCOPE ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/badinput.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

n=0
failed=0

# Run the case NAME found in directory DIR and print its TAP line.
check() {
	dir=$1
	name=$2
	n=$((n + 1))
	(cd "$dir" && "$VMSCOPE" validate "$name.jsonl") >/dev/null 2>"$tmp/stderr"
	status=$?
	if [ "$status" -ne 2 ]; then
		echo "not ok $n - $name: exit status $status, want 2"
		failed=$((failed + 1))
	elif ! cmp -s "$tmp/stderr" "$dir/$name.expect"; then
		echo "not ok $n - $name: wrong message"
		sed 's/^/#   got:  /' "$tmp/stderr"
		sed 's/^/#   want: /' "$dir/$name.expect"
		failed=$((failed + 1))
	else
		echo "ok $n - $name"
	fi
}

# Committed cases.
for f in "$SRCDIR"/tests/bad/*.jsonl; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .jsonl)
	check "$SRCDIR/tests/bad" "$name"
done

# Generated cases: NAME.jsonl plus NAME.expect in $tmp/gen.
gen=$tmp/gen
mkdir "$gen" || exit 1
hdr='{"vmscope": 1, "tasks": ["parent"]}'

{
	echo "$hdr"
	printf '{"op": "note", "text": "'
	dd if=/dev/zero bs=1048576 count=10 2>/dev/null | tr '\000' 'a'
	echo '"}'
} >"$gen/line-too-long.jsonl"
echo 'line-too-long.jsonl:2:1: line too long (limit 1048576 bytes)' >"$gen/line-too-long.expect"

{
	echo "$hdr"
	printf '{"op": "note", "text": "ab\000cd"}\n'
} >"$gen/nul-byte.jsonl"
echo 'nul-byte.jsonl:2:27: binary data (NUL byte)' >"$gen/nul-byte.expect"

{
	echo "$hdr"
	printf '{"op": "exit", \033[1m"task": "parent"}\n'
} >"$gen/control-byte.jsonl"
echo 'control-byte.jsonl:2:16: binary data (control byte 0x1b)' >"$gen/control-byte.expect"

{
	echo "$hdr"
	echo '{"op": "exit", "task": "parent"}'
	printf '{"op": "note", "text": "caf\351"}\n'
} >"$gen/invalid-utf8.jsonl"
echo 'invalid-utf8.jsonl:3:28: invalid UTF-8' >"$gen/invalid-utf8.expect"

# The start of a binary file (an ELF header).
printf '\177ELF\002\001\001\000\000\000' >"$gen/binary-file.jsonl"
echo 'binary-file.jsonl:1:5: binary data (control byte 0x02)' >"$gen/binary-file.expect"

for name in line-too-long nul-byte control-byte invalid-utf8 binary-file; do
	check "$gen" "$name"
done

# Bounded reads: input is never read much past its first bad line.  (The
# timeout only guards against a hang; nothing here is timed.)
# tap_bounded NAME WANT_MESSAGE CMD...: CMD exits 2 with WANT_MESSAGE.
tap_bounded() {
	bname=$1
	want=$2
	shift 2
	n=$((n + 1))
	timeout 120 "$@" >/dev/null 2>"$tmp/stderr"
	status=$?
	if [ "$status" -eq 2 ] && [ "$(cat "$tmp/stderr")" = "$want" ]; then
		echo "ok $n - $bname"
	else
		echo "not ok $n - $bname: exit $status (want 2)"
		sed 's/^/#   got:  /' "$tmp/stderr"
		echo "#   want: $want"
		failed=$((failed + 1))
	fi
}
if command -v timeout >/dev/null 2>&1; then
	tap_bounded "validate /dev/zero stops at the first NUL" \
		'/dev/zero:1:1: binary data (NUL byte)' "$VMSCOPE" validate /dev/zero
	tap_bounded "an endless line from a pipe stops at the line limit" \
		'<stdin>:1:1: line too long (limit 1048576 bytes)' \
		sh -c 'yes x | tr -d "\n" | "$0" validate -' "$VMSCOPE"
	# A 2 GB sparse file that starts with a NUL: refused at once, not read.
	if truncate -s 2G "$tmp/sparse.jsonl" 2>/dev/null; then
		tap_bounded "a 2 GB file with a NUL at byte 0 is refused at once" \
			"$tmp/sparse.jsonl:1:1: binary data (NUL byte)" "$VMSCOPE" validate "$tmp/sparse.jsonl"
	fi
fi

echo "1..$n"
[ "$failed" -eq 0 ]
