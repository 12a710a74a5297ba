#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/grade.sh -- vmscope grade: questions from "ask", answers graded
# against the model, a score, a class table, CSV, malformed answers (TAP).
# The right answers are taken from `dump --json` of the same exercise.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"
tmpdir_make
V=$VMSCOPE
cd "$tmpdir" || exit 1

run() {
	"$@" >out 2>err
	rc=$?
	out=$(cat out)
	err=$(cat err)
}

cat >ex.jsonl <<'EOT'
{"vmscope": 1, "title": "fork quiz", "tasks": ["parent"]}
{"op": "allocate", "task": "parent", "size": "1p", "as": "buf"}
{"op": "write", "task": "parent", "region": "buf", "ask": ["share_mode", "ref_count"]}
{"op": "fork", "task": "parent", "child": "child", "ask": ["share_mode", "ref_count"]}
{"op": "write", "task": "child", "region": "buf", "ask": ["share_mode", "ref_count", "shadow_depth"]}
EOT
# The right answers, written by hand from the fork lifecycle (the
# article's table): after the write PRV 1; after fork COW 2 in both;
# after the child's write the child is PRV 1, depth 0 (its shadow holds
# the page).  Region by name, and once by address; vmmap abbreviations.
cat >right.jsonl <<'EOT'
{"step": 2, "task": "parent", "region": "buf", "share_mode": "PRV", "ref_count": 1}
{"step": 3, "task": "parent", "region": "buf", "share_mode": "SM_COW", "ref_count": 2}
{"step": 3, "task": "child", "addr": "0x100000000", "share_mode": "cow", "ref_count": 2}

{"step": 4, "task": "child", "region": "buf", "share_mode": "SM_PRIVATE", "ref_count": 1, "shadow_depth": 0}
EOT
run "$V" grade ex.jsonl right.jsonl
tap_is "all answers right: exit 0" "$rc" 0
tap_is "all answers right: K/K" "$(printf '%s\n' "$out" | tail -n 1)" "score: 9/9"
case $out in *"step 3 child buf share_mode: right (SM_COW)"*) tap_ok "one line per question, with the value" ;;
*) tap_fail "one line per question, with the value" "$out" ;; esac

sed 's/"ref_count": 1, "shadow_depth": 0/"ref_count": 2, "shadow_depth": 0/' right.jsonl >wrong.jsonl
run "$V" grade ex.jsonl wrong.jsonl
tap_is "one wrong answer: exit 1" "$rc" 1
tap_is "one wrong answer: the short score" "$(printf '%s\n' "$out" | tail -n 1)" "score: 8/9"
case $out in *"step 4 child buf ref_count: wrong: answered 2, expected 1 -- copy-on-write fault"*)
	tap_ok "a wrong answer names the right value and the reason" ;;
*) tap_fail "a wrong answer names the right value and the reason" "$out" ;; esac

head -n 2 right.jsonl >partial.jsonl
echo '{"step": 5, "task": "child", "region": "buf", "ref_count": 1}' >>partial.jsonl
run "$V" grade ex.jsonl partial.jsonl
tap_is "missing answers: exit 1" "$rc" 1
case $out in *"step 4 child buf shadow_depth: no answer; expected 0"*"partial.jsonl:3: step 5 child buf ref_count: not asked"*"score: 4/9"*)
	tap_ok "missing answers count as wrong; an answer to no question is reported" ;;
*) tap_fail "missing answers count as wrong; an answer to no question is reported" "$out" ;; esac

run "$V" grade ex.jsonl right.jsonl wrong.jsonl
tap_is "a class: exit 1 when anyone is wrong" "$rc" 1
case $out in *"right.jsonl"*"9/9"*"+++++++++"*"wrong.jsonl"*"8/9"*"+++++++-+"*) tap_ok "a class table, a line per student" ;;
*) tap_fail "a class table, a line per student" "$out" ;; esac
run "$V" grade --csv ex.jsonl right.jsonl wrong.jsonl
tap_is "--csv: a header and a row per student" "$(printf '%s\n' "$out" | sed -n '1s/,step 2.*//p;3p')" \
	"student,score,total
