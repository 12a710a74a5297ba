#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/lazy.sh -- play and render a trace before it is all loaded (TAP).
#
# VMSCOPE_LAZY_BYTES=0 makes every trace file load a little at a time, as
# files of 8 MiB and more do.  render --step N then reads the first N
# events only: its title says "step N/N+ | loading P%" (how much of the
# file that is; a bar from 100 columns; "vmscope" never overwritten at 80
# columns, however long the step count), a step past the end
# is refused as before, a bad line before step N fails with FILE:LINE:COL
# and exit 2, one after it is never read.  In a real terminal (tmux), the
# player loads the rest between keys: the title ends with the exact count
# and the task forked at the end; a bad line stops the load, the title says
# "load failed", and q exits 2 with the FILE:LINE:COL message.

set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR}"
: "${VMSCOPE:=$BUILDDIR/vmscope}"
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

tmpdir_make
VMSCOPE_LAZY_BYTES=0
export VMSCOPE_LAZY_BYTES

# A trace of 2 tasks, 40 writes, a fork of task "c" and its write; with
# BAD=before a bad line at line 5, with BAD=after one at the end.
mk() {
	{
		printf '{"vmscope":1,"profile":"linux","tasks":["a","b"]}\n'
		printf '{"op":"allocate","task":"a","size":"4p","as":"buf"}\n'
		i=0
		while [ $i -lt 40 ]; do
			if [ "$2" = before ] && [ $i -eq 2 ]; then
				printf '{"op":"write","task":"a","region":"buf","size":"-1p"}\n'
			fi
			printf '{"op":"write","task":"a","region":"buf","size":"1p"}\n'
			i=$((i + 1))
		done
		printf '{"op":"fork","task":"a","child":"c"}\n'
		printf '{"op":"write","task":"c","region":"buf","size":"1p"}\n'
		if [ "$2" = after ]; then
			printf '{"op":"write","task":"c","region":"buf","size":"-1p"}\n'
		fi
	} >"$1"
}
mk "$tmpdir/good.jsonl" none
mk "$tmpdir/before.jsonl" before
mk "$tmpdir/after.jsonl" after

