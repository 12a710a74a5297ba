#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/cli.sh -- the command line: help, version, list, exit statuses,
# bad options, dump and validate behaviour a user relies on.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"
tmpdir_make
V=$VMSCOPE
D=$SRCDIR/data

# run CMD...: sets $rc, $out (stdout) and $err (stderr).
run() {
	"$@" >"$tmpdir/out" 2>"$tmpdir/err"
	rc=$?
	out=$(cat "$tmpdir/out")
	err=$(cat "$tmpdir/err")
}

run "$V" --help
tap_is "--help exits 0" "$rc" 0
case $out in *"vmscope dump"*"vmscope render"*"vmscope validate"*"Exit status"*) tap_ok "--help lists the subcommands and exit statuses" ;;
*) tap_fail "--help lists the subcommands and exit statuses" "$out" ;; esac

run "$V" --version
tap_is "--version" "$out" "vmscope 0.1.0"

run "$V" list
tap_is "list exits 0" "$rc" 0
tap_is "list shows the seven scenarios" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 7
case $out in "fork-lifecycle"*"(default demo)"*) tap_ok "list: fork-lifecycle first, the default demo" ;;
*) tap_fail "list: fork-lifecycle first, the default demo" "$out" ;; esac

run "$V" dump
tap_is "dump with no trace uses the default demo" "$rc" 0
case $out in *"step 6/6"*"SM=PRV"*) tap_ok "default demo ends at step 6 with PRV" ;;
*) tap_fail "default demo ends at step 6 with PRV" "$out" ;; esac

run "$V" dump --step 3 fork-lifecycle
case $out in *"step 3/6: fork parent -> child"*"task child"*"SM=COW    2"*) tap_ok "dump --step 3 of a built-in by name" ;;
*) tap_fail "dump --step 3 of a built-in by name" "$out" ;; esac

run "$V" dump --json --step 0 "$D/fork-lifecycle.jsonl"
tap_is "dump --json --step 0: the state before the first event" "$out" \
	'{"format":1,"vmscope":"0.1.0","step":0,"op":"start","status":"KERN_SUCCESS","tasks":[{"name":"parent","regions":[]}]}'

run "$V" dump --json --all "$D/fork-lifecycle.jsonl"
tap_is "dump --json --all: one line per step (0..6)" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 7

run "$V" dump --step 99 "$D/fork-lifecycle.jsonl"
tap_is "dump --step past the end exits 2" "$rc" 2
case $err in *"out of range (0..6)"*) tap_ok "dump --step past the end says the range" ;;
*) tap_fail "dump --step past the end says the range" "$err" ;; esac

run "$V" dump --step x "$D/fork-lifecycle.jsonl"
tap_is "dump --step x exits 2" "$rc" 2

run "$V" dump --frobnicate
tap_is "unknown option exits 2" "$rc" 2
case $err in *"unknown option '--frobnicate'"*) tap_ok "unknown option is named" ;;
*) tap_fail "unknown option is named" "$err" ;; esac

run "$V" dump "$tmpdir/does-not-exist.jsonl"
tap_is "missing file exits 1" "$rc" 1
case $err in *"does-not-exist.jsonl"*"No such file"*) tap_ok "missing file is named" ;;
*) tap_fail "missing file is named" "$err" ;; esac

run "$V" dump --profile vax "$D/fork-lifecycle.jsonl"
tap_is "unknown profile exits 2" "$rc" 2
case $err in *"unknown profile 'vax'"*"xnu-arm64"*"linux"*) tap_ok "unknown profile lists the known ones" ;;
*) tap_fail "unknown profile lists the known ones" "$err" ;; esac

