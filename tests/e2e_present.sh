#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/e2e_present.sh -- presenter mode end to end (TAP).
#
# Starts `vmscope notes --follow` first (it waits for a presenter), then
# `vmscope present` on a socket in a private directory inside a detached
# tmux server at 100x30, and checks: the notes terminal gets step 0, then
# the speaker notes of each step the presenter moves to; the presenter
# shows the big step counter; b blanks the screen and the next key brings
# it back without stepping; a second presenter on the same socket, or a
# socket path that is a plain file, is refused; q exits 0, removes the
# socket, and the notes terminal says the presenter stopped and exits 0.
# Needs TMUX_BIN.

set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR}"
: "${VMSCOPE:=$BUILDDIR/vmscope}"
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

if [ -z "${TMUX_BIN:-}" ] || ! command -v "$TMUX_BIN" >/dev/null 2>&1; then
	tap_skip_all "no tmux"
fi

sock=vmscope-present-$$
tmx() { "$TMUX_BIN" -L "$sock" -f /dev/null "$@"; }
tmpdir_make
notes_pid=
trap 'tmx kill-server >/dev/null 2>&1; [ -n "$notes_pid" ] && kill "$notes_pid" 2>/dev/null; tap__cleanup' EXIT
trap 'exit 130' INT TERM
lesson=$SRCDIR/data/lessons/fork-cow.jsonl
path=$tmpdir/notes.sock
notes=$tmpdir/notes.out

# file_expect NAME FILE PATTERN: poll FILE until PATTERN shows (10 s).
file_expect() {
	i=0
	while [ "$i" -lt 100 ]; do
		if grep -Eq -- "$3" "$2" 2>/dev/null; then
			tap_ok "$1"
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
	tap_fail "$1" "pattern: $3" "$(cat "$2" 2>&1)"
}

"$VMSCOPE" notes --follow --socket "$path" >"$notes" 2>"$notes.err" &
notes_pid=$!
file_expect "notes --follow waits for a presenter" "$notes.err" 'waiting for vmscope present'

cat >"$tmpdir/run.sh" <<EOS
LC_ALL=C.UTF-8 "\$1" present --no-animate --socket "\$2" "\$3"
echo "EXIT=\$?"
exec cat
EOS
tmx new-session -d -s p -x 100 -y 30 "sh '$tmpdir/run.sh' '$VMSCOPE' '$path' '$lesson'"
tmux_expect "the presenter starts at step 0" p 'step 0/6'
file_expect "the notes terminal gets step 0" "$notes" '^step 0/6: the start'
tmx send-keys -t p G
tmux_expect "the presenter goes to the last step" p 'step 6/6'
tmux_expect "the step counter is drawn in big digits" p '\|_    / \|_ *$'
file_expect "the notes follow: step 6's speaker notes" "$notes" '^  say: +.*'
file_expect "the notes name step 6" "$notes" '^step 6/6: write parent buf'

tmx send-keys -t p b
i=0
while tmux_screen p | grep -q . && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if tmux_screen p | grep -q .; then
	tap_fail "b blanks the screen" "$(tmux_screen p)"
else
	tap_ok "b blanks the screen"
fi
tmx send-keys -t p ,
tmux_expect "the next key brings the screen back" p 'step 6/6'

out=$("$VMSCOPE" present --socket "$path" "$lesson" 2>&1 </dev/null)
rc=$?
tap_is "a second presenter on the socket: exit 1" "$rc" 1
case $out in *"another presenter is running"*) tap_ok "and it says why" ;;
*) tap_fail "and it says why" "$out" ;; esac
: >"$tmpdir/plain"
out=$("$VMSCOPE" present --socket "$tmpdir/plain" "$lesson" 2>&1 </dev/null)
case $rc:$out in 1:*"is not a socket"*) tap_ok "a plain file is never replaced by the socket" ;;
*) tap_fail "a plain file is never replaced by the socket" "$out" ;; esac

tmx send-keys -t p q
tmux_expect "q exits 0" p 'EXIT=0'
i=0
while kill -0 "$notes_pid" 2>/dev/null && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$notes_pid"
rc=$?
notes_pid=
tap_is "the notes terminal exits 0 when the presenter stops" "$rc" 0
file_expect "and says so" "$notes" '^\(the presenter has stopped\)'
if [ -e "$path" ]; then
	tap_fail "the socket is removed" "still there: $path"
else
	tap_ok "the socket is removed"
fi
tap_done
