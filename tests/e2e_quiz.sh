#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/e2e_quiz.sh -- the quiz end to end in a real terminal (TAP).
#
# Plays data/lessons/fork-cow.jsonl with --quiz --answers in a detached
# tmux server of its own at 100x30, answers the questions of steps 1 to 3
# (step 2 with one wrong share mode), checks that each step is asked
# before its event with `?` in the panes, that the reveal says right and
# wrong beside the real values, that Esc puts a question off and . asks it
# again, and that `vmscope grade` marks the saved answers: 10 of 11 right,
# exit 1, the wrong one named with its expected value.  Needs TMUX_BIN.

set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR}"
: "${VMSCOPE:=$BUILDDIR/vmscope}"
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

if [ -z "${TMUX_BIN:-}" ] || ! command -v "$TMUX_BIN" >/dev/null 2>&1; then
	tap_skip_all "no tmux"
fi

sock=vmscope-quiz-$$
tmx() { "$TMUX_BIN" -L "$sock" -f /dev/null "$@"; }
tmpdir_make
trap 'tmx kill-server >/dev/null 2>&1; tap__cleanup' EXIT
trap 'tmx kill-server >/dev/null 2>&1; tap__cleanup; exit 130' INT TERM
lesson=$SRCDIR/data/lessons/fork-cow.jsonl
answers=$tmpdir/answers.jsonl

cat >"$tmpdir/run.sh" <<EOS
LC_ALL=C.UTF-8 "\$1" --no-animate --quiz --answers "\$2" "\$3"
echo "EXIT=\$?"
exec cat
EOS
tmx new-session -d -s q -x 100 -y 30 "sh '$tmpdir/run.sh' '$VMSCOPE' '$answers' '$lesson'"
keys() { tmx send-keys -t q "$@"; }

tmux_expect "the player starts at step 0 with the quiz on" q 'step 0/6 \| quiz'
keys .
tmux_expect "stepping onto step 1 asks first" q "Quiz, step 1: allocate"
tmux_expect "the panes still show step 0" q "step 0/6"
tmux_expect "the share mode menu is offered" q '1 PRV 2 COW 3 SHM 4 ALI 5 S/A 6 NUL'
keys Escape
tmux_expect "Esc puts the question off" q 'step 1 waits for your answers'
keys .
tmux_expect ". asks again" q 'Quiz, step 1: allocate'
keys 6 Down 0 Enter
tmux_expect "the reveal goes to step 1" q 'step 1/6'
tmux_expect "both answers of step 1 are right" q 'quiz: 2/2 right so far'
keys Enter .
tmux_expect "step 2 is asked before the write" q 'Quiz, step 2: write parent buf'
tmux_expect "the panes show ? in the asked fields" q 'rw-/rwx +\? +\? +\? '
# A wrong share mode (SHM), then ref_count 1 and 1 page resident.
keys 3 Down 1 Down 1 Enter
tmux_expect "the wrong answer is marked with the real value" q 'WRONG it is PRV \(SM_PRIVATE\), not SHM'
tmux_expect "the score counts it" q 'quiz: 4/5 right so far'
keys Enter .
tmux_expect "the fork is asked with the child's regions too" q 'child +buf +needs_copy'
keys 2 Down 2 Down 1 Down 2 Down 2 Down 1 Enter
tmux_expect "all six fork answers are right" q 'quiz: 10/11 right so far'
keys Enter q
tmux_expect "q exits 0" q 'EXIT=0'

if [ -s "$answers" ]; then
	tap_ok "the answers file was written"
else
	tap_fail "the answers file was written" "missing or empty: $answers"
fi
out=$("$VMSCOPE" grade "$lesson" "$answers" 2>&1)
rc=$?
if [ "$rc" -eq 1 ]; then
	tap_ok "grading the saved answers exits 1 (one wrong)"
else
	tap_fail "grading the saved answers exits 1 (one wrong)" "exit $rc" "$out"
fi
if printf '%s\n' "$out" | grep -q 'step 2 parent buf share_mode: wrong: answered SHM, expected SM_PRIVATE'; then
	tap_ok "the grade names the wrong answer and the right value"
else
	tap_fail "the grade names the wrong answer and the right value" "$out"
fi
if printf '%s\n' "$out" | grep -Eq '^step 1 parent buf ref_count: right' &&
	[ "$(printf '%s\n' "$out" | grep -c ': right')" -eq 10 ]; then
	tap_ok "ten answers graded right"
else
	tap_fail "ten answers graded right" "$out"
fi
tap_done