run "$V" render --size 80x24 --compare vax "$D/fork-lifecycle.jsonl"
tap_is "render --compare with an unknown profile exits 2" "$rc" 2
case $err in *"--compare needs a profile"*"'vax'"*) tap_ok "and names it" ;;
*) tap_fail "and names it" "$err" ;; esac
run "$V" render --size 100x30 --step 3 --compare linux "$D/fork-lifecycle.jsonl"
case $out in *"parent under xnu-arm64"*"parent under linux"*) tap_ok "render --compare: one task under two profiles" ;;
*) tap_fail "render --compare: one task under two profiles" "$out" ;; esac

run "$V" dump --profile xnu-x86_64 "$D/fork-lifecycle.jsonl"
case $out in *"0000000100000000-0000000100001000"*) tap_ok "--profile xnu-x86_64 replays with 4K pages" ;;
*) tap_fail "--profile xnu-x86_64 replays with 4K pages" "$out" ;; esac

run "$V" validate "$D/mach-shared-memory.jsonl"
tap_is "validate of a trace with a failed step exits 0" "$rc" 0
case $out in *"1 failed step"*"step 13: write child none-buf: KERN_INVALID_ADDRESS"*) tap_ok "validate lists the failed step with its status" ;;
*) tap_fail "validate lists the failed step with its status" "$out" ;; esac

run "$V" validate
tap_is "validate without a trace exits 2" "$rc" 2

run "$V" render fork-lifecycle
tap_is "render without --size exits 2" "$rc" 2

run "$V" render --size 0x10 fork-lifecycle
tap_is "render --size 0x10 exits 2" "$rc" 2

# A semantic error is a failed step, not a load error.
printf '%s\n' '{"vmscope":1,"tasks":["a"]}' '{"op":"write","task":"a","addr":"0x5000"}' >"$tmpdir/unmapped.jsonl"
run "$V" dump --json "$tmpdir/unmapped.jsonl"
tap_is "write to an unmapped address: exit 0" "$rc" 0
case $out in *'"status":"KERN_INVALID_ADDRESS"'*) tap_ok "write to an unmapped address: KERN_INVALID_ADDRESS step" ;;
*) tap_fail "write to an unmapped address: KERN_INVALID_ADDRESS step" "$out" ;; esac

# Strings from traces never reach the terminal raw.
printf '{"vmscope":1,"title":"evil\\u001b[2J","tasks":["a"]}\n{"op":"allocate","task":"a","size":"1p","as":"x\\u001b]0;pwn\\u0007","note":"n\\u001b[31m"}\n' >"$tmpdir/esc.jsonl"
run "$V" dump --all "$tmpdir/esc.jsonl"
if printf '%s' "$out" | od -An -c | grep -q '033'; then
	tap_fail "dump strips escape characters from trace strings" "$out"
else
	tap_ok "dump strips escape characters from trace strings"
fi

# C1 controls (the 8-bit CSI U+009B), bidi overrides (U+202E) and BEL from
# trace strings never reach the terminal: not through dump, validate
# (a failed step names its region) or check.
printf '%s\n' '{"vmscope":1,"title":"t\u009b2J\u202eevil","profile":"linux","tasks":["a\u202eb"]}' \
	'{"op":"allocate","task":"a\u202eb","size":"1p","as":"r\u009b31m\u0007","note":"n\u202e\u009b0m"}' \
	'{"op":"write","task":"a\u202eb","region":"x\u009b1m"}' \
	'{"op":"observe","task":"a\u202eb","regions":[{"start":"0x10000","end":"0x12000","name":"r\u009b31m\u0007","share_mode":"COW"}]}' >"$tmpdir/c1.jsonl"
for sub in "dump --all" "validate" "check"; do
	# shellcheck disable=SC2086
	"$V" $sub "$tmpdir/c1.jsonl" >"$tmpdir/out" 2>&1
	if od -An -tx1 "$tmpdir/out" | tr -s ' \n' ' ' | grep -q 'c2 9b\|e2 80 ae\| 07 \| 1b '; then
		tap_fail "$sub: C1 controls, bidi overrides and BEL from the trace are dropped" "$(cat -v "$tmpdir/out")"
	else
		tap_ok "$sub: C1 controls, bidi overrides and BEL from the trace are dropped"
	fi