wrong.jsonl,8,9,1,1,1,1,1,1,1,0,1"

printf '%s\n' '{"step": 2, "task": "parent", "region": "buf", "share_mod": "PRV"}' >bad1.jsonl
run "$V" grade ex.jsonl bad1.jsonl
tap_is "an unknown field: exit 2" "$rc" 2
tap_is "an unknown field: FILE:LINE:COL" "$err" \
	"bad1.jsonl:1:48: unknown field 'share_mod' (answer fields are named as in dump --json: share_mode, ref_count, ...)"
printf '%s\n' '{"step": 2, "task": "parent", "region": "buf"' >bad2.jsonl
run "$V" grade ex.jsonl bad2.jsonl
tap_is "invalid JSON: exit 2" "$rc" 2
case $err in "bad2.jsonl:1:"*": invalid JSON") tap_ok "invalid JSON: FILE:LINE:COL" ;;
*) tap_fail "invalid JSON: FILE:LINE:COL" "$err" ;; esac
printf '%s\n' '{"task": "parent", "region": "buf", "ref_count": 1}' >bad3.jsonl
run "$V" grade ex.jsonl bad3.jsonl
tap_is "an answer without a step: exit 2" "$rc" 2
run "$V" grade "$SRCDIR/data/fork-lifecycle.jsonl" right.jsonl
tap_is "an exercise that asks nothing: exit 2" "$rc" 2
run "$V" grade ex.jsonl missing.jsonl
tap_is "a missing answers file: exit 1" "$rc" 1
run sh -c '"$0" grade ex.jsonl - < right.jsonl' "$V"
tap_is "answers from standard input" "$(printf '%s\n' "$out" | tail -n 1)" "score: 9/9"

# The player's quiz saves what `grade` reads: answering step 1 of the
# fork lesson right (6 = NUL, ref_count 0) through a key script.
lesson=$SRCDIR/data/lessons/fork-cow.jsonl
run "$V" render --size 100x30 --step 0 --answers quiz.jsonl --key '.6<Down>0<Enter>' "$lesson"
tap_is "render --answers: exit 0" "$rc" 0
tap_is "the saved answer line" "$(cat quiz.jsonl)" \
	'{"step": 1, "task": "parent", "region": "buf", "share_mode": "NUL", "ref_count": 0}'
run "$V" grade "$lesson" quiz.jsonl
tap_is "the saved answers grade right" "$(printf '%s\n' "$out" | grep -c '^step 1 .*: right')" 2
run "$V" render --size 100x30 --step 0 --answers - --key . "$lesson"
tap_is "--answers - is refused (the screen is standard output)" "$rc" 2
run "$V" render --size 100x30 --step 0 --answers nodir/quiz.jsonl --key '.6<Enter>' "$lesson"
case $out in *"cannot save the answers"*) tap_ok "an unwritable answers file is said on the screen" ;;
*) tap_fail "an unwritable answers file is said on the screen" "$out" ;; esac

# The lessons pass with their own answers.
for lesson in "$SRCDIR"/data/lessons/*.jsonl; do
	case $lesson in *.answers.jsonl) continue ;; esac
	[ -f "$lesson" ] || continue
	name=$(basename "$lesson" .jsonl)
	run "$V" grade "$lesson" "$SRCDIR/data/lessons/$name.answers.jsonl"
	case $rc:$(printf '%s\n' "$out" | tail -n 1) in
	0:"score: "*) tap_ok "lesson $name: its answers score full marks ($(printf '%s\n' "$out" | tail -n 1))" ;;
	*) tap_fail "lesson $name: its answers score full marks" "$out" "$err" ;;
	esac
done
tap_done
