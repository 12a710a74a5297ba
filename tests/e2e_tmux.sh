#!/bin/sh
# SPDX-License-Identifier: MIT
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

keys() { tmx send-keys -t "$1" "$2"; }

start s1
tmux_expect "player starts at step 0" s1 'step 0/6'
keys s1 ...
tmux_expect "three steps forward: step 3 (fork)" s1 'step 3/6'
tmux_expect "after fork both tasks report COW with ref_count 2" s1 'COW +2 .*COW +2 '
keys s1 .
tmux_expect "step 4: the child's write made it PRV ref 1" s1 'COW +1 .*PRV +1 '
tmux_expect "narration tells ref_count 2->1" s1 'ref_count 2(→|->)1'
keys s1 ,
tmux_expect "step back: step 3 again" s1 'step 3/6'
tmux_expect "step back is exact: COW ref 2 on both sides again" s1 'COW +2 .*COW +2 '
tmx send-keys -t s1 Right
tmux_expect "Right arrow steps forward" s1 'step 4/6'
tmx send-keys -t s1 Left
tmux_expect "Left arrow steps back" s1 'step 3/6'
keys s1 '?'
tmux_expect "? opens the help" s1 'Keys \(Esc or \? closes'
tmx send-keys -t s1 Escape
tmux_expect_not "Esc closes the help" s1 'Keys \(Esc or \? closes' 'Step 3/6'
tmx resize-window -t s1 -x 160 -y 48
tmux_expect "resize to 160x48: wide layout, one row per region" s1 'START-END +SIZE PROT/MAX SM'
tmx resize-window -t s1 -x 70 -y 20
tmux_expect "resize to 70x20: terminal too small" s1 'terminal too small'
tmx resize-window -t s1 -x 100 -y 30
tmux_expect "resize back to 100x30: the player again" s1 'step 3/6'
keys s1 q
tmux_expect "q exits with status 0" s1 'EXIT=0'
tmux_expect "terminal usable after q (icanon, echo)" s1 'TTY=sane'
tmux_expect_not "alternate screen left after q" s1 'PROT/MAX' 'EXIT='

start s2
tmux_expect "second run starts" s2 'step 0/6'
tmx send-keys -t s2 C-c
tmux_expect "Ctrl-C exits with status 130" s2 'EXIT=130'
tmux_expect "terminal usable after Ctrl-C" s2 'TTY=sane'

# Model / observed / both on a trace with observations.
start s3 "$SRCDIR/tests/render/observed.jsonl"
tmux_expect "a trace with observations opens in the both view" s3 'step 0/9 \| both \|'
tmx send-keys -t s3 ':8' Enter
tmux_expect "goto step 8" s3 'Step 8/9'
tmux_expect "both view: the child's ref_count is marked as differing" s3 'PRV +≠1 .*'
tmux_expect "both view: the unpaired regions say so" s3 '≠not in the model'
keys s3 o
tmux_expect "o: model view (title)" s3 'step 8/9 \| model \|'
tmux_expect_not "model view: no difference markers" s3 '≠' 'view: model'
keys s3 o
tmux_expect "o again: observed view (title)" s3 'step 8/9 \| observed \|'
tmux_expect "observed view: the recorded regions and page counts" s3 'obs@8: 2 regions'
keys s3 o
tmux_expect "o again: back to both" s3 'step 8/9 \| both \|'
keys s3 q
tmux_expect "q exits the observed trace with status 0" s3 'EXIT=0'

# Without observations the key says so in the narration line.
start s4
tmux_expect "fourth run starts" s4 'step 0/6'
keys s4 o
tmux_expect "o without observations: the narration says so" s4 'no recorded observations'
tmux_expect_not "o without observations: still the model view" s4 '\| observed \|' 'no recorded'
keys s4 q
tmux_expect "q exits with status 0 after o" s4 'EXIT=0'

# An unknown terminal type: a clear message and exit 1, no curses mess.
tmx new-session -d -s s5 -x 100 -y 30 \
	"TERM=no-such-term '$VMSCOPE' '$trace'; echo \"EXIT=\$?\"; exec cat"
tmux_expect "unknown TERM: a clear message" s5 "cannot use the terminal type 'no-such-term'"
tmux_expect "unknown TERM: exit status 1" s5 'EXIT=1'

# TERM=dumb cannot place the cursor: a clear message on stderr, exit 1,
# and nothing at all written to the terminal (capture-pane -e keeps any
# escape sequence; the screen must hold only the status line).
tmx new-session -d -s s6 -x 100 -y 30 \
	"TERM=dumb '$VMSCOPE' '$trace' 2>'$tmpdir/dumb.err'; echo \"EXIT=\$?\"; exec cat"
tmux_expect "TERM=dumb: exit status 1" s6 'EXIT=1'
case $(cat "$tmpdir/dumb.err") in
"vmscope: the terminal type 'dumb' cannot move the cursor"*) tap_ok "TERM=dumb: a clear message" ;;
*) tap_fail "TERM=dumb: a clear message" "$(cat -v "$tmpdir/dumb.err")" ;;
esac
tap_is "TERM=dumb: nothing written to the terminal" \
	"$(tmx capture-pane -e -p -t s6 | sed '/^$/d')" "EXIT=1"

tap_done
