#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/record.sh -- vmscope record: scenarios run for real on Linux (TAP).
#
# Records fork-lifecycle, redis-bgsave, mach-shared-memory, ali-vs-shm,
# gnumach-coalescing and the small traces of
# tests/record/ (a protect split and merge, shared memory, failing steps),
# validates each recording and requires `vmscope check --profile linux` to
# agree with it.  tests/record/pages.jsonl and large.jsonl, recorded with
# the batched and the page-by-page sampler, must be observed alike.  Then: no task
# process survives the recorder (normal exit, failing steps, SIGINT), an
# interrupted recording is a valid shorter trace, and a task killed
# mid-scenario shows as a note.  Skips on systems without Linux /proc.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"
V=$VMSCOPE
R=$SRCDIR/tests/record

[ "$(uname -s)" = Linux ] || tap_skip_all "not Linux"
[ -r /proc/self/pagemap ] && head -c 8 /proc/self/pagemap >/dev/null 2>&1 ||
	tap_skip_all "/proc/self/pagemap is not readable"
[ "$(getconf PAGESIZE)" = 4096 ] || tap_skip_all "page size is not 4096"
tmpdir_make
cd "$tmpdir" || exit 1

# The task pids a recording names (x_pid of observations, x_child_pid of forks).
pids_of() {
	grep -o '"x_\(child_\)\{0,1\}pid": [0-9]*' "$1" | sed 's/.*: //' | sort -u
}