done

# "-" reads the trace from standard input; errors name it <stdin>.
printf '%s\n' '{"vmscope":1,"tasks":["a"]}' '{"op":"bogus","task":"a"}' >"$tmpdir/bogus.jsonl"
"$V" validate - <"$tmpdir/bogus.jsonl" >"$tmpdir/out" 2>"$tmpdir/err"
rc=$?
tap_is "validate - reads standard input (exit 2 on a bad op)" "$rc" 2
tap_is "an error in standard input is named <stdin>" "$(cat "$tmpdir/err")" '<stdin>:2:2: unknown op "bogus" (ops: allocate, deallocate, write, read, fork, inherit, protect, ool_send, make_memory_entry, map_entry, release_entry, map_file, exit, note, observe, exec)'
run sh -c "\"\$0\" dump --step 3 - < \"\$1\"" "$V" "$D/fork-lifecycle.jsonl"
case $out in *"step 3/6: fork parent -> child"*) tap_ok "dump - reads a trace from standard input" ;;
*) tap_fail "dump - reads a trace from standard input" "$out" "$err" ;; esac

# dump shows what an observe step recorded, next to the model.
printf '%s\n' '{"vmscope":1,"profile":"linux","tasks":["a"]}' \
	'{"op":"allocate","task":"a","size":"1p","as":"b"}' \
	'{"op":"observe","task":"a","regions":[{"start":"0x10000","end":"0x11000","name":"b","share_mode":"NUL","ref_count":0}]}' >"$tmpdir/obs.jsonl"
run "$V" dump --json "$tmpdir/obs.jsonl"
case $out in *'"observed":{"task":"a","regions":[{"start":"0x10000","end":"0x11000","name":"b","share_mode":"SM_EMPTY","shrmod":"NUL","ref_count":0}]}'*)
	tap_ok "dump --json shows the observation, only the fields observed" ;;
*) tap_fail "dump --json shows the observation, only the fields observed" "$out" ;; esac

# Every command: its own --help (exit 0, its usage line), "--" ends its
# options, an unknown option names the command's --help.
for sub in play dump render validate list import check record attach; do
	run "$V" "$sub" --help
	tap_is "$sub --help exits 0" "$rc" 0
	case $out in "usage: vmscope"*"$sub"*"-h, --help"*) tap_ok "$sub --help prints its usage and options" ;;
	*) tap_fail "$sub --help prints its usage and options" "$out" ;; esac
	run "$V" "$sub" --no-such-option
	tap_is "$sub: an unknown option exits 2" "$rc" 2
	case $err in *"unknown option '--no-such-option'"*"Try 'vmscope $sub --help'."*)
		tap_ok "$sub: an unknown option is named, with the command's --help" ;;
	*) tap_fail "$sub: an unknown option is named, with the command's --help" "$err" ;; esac
done
run "$V" dump --step
tap_is "an option without its value exits 2" "$rc" 2
case $err in *"option '--step' needs a value"*) tap_ok "an option without its value is named" ;;
*) tap_fail "an option without its value is named" "$err" ;; esac

