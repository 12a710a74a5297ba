#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/attach.sh -- vmscope attach: samples of a live process (TAP).
#
# Against processes the test starts itself: a fixed number of samples into
# a trace (one observe event per sample, a cost line per sample), a process
# that exits while sampled (clean stop, samples kept), --follow (a child
# forked while sampled becomes a task with fork and exit events), the batched sampler
# against the page-by-page one, bad arguments, and --
# as root, through setpriv -- a permission refusal.  Skips off Linux.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"
V=$VMSCOPE

[ "$(uname -s)" = Linux ] || tap_skip_all "not Linux"
[ -r /proc/self/smaps ] || tap_skip_all "/proc/self/smaps is not readable"
tmpdir_make
cd "$tmpdir" || exit 1

# Start a process and wait until it has exec'd (its name is then "sleep"),
# so that attach never samples the forked shell instead.
start_sleep() {
	sleep "$1" &
	spid=$!
	n=0
	while [ "$(cat /proc/$spid/comm 2>/dev/null)" != sleep ] && [ $n -lt 500 ]; do
		sleep 0.01
		n=$((n + 1))
	done
}

start_sleep 30
"$V" attach $spid --interval 20 --count 3 -o a.jsonl >a.out 2>a.err
tap_is "attach --count 3: exit 0" $? 0
tap_is "attach --count 3: one cost line per sample" "$(grep -c '^sample [0-9]*: pid '$spid' (sleep): [0-9]* mappings, [0-9.]* ms' a.out)" 3
tap_check "attach: the trace validates" "$V" validate a.jsonl
tap_is "attach: three observe events" "$(grep -c '"op": "observe"' a.jsonl)" 3
grep -q '"name": "\[stack\]"' a.jsonl
tap_is "attach: regions are named by their path" $? 0

# The batched sampler against the page-by-page one (VMSCOPE_PM_UNBATCHED=1)
# on the mappings only this process maps (not files, the vdso or vvar,
# whose map counts other processes change).
own_regions() {
	sed -n 2p "$1" | sed 's/}, {/}\n{/g' | grep -v '"x_path": "/' | grep -v '"name": "\[v'
}
"$V" attach $spid --count 1 -o b.jsonl >/dev/null 2>&1
VMSCOPE_PM_UNBATCHED=1 "$V" attach $spid --count 1 -o ub.jsonl >/dev/null 2>&1
own_regions b.jsonl | sed 's/"x_time_ms": [0-9.]*//' >b.own
own_regions ub.jsonl | sed 's/"x_time_ms": [0-9.]*//' >ub.own
[ -s b.own ] && cmp -s b.own ub.own
tap_is "attach: batched and page-by-page samplers observe the same" $? 0

# A process of many mappings: its observation is written while smaps is
# still read (as the pagemap thread reads their pages), and is the one written
# to standard output, which waits for the read's end (it could not take
# back a partial observation).
all_own() {
	grep '"op": "observe"' "$1" | sed 's/}, {/}\n{/g' | grep -v '"x_path": "/' |
		grep -v '"name": "\[v' | sed 's/"x_time_ms": [0-9.]*//'
}
if [ -x "${BUILDDIR:-.}/tests/many_maps" ]; then
	rm -f mm.in && mkfifo mm.in
	"${BUILDDIR:-.}/tests/many_maps" 5000 <mm.in >mm.out &
	mpid=$!
	exec 9>mm.in
	n=0
	while ! grep -q ready mm.out 2>/dev/null && [ $n -lt 500 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	# Whether the pagemap thread reads a batch before the smaps read ends
	# is a race a loaded machine (make -j check) can lose: up to three tries.
	for try in 1 2 3; do
		"$V" attach $mpid --count 1 -o s.jsonl >s.out 2>&1
		st=$?
		k=$(sed -n 's/.*; \([0-9]*\) mappings done while smaps was read.*/\1/p' s.out)
		[ $st -ne 0 ] || [ -n "$k" ] && break
	done
	tap_is "attach of 5000 mappings: exit 0" $st 0
	"$V" attach $mpid --count 1 -o - >n.jsonl 2>/dev/null
	exec 9>&-
	wait $mpid
	if [ -n "$k" ] && [ "$k" -gt 0 ]; then
		tap_ok "attach of 5000 mappings: $k written while smaps was read"
	else
		tap_skip "attach of 5000 mappings: written while smaps was read" \
			"the pagemap thread read nothing before the smaps read ended here"
	fi
	tap_check "attach of 5000 mappings: the trace validates" "$V" validate s.jsonl
	tap_is "attach of 5000 mappings: in several observe lines" \
		"$(grep -c '"op": "observe"' s.jsonl)" 6
	all_own s.jsonl >s.own
	all_own n.jsonl >n.own
	[ "$(wc -l <s.own)" -ge 5000 ] && cmp -s s.own n.own
	tap_is "attach of 5000 mappings: the same as written after the read" $? 0
else
	tap_skip "attach of 5000 mappings" "tests/many_maps not built"
fi

# --only and --min-size keep some mappings out of the observations.
names() { grep -o '"name": "[^"]*"' "$1" | sed 's/"name": //' | sort -u; }
"$V" attach $spid --count 1 --only heap,stack -o only.jsonl >/dev/null 2>&1
got=$(names only.jsonl | tr '\n' ' ')
case $got in '"[stack]" '|'"[heap]" "[stack]" ') tap_ok "attach --only heap,stack" ;;
*) tap_fail "attach --only heap,stack" "$got" ;; esac
"$V" attach $spid --count 1 --only file -o file.jsonl >/dev/null 2>&1
if [ -n "$(names file.jsonl)" ] && ! names file.jsonl | grep -qv '^"/'; then
	tap_ok "attach --only file: every region is a file"
