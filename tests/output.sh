#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/output.sh -- where output goes: "-" for standard input and output,
# write errors, and output files that never follow a planted symlink (TAP).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"
tmpdir_make
V=$VMSCOPE
D=$SRCDIR/data
CAP=$SRCDIR/tests/import/python-parent.smaps
cd "$tmpdir" || exit 1

# run CMD...: sets $rc, $out (stdout) and $err (stderr).
run() {
	"$@" >out 2>err
	rc=$?
	out=$(cat out)
	err=$(cat err)
}

# ---- standard input and output ------------------------------------------
run sh -c 'cat "$1" | "$0" dump --step 3 -' "$V" "$D/fork-lifecycle.jsonl"
case $out in *"step 3/6: fork parent -> child"*) tap_ok "producer | vmscope dump -" ;;
*) tap_fail "producer | vmscope dump -" "$out" "$err" ;; esac

run "$V" import smaps "$CAP" -o -
tap_is "import -o -: exit 0" "$rc" 0
printf '%s\n' "$out" | "$V" validate - >/dev/null 2>&1
tap_is "import -o -: standard output holds a trace that loads" $? 0
[ ! -e ./- ]
tap_is "import -o -: no file named '-'" $? 0
run sh -c '"$0" import smaps - -o t.jsonl < "$1"' "$V" "$CAP"
tap_is "import smaps -: a capture from standard input" "$rc" 0
tap_check "import smaps -: the trace loads" "$V" validate t.jsonl

# ---- write errors: exit 1 with a message, never 0 or 2 --------------------
if [ -w /dev/full ]; then
	for cmd in "list" "dump fork-lifecycle" "dump --json fork-lifecycle" \
		"validate fork-lifecycle" "check $SRCDIR/tests/render/observed.jsonl" \
		"render --size 80x24 fork-lifecycle" "render --size 80x24 --format ansi fork-lifecycle" \
		"render --size 80x24 --format svg fork-lifecycle" "--help" "--version" "dump --help"; do
		# shellcheck disable=SC2086
		"$V" $cmd >/dev/full 2>err
		rc=$?
		if [ "$rc" -eq 1 ] && grep -q "cannot write" err; then
			tap_ok "vmscope $cmd > /dev/full: exit 1 with a message"
		else
			tap_fail "vmscope $cmd > /dev/full: exit 1 with a message" "exit $rc" "$(cat err)"
		fi
	done
	run "$V" import smaps "$CAP" -o /dev/full
	tap_is "import -o /dev/full: exit 1" "$rc" 1
	case $err in *"/dev/full"*"No space left"*) tap_ok "import -o /dev/full: says why" ;;
	*) tap_fail "import -o /dev/full: says why" "$err" ;; esac
	[ -c /dev/full ]
	tap_is "import -o /dev/full: the device is written, not replaced" $? 0
	if [ -r /proc/self/pagemap ]; then
		run "$V" record fork-lifecycle -o /dev/full
		tap_is "record on a full disk: exit 1" "$rc" 1
		case $err in *"/dev/full: write: No space left"*) tap_ok "record on a full disk: says why" ;;
		*) tap_fail "record on a full disk: says why" "$err" ;; esac
	else
		tap_skip "record on a full disk" "no /proc/self/pagemap"
	fi
else
	tap_skip "write errors" "no writable /dev/full"
fi

# ---- output files and symlinks --------------------------------------------
echo precious >victim
ln -s victim o.jsonl.tmp
ln -s victim .o.jsonl.tmp
run "$V" import smaps "$CAP" -o o.jsonl
tap_is "a symlink planted at the old temporary name: import succeeds" "$rc" 0
tap_is "a symlink planted at the old temporary name: its target is untouched" \
	"$(cat victim)" precious
[ -f o.jsonl ] && [ ! -L o.jsonl ]
tap_is "the output is a regular file, not a symlink" $? 0
if ls .o.jsonl.?????? >/dev/null 2>&1; then
	tap_fail "no temporary file is left" "$(ls -a)"
else
	tap_ok "no temporary file is left"
fi

ln -s victim link.jsonl
run "$V" import smaps "$CAP" -o link.jsonl
tap_is "-o naming a symlink: its target is untouched" "$(cat victim)" precious
[ -f link.jsonl ] && [ ! -L link.jsonl ]
tap_is "-o naming a symlink: the link is replaced by the trace" $? 0