# ok when none of the pids in trace $2 is still a process.
no_survivor() {
	left=
	for p in $(pids_of "$2"); do
		if kill -0 "$p" 2>/dev/null && [ "$(cat /proc/"$p"/comm 2>/dev/null | cut -c1-4)" = "vms:" ]; then
			left="$left $p"
		fi
	done
	if [ -z "$left" ] && [ -n "$(pids_of "$2")" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "still running:$left" "pids: $(pids_of "$2" | tr '\n' ' ')"
	fi
}

for s in fork-lifecycle redis-bgsave mach-shared-memory ali-vs-shm gnumach-coalescing \
	"$R/protect-split.jsonl"; do
	b=$(basename "$s" .jsonl)
	tap_check "record $b" "$V" record "$s" -o "$b.rec.jsonl"
	tap_check "$b: the recording validates" "$V" validate "$b.rec.jsonl"
	tap_check "$b: check --profile linux agrees" "$V" check --profile linux "$b.rec.jsonl"
done
no_survivor "no task process left after a normal recording" fork-lifecycle.rec.jsonl

tap_check "record shared-memory" "$V" record "$R/shared-memory.jsonl" -o sm.rec.jsonl
tap_check "shared-memory: the recording validates" "$V" validate sm.rec.jsonl
tap_check "shared-memory: check --profile linux agrees" "$V" check --profile linux sm.rec.jsonl
grep -q '"x_path": "/memfd:vmscope-entry' sm.rec.jsonl
tap_is "shared-memory: the memory entry is a memfd" $? 0

# The sampler batches its /proc/kpagecount and /proc/kpageflags reads; with
# VMSCOPE_PM_UNBATCHED=1 it reads them page by page, as it used to.  Both
# must classify every page of a live scenario alike (private, COW, shared,
# the zero page, untouched; across fork and exit).
observations() {
	grep '"op": "observe"' "$1" | sed -e 's/"x_pid": [0-9]*//' -e 's/vmscope-record\.[A-Za-z0-9]*/vmscope-record.X/g'
}
tap_check "record pages" "$V" record "$R/pages.jsonl" -o pages.rec.jsonl
VMSCOPE_PM_UNBATCHED=1 "$V" record "$R/pages.jsonl" -o pages.ub.jsonl 2>pages.ub.err
tap_is "record pages, unbatched sampler: exit 0" $? 0
observations pages.rec.jsonl >pages.rec.obs
observations pages.ub.jsonl >pages.ub.obs
tap_is "pages: 33 observations" "$(wc -l <pages.rec.obs | tr -d ' ')" 33
if cmp -s pages.rec.obs pages.ub.obs; then
	tap_ok "pages: batched and page-by-page samplers observe the same"
else
	tap_fail "pages: batched and page-by-page samplers observe the same" \
		"$(diff pages.ub.obs pages.rec.obs | tr ',' '\n' | grep '^[<>]' | head -n 6)"
fi
# A mapping larger than the sampler's pagemap buffer (2^18 pages) is read
# in pieces (it overflowed the buffer once).
tap_check "record large" "$V" record "$R/large.jsonl" -o large.rec.jsonl
tap_check "large: check --profile linux agrees" "$V" check --profile linux large.rec.jsonl
VMSCOPE_PM_UNBATCHED=1 "$V" record "$R/large.jsonl" -o large.ub.jsonl 2>large.ub.err
observations large.rec.jsonl >large.rec.obs
observations large.ub.jsonl >large.ub.obs
cmp -s large.rec.obs large.ub.obs
tap_is "large: batched and page-by-page samplers observe the same" $? 0
if grep -q '"map counts observed' pages.rec.jsonl; then
	for c in p c s z .; do
		if [ $c = z ] && head -n 1 pages.rec.jsonl | grep -q '"zero_page_on_read": false'; then
			tap_skip "pages: some page is classified 'z'" \
				"this kernel allocates a page on a read fault (the recording's machine)"
			continue
		fi
		grep -q '"x_pages": "[^"]*['"$c"']' pages.rec.obs
		tap_is "pages: some page is classified '$c'" $? 0
	done
else
	tap_skip "pages: every page class seen" "map counts are not readable here"
fi

"$V" record "$R/fail.jsonl" -o fail.rec.jsonl 2>fail.err
tap_is "failing steps: the recording completes" $? 0
tap_check "failing steps: check --profile linux agrees" "$V" check --profile linux fail.rec.jsonl
n=$(grep -c '"x_real": "failed"' fail.rec.jsonl)
tap_is "failing steps: two real failures recorded" "$n" 2
grep -q '"x_real": "not run", "x_real_error": "not run: no region' fail.rec.jsonl
tap_is "failing steps: an unknown region is not run" $? 0
no_survivor "no task process left after failing steps" fail.rec.jsonl

# A long scenario: fork, then many small steps (4,000: seconds of work,
# so that a signal sent once the recording is under way always lands
# mid-scenario).
{
	echo '{"vmscope": 1, "title": "long", "profile": "linux", "tasks": ["p"]}'
	echo '{"op": "allocate", "task": "p", "size": "64p", "as": "buf"}'
	echo '{"op": "fork", "task": "p", "child": "c"}'
	i=0
	while [ $i -lt 2000 ]; do
		echo '{"op": "write", "task": "c", "region": "buf", "offset": "'$((i % 64))'p", "size": "1p"}'
		echo '{"op": "read", "task": "p", "region": "buf", "offset": "'$((i % 64))'p", "size": "1p"}'
		i=$((i + 1))
	done
} >long.jsonl

# under_way TRACE: wait until the recording into TRACE has written 20
# lines (its temporary file .TRACE.XXXXXX), at most 10 s.
under_way() {
	n=0
	while [ $n -lt 1000 ]; do
		[ "$(cat ."$1".* 2>/dev/null | wc -l)" -ge 20 ] && return 0
		sleep 0.01
		n=$((n + 1))
	done
	return 1
}

# signal_case SIG STATUS: interrupt a recording with SIG once under way.
signal_case() {
	"$V" record long.jsonl -o "$1.rec.jsonl" 2>"$1.err" &
	rpid=$!
	under_way "$1.rec.jsonl"
	kill -"$1" $rpid
	wait $rpid
	tap_is "SIG$1: exit status $2" $? "$2"
	tap_check "SIG$1: the shorter trace validates" "$V" validate "$1.rec.jsonl"
	grep -q '"x_recorder": "interrupted"' "$1.rec.jsonl"
	tap_is "SIG$1: the trace ends with a note" $? 0
	if ls ."$1".rec.jsonl.* >/dev/null 2>&1; then
		tap_fail "SIG$1: no temporary file left" "$(ls -a)"
	else
		tap_ok "SIG$1: no temporary file left"
	fi
	no_survivor "SIG$1: no task process left" "$1.rec.jsonl"
}
signal_case INT 130
signal_case TERM 143

head -n 300 long.jsonl >kill.jsonl
"$V" record kill.jsonl -o kill.rec.jsonl 2>kill.err &
rpid=$!
under_way kill.rec.jsonl
kid=$(pgrep -P $rpid -x 'vms:c' 2>/dev/null || ps -o pid= --ppid $rpid | tail -n 1)
kill -KILL $kid 2>/dev/null
wait $rpid
tap_is "a task killed mid-scenario: the recording completes" $? 0
grep -q '"x_recorder": "death"' kill.rec.jsonl
tap_is "a task killed mid-scenario: a note says so" $? 0
tap_check "a task killed mid-scenario: the trace validates" "$V" validate kill.rec.jsonl
no_survivor "a task killed mid-scenario: no task process left" kill.rec.jsonl

# Without root: PFNs read as zero.  The recording says what it could not
# see, presents no guess, and still agrees with the model.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	nr=$(mktemp -d "${TMPDIR:-/tmp}/vmscope-nonroot.XXXXXX")
	chmod 777 "$nr"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$V" record fork-lifecycle \
		-o "$nr/f.jsonl" >/dev/null 2>&1
	tap_is "not root: the recording completes" $? 0
	head -n 1 "$nr/f.jsonl" | grep -q '"x_map_counts": false' &&
		head -n 1 "$nr/f.jsonl" | grep -q 'not root: PFNs read as zero'
	tap_is "not root: the header says map counts were not observed" $? 0
	tap_check "not root: check --profile linux agrees" "$V" check --profile linux "$nr/f.jsonl"
	rm -rf "$nr"
else
	tap_skip "not root recording" "needs root and setpriv to drop privileges"
fi

tap_done
