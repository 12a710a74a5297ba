#!/bin/sh
# tests/e2e_tmux.sh -- the player end to end in a real terminal (TAP).
#
# Runs vmscope in a detached tmux server of its own at 100x30, sends keys,
# polls `capture-pane -p` until the expected text shows (never a fixed
# sleep), and checks: stepping forward and back shows the right share
# modes and ref counts, help opens and closes, a resize relayouts, a small
# window says "terminal too small", q exits 0 and Ctrl-C exits 130 with the
# terminal back in canonical mode; on a trace with observations, o cycles
# the panes through model, observed and both.  Needs TMUX_BIN (set by make
# check).

set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR}"
: "${VMSCOPE:=$BUILDDIR/vmscope}"
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

if [ -z "${TMUX_BIN:-}" ] || ! command -v "$TMUX_BIN" >/dev/null 2>&1; then
	tap_skip_all "no tmux"
fi

sock=vmscope-test-$$
tmx() { "$TMUX_BIN" -L "$sock" -f /dev/null "$@"; }
tmpdir_make
# After tmpdir_make, which installs its own traps: kill the tmux server too.
trap 'tmx kill-server >/dev/null 2>&1; tap__cleanup' EXIT
trap 'tmx kill-server >/dev/null 2>&1; tap__cleanup; exit 130' INT TERM
trace=$SRCDIR/data/fork-lifecycle.jsonl

# start SESSION [TRACE]: the pane runs vmscope on TRACE (default: the
# fork demo; the shell survives a Ctrl-C meant for vmscope: a trapped
# signal is reset to the default in the child), then reports its exit
# status and whether the terminal is back in canonical mode with echo,
# then waits.
start() {
	cat >"$tmpdir/run.sh" <<EOS
trap : INT
LC_ALL=C.UTF-8 "\$1" --no-animate "\$2"
echo "EXIT=\$?"
if stty -a | tr ' ' '\n' | grep -qx icanon && stty -a | tr ' ' '\n' | grep -qx echo; then
	echo "TTY=sane"
fi
exec cat
EOS
	tmx new-session -d -s "$1" -x 100 -y 30 "sh '$tmpdir/run.sh' '$VMSCOPE' '${2:-$trace}'"
}

screen() { tmx capture-pane -p -t "$1"; }

# wait_for SESSION PATTERN [TIMEOUT_TENTHS]: poll until the screen matches
# the extended regex PATTERN; 0 if it did.
wait_for() {
	i=0
	while [ "$i" -lt "${3:-100}" ]; do
		if screen "$1" 2>/dev/null | grep -Eq -- "$2"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# expect NAME SESSION PATTERN: one TAP line; the screen as diagnostics.
expect() {
	if wait_for "$2" "$3"; then
		tap_ok "$1"
	else
		tap_fail "$1" "pattern: $3" "$(screen "$2" 2>&1)"
	fi
}

# expect_not NAME SESSION PATTERN WAIT_PATTERN: once WAIT_PATTERN shows,
# PATTERN must not.
expect_not() {
	if wait_for "$2" "$4" && ! screen "$2" | grep -Eq -- "$3"; then
		tap_ok "$1"
	else
		tap_fail "$1" "pattern that must be absent: $3" "$(screen "$2" 2>&1)"
	fi
}

keys() { tmx send-keys -t "$1" "$2"; }

start s1
expect "player starts at step 0" s1 'step 0/6'
keys s1 ...
expect "three steps forward: step 3 (fork)" s1 'step 3/6'
expect "after fork both tasks report COW with ref_count 2" s1 'COW +2 .*COW +2 '
keys s1 .
expect "step 4: the child's write made it PRV ref 1" s1 'COW +1 .*PRV +1 '
expect "narration tells ref_count 2->1" s1 'ref_count 2(→|->)1'
keys s1 ,
expect "step back: step 3 again" s1 'step 3/6'
expect "step back is exact: COW ref 2 on both sides again" s1 'COW +2 .*COW +2 '
tmx send-keys -t s1 Right
expect "Right arrow steps forward" s1 'step 4/6'
tmx send-keys -t s1 Left
expect "Left arrow steps back" s1 'step 3/6'
keys s1 '?'
expect "? opens the help" s1 'Keys \(Esc or \? closes'
tmx send-keys -t s1 Escape
expect_not "Esc closes the help" s1 'Keys \(Esc or \? closes' 'Step 3/6'
tmx resize-window -t s1 -x 160 -y 48
expect "resize to 160x48: wide layout, one row per region" s1 'START-END +SIZE PROT/MAX SM'
tmx resize-window -t s1 -x 70 -y 20
expect "resize to 70x20: terminal too small" s1 'terminal too small'
tmx resize-window -t s1 -x 100 -y 30
expect "resize back to 100x30: the player again" s1 'step 3/6'
keys s1 q
expect "q exits with status 0" s1 'EXIT=0'
expect "terminal usable after q (icanon, echo)" s1 'TTY=sane'
expect_not "alternate screen left after q" s1 'PROT/MAX' 'EXIT='

start s2
expect "second run starts" s2 'step 0/6'
tmx send-keys -t s2 C-c
expect "Ctrl-C exits with status 130" s2 'EXIT=130'
expect "terminal usable after Ctrl-C" s2 'TTY=sane'

# Model / observed / both on a trace with observations.
start s3 "$SRCDIR/tests/render/observed.jsonl"
expect "a trace with observations opens in the both view" s3 'step 0/9 \| both \|'
tmx send-keys -t s3 ':8' Enter
expect "goto step 8" s3 'Step 8/9'
expect "both view: the child's ref_count is marked as differing" s3 'PRV +≠1 .*'
expect "both view: the unpaired regions say so" s3 '≠not in the model'
keys s3 o
expect "o: model view (title)" s3 'step 8/9 \| model \|'
expect_not "model view: no difference markers" s3 '≠' 'view: model'
keys s3 o
expect "o again: observed view (title)" s3 'step 8/9 \| observed \|'
expect "observed view: the recorded regions and page counts" s3 'obs@8: 2 regions'
keys s3 o
expect "o again: back to both" s3 'step 8/9 \| both \|'
keys s3 q
expect "q exits the observed trace with status 0" s3 'EXIT=0'

# Without observations the key says so in the narration line.
start s4
expect "fourth run starts" s4 'step 0/6'
keys s4 o
expect "o without observations: the narration says so" s4 'no recorded observations'
expect_not "o without observations: still the model view" s4 '\| observed \|' 'no recorded'
keys s4 q
expect "q exits with status 0 after o" s4 'EXIT=0'

# An unknown terminal type: a clear message and exit 1, no curses mess.
tmx new-session -d -s s5 -x 100 -y 30 \
	"TERM=no-such-term '$VMSCOPE' '$trace'; echo \"EXIT=\$?\"; exec cat"
expect "unknown TERM: a clear message" s5 "cannot use the terminal type 'no-such-term'"
expect "unknown TERM: exit status 1" s5 'EXIT=1'

tap_done
