#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/e2e_attach.sh -- vmscope attach in the player, in a real terminal (TAP).
#
# Starts `sleep 60` (waiting until /proc/PID/comm says sleep, so the shell
# that forked it is never sampled), runs `vmscope attach PID --interval 100
# -o TRACE` in a detached tmux server of its own at 120x40, and polls
# `capture-pane -p` with timeouts (never a fixed sleep) until: the title
# says live with the pid and interval, the step count has grown to 3 or
# more, the observed region list shows [stack]; stepping back shows the
# "live: N new samples" mark and G follows again; killing the process
# shows the "exited" message; q exits 0 with the terminal sane and -o has
# written a valid trace.  With --follow, a shell that forks a second later
# fills one full-width pane, then the fork opens the child's pane beside
# it.  Skips without tmux or /proc.

set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR}"
: "${VMSCOPE:=$BUILDDIR/vmscope}"
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

if [ -z "${TMUX_BIN:-}" ] || ! command -v "$TMUX_BIN" >/dev/null 2>&1; then
	tap_skip_all "no tmux"
fi
[ "$(uname -s)" = Linux ] || tap_skip_all "not Linux"
[ -r /proc/self/smaps ] || tap_skip_all "/proc/self/smaps is not readable"

sock=vmscope-attach-test-$$
tmx() { "$TMUX_BIN" -L "$sock" -f /dev/null "$@"; }
spid=
fpid=
cleanup() {
	tmx kill-server >/dev/null 2>&1
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null
	tap__cleanup
}
tmpdir_make   # before the traps: it sets its own
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# Start `sleep 60` and wait until it has exec'd.
sleep 60 &
spid=$!
n=0
while [ "$(cat /proc/$spid/comm 2>/dev/null)" != sleep ] && [ $n -lt 500 ]; do
	sleep 0.01
	n=$((n + 1))
done

cat >"$tmpdir/run.sh" <<EOS
trap : INT
LC_ALL=C.UTF-8 "\$1" attach "\$2" --interval 100 -o "\$3"
echo "EXIT=\$?"
if stty -a | tr ' ' '\n' | grep -qx icanon && stty -a | tr ' ' '\n' | grep -qx echo; then
	echo "TTY=sane"
fi
exec cat
EOS
tmx new-session -d -s a -x 120 -y 40 "sh '$tmpdir/run.sh' '$VMSCOPE' '$spid' '$tmpdir/live.jsonl'"

tmux_expect "the player opens live, with the pid and the interval" a "live (\\| pid )?$spid \\| (every )?100 ms \\| (last sample )?[0-9.]+ ms \\| step"
tmux_expect "observed view, sampling" a '\| (view: )?observed \| . sampling'
tmux_expect "the step count grows to 3 or more" a 'step ([3-9]|[1-9][0-9]+)/'
# [stack] is the last mapping: page down the pane to it.
tmx send-keys -t a PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn
tmux_expect "the region list shows [stack]" a '\[stack\]'
tmx send-keys -t a ','
tmux_expect "stepping back: the new-samples mark" a 'live: [0-9]+ new samples? \(G follows\)'
tmx send-keys -t a G
if tmux_wait a 'step ([0-9]+)/\1 ' && ! tmux_screen a | grep -q 'new sample'; then
	tap_ok "G follows the newest sample again"
else
	tap_fail "G follows the newest sample again" "$(tmux_screen a 2>&1)"
fi
tmx send-keys -t a ' '
tmux_expect "Space pauses sampling" a '\| (view: )?observed \| . paused'
tmx send-keys -t a ' '
tmux_expect "Space resumes sampling" a '\| (view: )?observed \| . sampling'
kill "$spid"
wait "$spid" 2>/dev/null
spid=
tmux_expect "a process that exits: the message says so" a "exited after [0-9]+ samples"
tmux_expect "a process that exits: sampling has ended" a '\| ended'
tmx send-keys -t a q
tmux_expect "q exits with status 0" a 'EXIT=0'
tmux_expect "the terminal is sane after q" a 'TTY=sane'
if "$VMSCOPE" validate "$tmpdir/live.jsonl" >"$tmpdir/validate.out" 2>&1; then
	tap_ok "-o wrote a valid trace"
else
	tap_fail "-o wrote a valid trace" "$(cat "$tmpdir/validate.out")"
fi
tap_is "the trace has observe events" "$(grep -c '"op": "observe"' "$tmpdir/live.jsonl" | awk '{print ($1 >= 3)}')" 1
tap_is "the trace ends with the exit note" "$(tail -n 1 "$tmpdir/live.jsonl" | grep -c 'exited after')" 1

# --follow: one pane until the fork, then parent and child side by side.
# bash waits on a FIFO nobody writes (read -t: no child) before it forks.
mkfifo "$tmpdir/fifo"
bash -c 'read -r -t 1.5 x <>"$0"; sleep 30; :' "$tmpdir/fifo" &
fpid=$!
cat >"$tmpdir/follow.sh" <<EOS
LC_ALL=C.UTF-8 "\$1" attach "\$2" --follow --interval 100
echo "EXIT=\$?"
exec cat
EOS
tmx new-session -d -s f -x 120 -y 40 "sh '$tmpdir/follow.sh' '$VMSCOPE' '$fpid'"
tmux_expect "--follow: the player opens on the one process" f "step [0-9]+/[0-9]+"
if tmux_screen f | grep -q ' │   '; then
	tap_fail "--follow: one full-width pane before any fork" "$(tmux_screen f)"
else
	tap_ok "--follow: one full-width pane before any fork"
fi
tmux_expect "--follow: the fork opens the child's pane" f "│ +[a-z]+-[0-9]+ +obs@"
tmux_expect "--follow: the task strip lists the child" f "tasks .*R:[a-z]+-[0-9]+"
tmx send-keys -t f q
tmux_expect "--follow: q exits 0" f 'EXIT=0'
tap_done
