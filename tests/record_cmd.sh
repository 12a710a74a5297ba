#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/record_cmd.sh -- `vmscope record -o TRACE -- COMMAND` on small C
# programs built here (tests/record_cmd/*.c) (TAP).
#
# forkwrite: mmap, write, fork, the child writes, munmap, exit 3 -- the
#   trace has allocate, fork naming the child, the child's write,
#   deallocate, observe and exit; the exit status is 3; check --profile
#   linux agrees at every observation (needs soft-dirty bits or root to
#   see every write: skipped with the reason otherwise); writes are told
#   by frame against the zero page only where a read maps the zero page.
# crash: a write through a null pointer -- exit 139, a valid trace that
#   ends with the exit.
# execer: fork, and the child execs forkwrite -- an exec event.
# threads: a second thread maps and writes -- one task, its writes.
# sleeper: SIGINT to the recorder mid-run -- exit 130, a valid trace
#   that says it was interrupted, and the program is gone.
# When the program cannot be traced (here: vmscope itself runs under
# strace -f, so the child has a tracer already) record says why, exits 1
# and leaves no trace; skipped without strace.
# No program may be left running after any of them.  Linux only; skipped
# when ptrace is not permitted here (a container without CAP_SYS_PTRACE).

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${VMSCOPE:?VMSCOPE must name the vmscope binary}"
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

[ "$(uname -s)" = Linux ] || tap_skip_all "recording a program needs Linux"
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || tap_skip_all "no C compiler ($CC)"
tmpdir_make
for p in forkwrite crash execer sleeper; do
	"$CC" -O1 -o "$tmpdir/$p" "$SRCDIR/tests/record_cmd/$p.c" 2>"$tmpdir/cc.err" ||
		tap_skip_all "cannot build $p: $(head -n 3 "$tmpdir/cc.err")"
done
"$CC" -O1 -pthread -o "$tmpdir/threads" "$SRCDIR/tests/record_cmd/threads.c" 2>"$tmpdir/cc.err" ||
	tap_skip_all "cannot build threads: $(head -n 3 "$tmpdir/cc.err")"
if ! "$VMSCOPE" record -o "$tmpdir/probe.jsonl" -- /bin/true 2>"$tmpdir/probe.err"; then
	case $(cat "$tmpdir/probe.err") in
	*"ptrace is not permitted"*) tap_skip_all "$(cat "$tmpdir/probe.err")" ;;
	esac
fi
V=$VMSCOPE
cd "$tmpdir" || exit 1

# has OP [KEY VALUE]: does t.jsonl have an event OP (with "KEY": "VALUE")?
has() {
	if [ $# -ge 3 ]; then
		grep -q "\"op\": \"$1\".*\"$2\": \"$3\"" "$trace"
	else
		grep -q "\"op\": \"$1\"" "$trace"
	fi
}

# left NAME: the processes named NAME still running ("" when none).
left() {
	pgrep -x "$1" 2>/dev/null | tr '\n' ' '
}

# ---- forkwrite -----------------------------------------------------------
trace=fw.jsonl
"$V" record -o "$trace" -- ./forkwrite 2>fw.err
tap_is "forkwrite: the program's exit status (3) is record's" "$?" 3
tap_check "forkwrite: the trace is valid" "$V" validate "$trace"
has allocate x_syscall mmap && tap_ok "forkwrite: its mmap is an allocate" ||
	tap_fail "forkwrite: its mmap is an allocate" "$(head -n 5 "$trace")"
has fork child forkwrite-2 && tap_ok "forkwrite: the fork names the child task" ||
	tap_fail "forkwrite: the fork names the child task" "$(grep fork "$trace")"
has write task forkwrite-2 && tap_ok "forkwrite: the child's write is the child's" ||
	tap_fail "forkwrite: the child's write is the child's" "$(grep write "$trace" | tail -n 5)"
has deallocate && tap_ok "forkwrite: munmap is a deallocate" || tap_fail "forkwrite: munmap is a deallocate"
tap_is "forkwrite: an observe after the fork (parent, child) and before each exit" \
	"$(grep -c '"op": "observe"' "$trace")" 4
tap_is "forkwrite: both processes exit" "$(grep -c '"op": "exit"' "$trace")" 2
tap_is "forkwrite: nothing left running" "$(left forkwrite)" ""
if grep -q 'soft-dirty bits' "$trace" || [ "$(id -u)" = 0 ]; then
	out=$("$V" check --profile linux "$trace" 2>&1)
	tap_is "forkwrite: check --profile linux agrees with every observation" "$?" 0
	case $out in *" 0 differences"*) tap_ok "forkwrite: check says 0 differences" ;;
	*) tap_fail "forkwrite: check says 0 differences" "$out" ;; esac