# "--" ends options: a trace file whose name starts with "-".
cp "$D/fork-lifecycle.jsonl" "$tmpdir/-fl.jsonl"
cd "$tmpdir" || exit 1
run "$V" dump --step 3 -- -fl.jsonl
case $out in *"step 3/6: fork parent -> child"*) tap_ok "dump -- FILE: a trace named like an option" ;;
*) tap_fail "dump -- FILE: a trace named like an option" "$err" ;; esac
run "$V" validate -- -fl.jsonl
case $out in *"-fl.jsonl: 6 events, 0 failed steps"*) tap_ok "validate -- FILE" ;;
*) tap_fail "validate -- FILE" "$out" "$err" ;; esac
run "$V" check -- -fl.jsonl
case $out in *"-fl.jsonl: 0 observe steps"*) tap_ok "check -- FILE" ;;
*) tap_fail "check -- FILE" "$out" "$err" ;; esac
run "$V" render --size 80x24 --step 1 -- -fl.jsonl
case $out in *"allocate"*) tap_ok "render -- FILE" ;;
*) tap_fail "render -- FILE" "$out" "$err" ;; esac
run "$V" record -o "$tmpdir/r.jsonl" -- -no-such-scenario.jsonl
case $err in *"-no-such-scenario.jsonl: No such file"*) tap_ok "record -- SCENARIO: a trace after -- is the scenario" ;;
*) tap_fail "record -- SCENARIO: a trace after -- is the scenario" "$err" ;; esac
run "$V" record -o "$tmpdir/r.jsonl" -- -no-such-program
case $rc:$err in 127:*"cannot run '-no-such-program': No such file"*) tap_ok "record -- PROGRAM that does not exist: exit 127, said" ;;
*) tap_fail "record -- PROGRAM that does not exist: exit 127, said" "$rc" "$err" ;; esac
tap_is "and no trace is left" "$(ls "$tmpdir/r.jsonl" 2>&1 | grep -c 'No such')" 1
printf '%s\n' '00010000-00011000 rw-p 00000000 00:00 0' >"$tmpdir/-cap.maps"
run "$V" import maps -o "$tmpdir/imp.jsonl" -- -cap.maps
tap_is "import KIND -o T -- FILE: a capture named like an option" "$rc" 0
run "$V" list --
tap_is "list -- exits 0" "$rc" 0
run "$V" attach --count 1 --batch -- 0
case $err in *"attach needs process ids, not '0'"*) tap_ok "attach -- PID: the operand after -- is a pid" ;;
*) tap_fail "attach -- PID: the operand after -- is a pid" "$err" ;; esac
cd - >/dev/null || exit 1

# A mistyped command gets a suggestion and exit 2.
run "$V" dupm
tap_is "a mistyped command exits 2" "$rc" 2
tap_is "a mistyped command: did you mean" "$err" "vmscope: 'dupm' is not a command; did you mean 'dump'?"
run "$V" rendr --size 80x24
tap_is "rendr: did you mean 'render'?" "$err" "vmscope: 'rendr' is not a command; did you mean 'render'?"
run "$V" lst
tap_is "lst: did you mean 'list'?" "$err" "vmscope: 'lst' is not a command; did you mean 'list'?"
run "$V" definitely-not-a-trace.jsonl
tap_is "a missing trace far from any command is still a missing file (exit 1)" "$rc" 1

# --help lists every command of the table, and the man page's SYNOPSIS is
# made from it (make man).
run "$V" --help
for sub in dump render validate list import check record attach; do
	case $out in *"vmscope $sub"*"  $sub "*) ;; *) tap_fail "--help lists $sub" "$out" ;; esac
done
tap_ok "--help lists every command with its synopsis and summary"
want=$(sh "$SRCDIR/tests/man_gen.sh" synopsis "$V")
got=$(sed -n '/^\.\\" BEGIN SYNOPSIS$/,/^\.\\" END SYNOPSIS$/p' "$SRCDIR/man/vmscope.1" | sed '1d;$d')
tap_is "the man page's SYNOPSIS is the one --help gives (make man)" "$got" "$want"
if [ -x "${BUILDDIR:-.}/tests/test_ui" ]; then
	want=$(sh "$SRCDIR/tests/man_gen.sh" keys "${BUILDDIR:-.}/tests/test_ui")
	got=$(sed -n '/^\.\\" BEGIN KEYS$/,/^\.\\" END KEYS$/p' "$SRCDIR/man/vmscope.1" | sed '1d;$d')
	tap_is "the man page's KEYS are the player's key table (make man)" "$got" "$want"