if command -v mkfifo >/dev/null 2>&1 && mkfifo fifo; then
	cat fifo >from-fifo &
	reader=$!
	run "$V" import smaps "$CAP" -o fifo
	wait $reader
	tap_is "-o a FIFO: exit 0" "$rc" 0
	[ -p fifo ]
	tap_is "-o a FIFO: written in place, still a FIFO" $? 0
	tap_check "-o a FIFO: what came through loads" "$V" validate from-fifo
else
	tap_skip "-o a FIFO" "mkfifo failed"
fi
run "$V" import smaps "$CAP" -o /dev/null
tap_is "-o /dev/null: exit 0" "$rc" 0
[ -c /dev/null ]
tap_is "-o /dev/null: still a device" $? 0

mkdir ro && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
	run "$V" import smaps "$CAP" -o ro/t.jsonl
	tap_is "-o in a read-only directory: exit 1" "$rc" 1
else
	tap_skip "-o in a read-only directory" "root writes anywhere"
fi

# A long load shows a progress meter on a terminal, and nothing when
# standard error is not one.  (script(1) gives the command a terminal;
# VMSCOPE_PROGRESS_DELAY=0 shows the meter at once instead of after 0.25 s.)
awk 'BEGIN {
	print "{\"vmscope\": 1, \"profile\": \"xnu-x86_64\", \"tasks\": [\"p\"]}"
	print "{\"op\": \"allocate\", \"task\": \"p\", \"size\": \"64p\", \"as\": \"b\"}"
	for (i = 0; i < 140000; i++)
		printf "{\"op\": \"write\", \"task\": \"p\", \"region\": \"b\", \"offset\": \"%dp\", \"size\": \"1p\"}\n", i % 64
}' >long.jsonl
VMSCOPE_PROGRESS_DELAY=0 "$V" validate long.jsonl >/dev/null 2>piped.err
tap_is "progress: nothing on a standard error that is not a terminal" "$(cat piped.err)" ""
if command -v script >/dev/null 2>&1 && script -q -c true /dev/null >/dev/null 2>&1; then
	VMSCOPE_PROGRESS_DELAY=0 script -q -c "'$V' validate long.jsonl" /dev/null >tty.out 2>&1
	if grep -q 'vmscope: loading: *[0-9]*% ([0-9]* of [0-9]* MB)' tty.out &&
		grep -q 'vmscope: replaying: *[0-9]*% ([0-9]* of 140001)' tty.out; then
		tap_ok "progress: loading and replaying meters on a terminal"
	else
		tap_fail "progress: loading and replaying meters on a terminal" "$(cat -v tty.out | head -c 400)"
	fi
	case $(tail -c 200 tty.out | tr '\r' '\n' | tail -n 2) in
	*"long.jsonl: 140001 events, 0 failed steps"*) tap_ok "progress: the meter is erased before the result" ;;
	*) tap_fail "progress: the meter is erased before the result" "$(tail -c 200 tty.out | cat -v)" ;;
	esac
else
	tap_skip "progress on a terminal" "script(1) is not available"
fi

# An import shows its meter too (bytes of the captures parsed).
awk 'BEGIN {
	for (i = 0; i < 2000; i++) {
		printf "%x-%x rw-p 00000000 00:00 0 \n", 268435456 + i * 8192, 268439552 + i * 8192
		print "Size:                  4 kB"
		print "Rss:                   4 kB"
		print "Private_Dirty:         4 kB"
		print "VmFlags: rd wr mr mw me ac "
	}
}' >cap.smaps
VMSCOPE_PROGRESS_DELAY=0 "$V" import smaps cap.smaps -o cap.jsonl >/dev/null 2>piped.err
tap_is "progress: an import prints nothing on a standard error that is not a terminal" \
	"$(cat piped.err)" ""
if command -v script >/dev/null 2>&1 && script -q -c true /dev/null >/dev/null 2>&1; then
	VMSCOPE_PROGRESS_DELAY=0 script -q -c "'$V' import smaps cap.smaps -o cap2.jsonl" /dev/null \
		>tty.out 2>&1
	if grep -q 'vmscope: importing: *[0-9]*% ([0-9]* of [0-9]* MB)' tty.out && [ -s cap2.jsonl ]; then
		tap_ok "progress: an import's meter on a terminal"
	else
		tap_fail "progress: an import's meter on a terminal" "$(cat -v tty.out | head -c 400)"
	fi
else
	tap_skip "progress: an import's meter on a terminal" "script(1) is not available"
fi

tap_done