else
	tap_skip "forkwrite: check --profile linux" "no soft-dirty bits and not root: a write of an unchanged value can be missed"
	tap_skip "forkwrite: check says 0 differences" "as above"
fi
# Writes are told by frame against the zero page only where a read maps it
# (the header's zero_page_on_read): elsewhere the probe's own page, once
# freed, may become the program's, and its write would be missed.
if grep -q '"zero_page_on_read": false' "$trace" &&
	grep -q 'a read maps the zero page here' "$trace"; then
	tap_fail "forkwrite: writes told by frame only where a read maps the zero page" \
		"$(head -n 1 "$trace")"
else
	tap_ok "forkwrite: writes told by frame only where a read maps the zero page"
fi

# ---- crash ------------------------------------------------------------------
trace=crash.jsonl
"$V" record -o "$trace" -- ./crash 2>crash.err
tap_is "crash: SIGSEGV gives 128 + 11" "$?" 139
tap_check "crash: the trace is valid" "$V" validate "$trace"
tap_is "crash: it ends with the exit" "$(tail -n 1 "$trace" | grep -c '"op": "exit"')" 1
tap_is "crash: nothing left running" "$(left crash)" ""

# ---- exec -------------------------------------------------------------------
trace=exec.jsonl
"$V" record -o "$trace" -- ./execer "$tmpdir/forkwrite" 2>exec.err
tap_is "execer: exit 0" "$?" 0
tap_check "execer: the trace is valid" "$V" validate "$trace"
has exec task execer-2 && tap_ok "execer: the child's exec is an exec event" ||
	tap_fail "execer: the child's exec is an exec event" "$(grep -n '"op": "\(fork\|exec\)"' "$trace")"
grep -q '"op": "exec", "task": "execer-2", "note": "execer-2 runs [^"]*/forkwrite"' "$trace" &&
	tap_ok "execer: the exec says which program runs now" ||
	tap_fail "execer: the exec says which program runs now" "$(grep '"op": "exec"' "$trace")"
has fork child execer-3 && tap_ok "execer: the exec'ed program's own fork is recorded too" ||
	tap_fail "execer: the exec'ed program's own fork is recorded too" "$(grep fork "$trace")"
tap_is "execer: nothing left running" "$(left execer)$(left forkwrite)" ""

# ---- threads ----------------------------------------------------------------
trace=thr.jsonl
"$V" record -o "$trace" -- ./threads 2>thr.err
tap_is "threads: exit 0" "$?" 0
tap_check "threads: the trace is valid" "$V" validate "$trace"
tap_is "threads: a thread is not a task (no fork event)" "$(grep -c '"op": "fork"' "$trace")" 0
tap_is "threads: one exit" "$(grep -c '"op": "exit"' "$trace")" 1
has write task threads && tap_ok "threads: the thread's writes are the process's" ||
	tap_fail "threads: the thread's writes are the process's" "$(grep write "$trace")"

# ---- SIGINT -----------------------------------------------------------------
trace=int.jsonl
rm -f pid
"$V" record -o "$trace" -- ./sleeper "$tmpdir/pid" 2>int.err &
rec=$!
i=0
while [ ! -s pid ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT "$rec"
wait "$rec"
tap_is "SIGINT: record exits 130" "$?" 130
tap_check "SIGINT: the partial trace is valid" "$V" validate "$trace"
tap_is "SIGINT: the trace says it was interrupted" "$(grep -c 'interrupted by signal 2' "$trace")" 1
if [ -s pid ] && kill -0 "$(cat pid)" 2>/dev/null; then
	tap_fail "SIGINT: the program is gone" "pid $(cat pid) still runs"
	kill -9 "$(cat pid)"
else
	tap_ok "SIGINT: the program is gone"
fi
# ---- ptrace refused --------------------------------------------------------
if command -v strace >/dev/null 2>&1; then
	rm -f refused.jsonl
	out=$(strace -f -o /dev/null "$V" record -o refused.jsonl -- ./forkwrite 2>&1)
	rc=$?
	tap_is "ptrace refused: exit 1" "$rc" 1
	case $out in *"traced already"*"run vmscope record on its own"*) tap_ok "ptrace refused: it says why and what to do" ;;
	*) tap_fail "ptrace refused: it says why and what to do" "$out" ;; esac
	tap_is "ptrace refused: no trace is left" "$(ls refused.jsonl 2>/dev/null)" ""
else
	tap_skip "ptrace refused: exit 1" "no strace here to hold the program's one tracer"
	tap_skip "ptrace refused: it says why and what to do" "no strace"
	tap_skip "ptrace refused: no trace is left" "no strace"
fi
tap_done