else
	tap_fail "attach --only file: every region is a file" "$(names file.jsonl)"
fi
"$V" attach $spid --count 1 --min-size 64K -o big.jsonl >/dev/null 2>&1
small=$(sed -n 's/"start": "0x\([0-9a-f]*\)", "end": "0x\([0-9a-f]*\)"/\n\1 \2\n/gp' big.jsonl |
	while read -r a b; do
		case $a in *[!0-9a-f]*|'') continue ;; esac
		[ $((0x$b - 0x$a)) -lt 65536 ] && echo "$a-$b"
	done)
if grep -q '"op": "observe"' big.jsonl && [ -z "$small" ]; then
	tap_ok "attach --min-size 64K: no smaller region"
else
	tap_fail "attach --min-size 64K: no smaller region" "$small"
fi
"$V" attach $spid --count 1 --only hep >/dev/null 2>bad.err
tap_is "attach --only hep: exit 2" $? 2
grep -q "not 'hep'" bad.err
tap_is "attach --only hep: names the bad kind" $? 0
"$V" attach $spid --count 1 --min-size 1X >/dev/null 2>bad.err
tap_is "attach --min-size 1X: exit 2" $? 2

"$V" attach $spid $$ --interval 10 --count 2 -o two.jsonl >two.out 2>two.err
tap_is "attach two processes: exit 0" $? 0
tap_is "attach two processes: two observe events per sample" "$(grep -c '"op": "observe"' two.jsonl)" 4
kill $spid 2>/dev/null
wait $spid 2>/dev/null

start_sleep 0.3
"$V" attach $spid --interval 50 -o gone.jsonl >gone.out 2>gone.err
tap_is "a process that exits: exit 0" $? 0
grep -q "process $spid (sleep) exited after [0-9]* samples; stopping (the trace keeps what was sampled)" gone.err
tap_is "a process that exits: a clear message" $? 0 
tap_check "a process that exits: the samples are kept" "$V" validate gone.jsonl

# A zombie (exited, not reaped by its parent) has no memory to sample:
# attach says so and fails, rather than succeed with nothing written.
sh -c 'sleep 0 & exec sleep 30' &
zparent=$!
zpid="" n=0
while [ -z "$zpid" ] && [ $n -lt 500 ]; do
	for st in /proc/[0-9]*/stat; do
		set -- $(sed 's/.*) //' "$st" 2>/dev/null)
		if [ "${1:-}" = Z ] && [ "${2:-}" = "$zparent" ]; then
			zpid=${st#/proc/}
			zpid=${zpid%/stat}
		fi
	done
	[ -n "$zpid" ] || sleep 0.01
	n=$((n + 1))
done
if [ -n "$zpid" ]; then
	"$V" attach "$zpid" --count 1 --batch -o zombie.jsonl >/dev/null 2>zombie.err
	tap_is "a zombie: exit 1" $? 1
	grep -q "process $zpid (sleep) is a zombie" zombie.err
	tap_is "a zombie: a clear message" $? 0
	[ ! -e zombie.jsonl ]
	tap_is "a zombie: no trace file" $? 0
else
	tap_skip "a zombie" "could not make one"
fi
kill $zparent 2>/dev/null
wait $zparent 2>/dev/null

"$V" attach 999999999 --count 1 >/dev/null 2>bad.err
tap_is "no such process: exit 1" $? 1
"$V" attach --count 1 >/dev/null 2>usage.err
tap_is "no pid: exit 2" $? 2

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	start_sleep 30
	setpriv --reuid=65534 --regid=65534 --clear-groups "$V" attach $spid --count 1 -o "$tmpdir/perm.jsonl" >perm.out 2>perm.err
	rc=$?
	kill $spid 2>/dev/null
	wait $spid 2>/dev/null
	tap_is "permission refused: exit 1" $rc 1
	grep -q "Permission denied (another user's process" perm.err
	tap_is "permission refused: a clear message" $? 0
else
	tap_skip "permission refused" "needs root and setpriv"
fi

# --follow: a shell that forks a sleep half a second in; the child is
# sampled from the first sample that sees it, and exits before the parent.
sh -c 'sleep 0.5; sleep 1; sleep 1' &
fpid=$!
"$V" attach $fpid --follow --interval 50 --count 40 -o f.jsonl >f.out 2>f.err
tap_is "attach --follow: exit 0" $? 0
tap_check "attach --follow: the trace validates" "$V" validate f.jsonl
grep -q '"op": "fork", "task": "[^"]*", "child": "[^"]*-[0-9]*"' f.jsonl || { cat f.jsonl f.err | grep -v observe >&2; false; }
tap_is "attach --follow: the child's fork is a fork event naming it" $? 0
grep -q '"op": "exit", "task": "[a-z]*-[0-9]*"' f.jsonl
tap_is "attach --follow: the child's exit is an exit event" $? 0
case $(cat f.err) in *"forked "*) tap_ok "attach --follow: says the fork" ;;
*) tap_fail "attach --follow: says the fork" "$(cat f.err)" ;; esac
tap_is "attach --follow: the child is sampled (an observe of it)" \
	"$(grep -c '"op": "observe", "task": "[a-z]*-[0-9]*"' f.jsonl | awk '{print ($1 > 0)}')" 1
wait $fpid 2>/dev/null
tap_done