else
	tap_skip "the man page's KEYS are the player's key table" "tests/test_ui not built"
fi
for section in SYNOPSIS DESCRIPTION COMMANDS OPTIONS KEYS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
	grep -q "^\.SH $section\$" "$SRCDIR/man/vmscope.1" || tap_fail "the man page has a $section section"
done
tap_ok "the man page has SYNOPSIS, KEYS, EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES ..."

# VMSCOPE_DATADIR: a scenario found by name, and listed after the built-ins.
mkdir -p "$tmpdir/data"
sed 's/"title": "[^"]*"/"title": "My own scenario"/' "$D/fork-lifecycle.jsonl" >"$tmpdir/data/my-scenario.jsonl"
run env VMSCOPE_DATADIR="$tmpdir/data" "$V" validate my-scenario
case $out in *"my-scenario.jsonl: 6 events, 0 failed steps"*) tap_ok "VMSCOPE_DATADIR: a scenario found by name" ;;
*) tap_fail "VMSCOPE_DATADIR: a scenario found by name" "$out" "$err" ;; esac
run env VMSCOPE_DATADIR="$tmpdir/data" "$V" list
case $out in *"redis-bgsave"*"my-scenario"*"My own scenario"*) tap_ok "VMSCOPE_DATADIR: list shows its scenarios after the built-ins" ;;
*) tap_fail "VMSCOPE_DATADIR: list shows its scenarios after the built-ins" "$out" ;; esac
run env VMSCOPE_DATADIR="$tmpdir/data" "$V" validate my-scenari
tap_is "VMSCOPE_DATADIR: a name that is not there is a missing file" "$rc" 1

# The man page is there and names every subcommand.
for sub in dump render validate list; do
	if grep -q "$sub" "$SRCDIR/man/vmscope.1"; then tap_ok "man page documents $sub"; else tap_fail "man page documents $sub"; fi
done
# The authoring guide's skeleton is a valid scenario whose last step is
# what the guide says: the child's write leaves it a private page.
tap_check "docs/skeleton.jsonl validates" "$V" validate "$SRCDIR/docs/skeleton.jsonl"
out=$("$V" dump "$SRCDIR/docs/skeleton.jsonl" | tail -1)
case $out in *"SM=PRV    1"*) tap_ok "skeleton: the child's write makes its page private" ;;
*) tap_fail "skeleton: the child's write makes its page private" "$out" ;; esac
# protect sets the maximum and the current protection separately, as
# vm_protect(set_maximum) does (vm_map_protect): max first, then prot; a
# prot the maximum does not allow fails.
printf '%s\n' '{"vmscope": 1, "profile": "xnu-arm64", "tasks": ["p"]}' \
	'{"op": "allocate", "task": "p", "size": "16K", "as": "buf"}' \
	'{"op": "protect", "task": "p", "region": "buf", "prot": "r--", "max": "r-x"}' \
	'{"op": "protect", "task": "p", "region": "buf", "prot": "rw-"}' \
	'{"op": "protect", "task": "p", "region": "buf", "prot": "r-x"}' >"$tmpdir/prot.jsonl"
out=$("$V" dump --all "$tmpdir/prot.jsonl")
case $out in *"step 2/4: protect p buf r-- max r-x [KERN_SUCCESS]"*"r--/r-x"*) tap_ok "protect with max: r--/r-x" ;;
*) tap_fail "protect with max: r--/r-x" "$out" ;; esac
case $out in *"step 3/4: protect p buf rw- [KERN_PROTECTION_FAILURE]"*) tap_ok "protect beyond the maximum fails" ;;
*) tap_fail "protect beyond the maximum fails" "$out" ;; esac
case $out in *"step 4/4: protect p buf r-x [KERN_SUCCESS]"*"r-x/r-x"*) tap_ok "protect within the maximum: r-x/r-x" ;;
*) tap_fail "protect within the maximum: r-x/r-x" "$out" ;; esac
tap_done