out=$("$VMSCOPE" render --ascii --size 100x30 --step 3 "$tmpdir/good.jsonl" 2>&1)
rc=$?
first=$(printf '%s\n' "$out" | head -n 1)
case "$rc:$first" in
0:*"step 3/3+ | loading "[1-9]*"% "[#-]*" | "*) tap_ok "render --step 3 reads 3 events: step 3/3+, loading P% and a bar" ;;
*) tap_fail "render --step 3 reads 3 events: step 3/3+, loading P% and a bar" "exit $rc" "$first" ;;
esac
first=$("$VMSCOPE" render --ascii --size 80x24 --step 3 "$tmpdir/good.jsonl" 2>&1 | head -n 1)
case $first in
" vmscope "*"step 3/3+ | loading "[1-9]*"% | "*) tap_ok "at 80 columns: loading P%, no bar" ;;
*) tap_fail "at 80 columns: loading P%, no bar" "$first" ;;
esac
awk 'BEGIN {
	print "{\"vmscope\":1,\"profile\":\"gnumach-2022\",\"tasks\":[\"p\"]}"
	print "{\"op\":\"allocate\",\"task\":\"p\",\"size\":\"1p\",\"as\":\"a\"}"
	for (i = 0; i < 100100; i++)
		print "{\"op\":\"observe\",\"task\":\"p\",\"regions\":[{\"start\":\"0x10000\",\"end\":\"0x11000\"}]}"
}' >"$tmpdir/obs.jsonl"
first=$("$VMSCOPE" render --ascii --size 80x24 --step 100000 "$tmpdir/obs.jsonl" 2>&1 | head -n 1)
case $first in
" vmscope "*"step 100000/100000+ | both | loading"*) tap_ok "a long title keeps vmscope and the step at 80 columns" ;;
*) tap_fail "a long title keeps vmscope and the step at 80 columns" "$first" ;;
esac
out=$(VMSCOPE_LAZY_BYTES= "$VMSCOPE" render --size 100x30 --step 3 "$tmpdir/good.jsonl" 2>&1)
first=$(printf '%s\n' "$out" | head -n 1)
case "$first" in
*"step 3/43 |"*) tap_ok "a small file still loads whole: step 3/43" ;;
*) tap_fail "a small file still loads whole: step 3/43" "$first" ;;
esac
out=$("$VMSCOPE" render --size 100x30 "$tmpdir/good.jsonl" 2>&1)
first=$(printf '%s\n' "$out" | head -n 1)
case "$first" in
*"step 43/43 |"*) tap_ok "render without --step reads it all: step 43/43" ;;
*) tap_fail "render without --step reads it all: step 43/43" "$first" ;;
esac
out=$("$VMSCOPE" render --size 100x30 --step 99 "$tmpdir/good.jsonl" 2>&1)
rc=$?
case "$rc:$out" in
2:*"step 99 is out of range (0..43)"*) tap_ok "a step past the end is refused, exit 2" ;;
*) tap_fail "a step past the end is refused, exit 2" "exit $rc" "$out" ;;
esac
out=$("$VMSCOPE" render --size 100x30 --step 10 "$tmpdir/before.jsonl" 2>&1)
rc=$?
case "$rc:$out" in
2:"$tmpdir/before.jsonl:5:"*) tap_ok "a bad line before the step: FILE:LINE:COL, exit 2" ;;
*) tap_fail "a bad line before the step: FILE:LINE:COL, exit 2" "exit $rc" "$out" ;;
esac
out=$("$VMSCOPE" render --size 100x30 --step 10 "$tmpdir/after.jsonl" 2>&1)
rc=$?
case "$rc:$out" in
0:*"step 10/10+"*) tap_ok "a bad line after the step is never read: exit 0" ;;
*) tap_fail "a bad line after the step is never read: exit 0" "exit $rc" "$out" ;;
esac

if [ -z "${TMUX_BIN:-}" ] || ! command -v "$TMUX_BIN" >/dev/null 2>&1; then
	tap_skip "the player loads the rest between keys" "no tmux"
	tap_skip "a bad line stops the player's load; q exits 2" "no tmux"
	tap_done
fi

sock=vmscope-lazy-$$
tmx() { "$TMUX_BIN" -L "$sock" -f /dev/null "$@"; }
trap 'tmx kill-server >/dev/null 2>&1; tap__cleanup' EXIT
trap 'tmx kill-server >/dev/null 2>&1; tap__cleanup; exit 130' INT TERM
cat >"$tmpdir/run.sh" <<EOS
VMSCOPE_LAZY_BYTES=0 LC_ALL=C.UTF-8 "\$1" --no-animate --step 2 "\$2" 2>"\$3"
echo "EXIT=\$?"
exec cat
EOS
tmx new-session -d -s g -x 100 -y 30 "sh '$tmpdir/run.sh' '$VMSCOPE' '$tmpdir/good.jsonl' '$tmpdir/g.err'"
tmux_expect "the player loads the rest: step 2/43" g 'step 2/43 \|'
tmx send-keys -t g G
tmux_expect "G goes to the last step, the forked task's pane" g 'c +1 region'
tmx send-keys -t g q
tmux_expect "q exits 0" g 'EXIT=0'

tmx new-session -d -s b -x 100 -y 30 "sh '$tmpdir/run.sh' '$VMSCOPE' '$tmpdir/after.jsonl' '$tmpdir/b.err'"
tmux_expect "a bad line stops the load: the title says so" b 'step 2/43 \| load failed'
tmux_expect "the message names the line" b 'load stopped: .*after.jsonl:45:'
tmx send-keys -t b q
tmux_expect "q exits 2" b 'EXIT=2'
err=$(cat "$tmpdir/b.err")
case "$err" in
*"after.jsonl:45:"*) tap_ok "standard error has FILE:LINE:COL" ;;
*) tap_fail "standard error has FILE:LINE:COL" "$err" ;;
esac
tap_done
