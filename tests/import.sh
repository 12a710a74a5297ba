#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/import.sh -- vmscope import: captures in, traces out (TAP).
#
# Each set of sample captures in tests/import/ is imported and the trace
# compared byte for byte with its golden in tests/import/golden/ (reviewed
# by eye; regenerate with VMSCOPE_REGEN=1 and review the diff).  Every
# trace must load (validate) and replay (dump --json --all: one line per
# step).  Bad captures must fail with exit 2, exact FILE:LINE messages and
# no trace left behind; unreadable files and outputs exit 1.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"
tmpdir_make
V=$VMSCOPE
I=$SRCDIR/tests/import
G=$I/golden

# run CMD...: sets $rc, $out (stdout) and $err (stderr).
run() {
	"$@" >"$tmpdir/out" 2>"$tmpdir/err"
	rc=$?
	out=$(cat "$tmpdir/out")
	err=$(cat "$tmpdir/err")
}

# golden NAME STEPS KIND [ARGS...]: import ARGS (files relative to
# tests/import) into NAME.jsonl and compare with the golden.
golden() {
	name=$1 steps=$2 kind=$3
	shift 3
	run sh -c 'cd "$1" && shift && exec "$@"' sh "$I" "$V" import "$kind" "$@" -o "$tmpdir/$name.jsonl"
	if [ "$rc" -ne 0 ]; then
		tap_fail "import $name" "exit $rc" "$err"
		return
	fi
	if [ "${VMSCOPE_REGEN:-}" = 1 ]; then
		cp "$tmpdir/$name.jsonl" "$G/$name.jsonl"
	fi
	if cmp -s "$tmpdir/$name.jsonl" "$G/$name.jsonl"; then
		tap_ok "import $name matches its golden"
	else
		tap_fail "import $name matches its golden" \
			"$(diff "$G/$name.jsonl" "$tmpdir/$name.jsonl" | head -n 20)"
	fi
	run "$V" validate "$tmpdir/$name.jsonl"
	tap_is "import $name: the trace validates" "$rc" 0
	run "$V" dump --json --all "$tmpdir/$name.jsonl"
	tap_is "import $name: $steps observe steps replay" \
		"$(printf '%s\n' "$out" | grep -c '"op":"observe"')" "$steps"
}

golden finder-arm64 1 vmmap finder-arm64.vmmap
golden server-x86 2 vmmap --task server server-x86-1.vmmap server-x86-2.vmmap
golden python-smaps 2 smaps --task python python-parent.smaps python-child.smaps
golden python-maps 1 maps python-parent.maps
golden ext2fs 2 vminfo --task ext2fs ext2fs-before.vminfo ext2fs-after.vminfo
golden decimal 1 vminfo decimal.vminfo

# Facts a reader of the goldens relies on.
head -n 1 "$G/finder-arm64.jsonl" | grep -q '"profile": "xnu-arm64".*"page_size": 16384' &&
	tap_ok "vmmap with 'VM page size: 16384' -> xnu-arm64" ||
	tap_fail "vmmap with 'VM page size: 16384' -> xnu-arm64"
head -n 1 "$G/server-x86.jsonl" | grep -q '"profile": "xnu-x86_64".*not 16 KiB aligned' &&
	tap_ok "vmmap without a page size, 4K-aligned regions -> xnu-x86_64, and says why" ||
	tap_fail "vmmap without a page size, 4K-aligned regions -> xnu-x86_64, and says why"
head -n 1 "$G/python-smaps.jsonl" | grep -q '"profile": "linux".*ref_count (the largest map count) is not in smaps' &&
	tap_ok "smaps -> linux, with a note that ref_count is unobserved" ||
	tap_fail "smaps -> linux, with a note that ref_count is unobserved"
grep -q '"start": "0x13b000000", "end": "0x13b100000", "name": "MALLOC_LARGE (reused)", "prot": "rw-", "max_prot": "rwx", "share_mode": "SM_EMPTY", "ref_count": 0, "pages_resident": 0, "pages_dirtied": 0, "pages_swapped": 0, "x_shrmod": "NUL", "x_purge": "V", "x_detail": "MallocHelperZone_0x102f18000"' "$G/finder-arm64.jsonl" &&
	tap_ok "vmmap: region type with spaces, PURGE column, detail" ||
	tap_fail "vmmap: region type with spaces, PURGE column, detail"
grep -q '"start": "0x7effbbe68000", "end": "0x7effbbe70000", "name": "/dev/zero (deleted)", "prot": "rw-", "max_prot": "rwx", "share_mode": "SM_SHARED"' "$G/python-smaps.jsonl" &&
	tap_ok "smaps: an 's' mapping is SM_SHARED" ||
	tap_fail "smaps: an 's' mapping is SM_SHARED"

# bad CASE KIND FILE WANT: import must exit 2 with exactly WANT on stderr.
bad() {
	run sh -c 'cd "$1" && shift && exec "$@"' sh "$I" "$V" import "$2" "$3" -o "$tmpdir/bad.jsonl"
	tap_is "$1: exit 2" "$rc" 2
	tap_is "$1: message" "$err" "$4"
	if [ -e "$tmpdir/bad.jsonl" ] || ls "$tmpdir"/.bad.jsonl.* >/dev/null 2>&1; then
		tap_fail "$1: no trace written"
	else
		tap_ok "$1: no trace written"
	fi
}

bad "vmmap with bad table lines" vmmap bad-table.vmmap \
"bad-table.vmmap:7: unknown share mode 'SM=XYZ' (want COW, PRV, NUL, ALI, SHM, S/A, ZER)
bad-table.vmmap:8: not a vmmap region line (no START-END address range)
bad-table.vmmap:9: bad size '16Q' in [ ... ]
bad-table.vmmap:10: bad protection 'rwz/rw-' (want like rw-/rwx)"
bad "smaps with a bad field and a bad range" smaps bad.smaps \
"bad.smaps:4: neither a maps line nor an smaps field ('Name: N kB' or 'VmFlags: ...')
bad.smaps:6: mapping start 0x7f0000002000 is not below its end 0x7f0000001000"
bad "vminfo with bad details, overlap, address only" vminfo bad.vminfo \
"bad.vminfo:2: bad detail 'prot=RQ' (want prot=, max_prot=, inherit=share|none, shared, mem_obj=, offs=)
bad.vminfo:3: bad detail 'colour=blue' (want prot=, max_prot=, inherit=share|none, shared, mem_obj=, offs=)
bad.vminfo:4: region at 0x2800 overlaps the previous one (ends at 0x4000)
bad.vminfo:5: not a vminfo line (want ADDR[SIZE] (prot=...); vminfo -a or -s alone prints too little to import)"
bad "smaps given to the vmmap importer" vmmap python-parent.smaps \
"python-parent.smaps: this looks like smaps output, not vmmap (try 'vmscope import smaps')"
bad "vmmap given to the vminfo importer" vminfo finder-arm64.vmmap \
"finder-arm64.vmmap: this looks like vmmap output, not vminfo (try 'vmscope import vmmap')"
bad "vminfo given to the smaps importer" smaps ext2fs-after.vminfo \
"ext2fs-after.vminfo: this looks like vminfo output, not smaps (try 'vmscope import vminfo')"
: >"$tmpdir/empty.vminfo"
bad "an empty file" vminfo "$tmpdir/empty.vminfo" "$tmpdir/empty.vminfo: empty file: not vminfo output"
bad "a trace given to an importer" vmmap "$SRCDIR/data/fork-lifecycle.jsonl" \
"$SRCDIR/data/fork-lifecycle.jsonl: this looks like a vmscope trace or other JSON, not vmmap output"
printf 'ab\000cd\n' >"$tmpdir/nul.smaps"
bad "binary data" smaps "$tmpdir/nul.smaps" "$tmpdir/nul.smaps:1: binary data (NUL byte): not a text capture"

run "$V" import vmmap "$tmpdir/missing.vmmap" -o "$tmpdir/x.jsonl"
tap_is "a missing capture exits 1" "$rc" 1
tap_is "a missing capture is named" "$err" "$tmpdir/missing.vmmap: cannot open: No such file or directory"
run "$V" import vmmap "$I/finder-arm64.vmmap" -o "$tmpdir/no/such/dir/x.jsonl"
tap_is "an unwritable output exits 1" "$rc" 1
run "$V" import frob "$I/finder-arm64.vmmap" -o "$tmpdir/x.jsonl"
tap_is "an unknown kind exits 2" "$rc" 2
run "$V" import vmmap "$I/finder-arm64.vmmap"
tap_is "import without -o exits 2" "$rc" 2
run "$V" import vmmap --task "" "$I/finder-arm64.vmmap" -o "$tmpdir/x.jsonl"
tap_is "an empty --task exits 2" "$rc" 2
run "$V" import vmmap --task xyz "$I/finder-arm64.vmmap" -o "$tmpdir/x.jsonl"
case $(head -n 1 "$tmpdir/x.jsonl") in *'"tasks": ["xyz"]'*) tap_ok "--task names the task" ;;
*) tap_fail "--task names the task" ;; esac

run "$V" import vmmap --name abc "$I/finder-arm64.vmmap" -o "$tmpdir/x.jsonl"
case $(head -n 1 "$tmpdir/x.jsonl") in *'"tasks": ["abc"]'*) tap_ok "--name names the task too" ;;
*) tap_fail "--name names the task too" ;; esac

# Not one entry per mapping: refused with a pointer to the right file.
printf '%s\n' '00400000-7ffd0000 ---p 00000000 00:00 0                          [rollup]' \
	'Rss:                1024 kB' >"$tmpdir/smaps_rollup"
bad "smaps_rollup is refused" smaps "$tmpdir/smaps_rollup" \
"$tmpdir/smaps_rollup: this looks like /proc/PID/smaps_rollup (the totals of all mappings, not one entry per mapping: import /proc/PID/smaps instead), not smaps output"
printf 'Name:\tbash\nState:\tS (sleeping)\n' >"$tmpdir/status"
bad "/proc/PID/status is refused" smaps "$tmpdir/status" \
"$tmpdir/status: this looks like a /proc status or meminfo file (no mappings: import /proc/PID/smaps or maps), not smaps output"

# A live /proc/PID/smaps: the task is named after the process, not "smaps".
if [ -r /proc/$$/smaps ] && [ -r /proc/$$/comm ]; then
	run "$V" import smaps /proc/$$/smaps -o "$tmpdir/live.jsonl"
	case $(head -n 1 "$tmpdir/live.jsonl") in
	*"\"tasks\": [\"$(cat /proc/$$/comm)\"]"*) tap_ok "/proc/PID/smaps: the task is the process's command" ;;
	*) tap_fail "/proc/PID/smaps: the task is the process's command" "$(head -c 300 "$tmpdir/live.jsonl")" ;;
	esac
else
	tap_skip "/proc/PID/smaps: the task is the process's command" "no readable /proc/$$/smaps"
fi

# What an importer writes always loads: a process name of 40 bytes that
# are not UTF-8 (each would grow to 3 bytes as U+FFFD, past the loader's
# 64-byte limit) and a region type made only of an escape sequence.
{
	printf 'Process:         %s [612]\n\n' "$(head -c 40 /dev/zero | tr '\000' '\377')"
	printf '==== Writable regions for process 612\n'
	printf 'REGION TYPE                    START - END         [ VSIZE  RSDNT  DIRTY   SWAP] PRT/MAX SHRMOD PURGE    REGION DETAIL\n'
	printf '\033[2J                     102d74000-102dd0000    [  368K   368K    64K     0K] rw-/rwx SM=PRV\n'
} >"$tmpdir/hostile.vmmap"
run "$V" import vmmap "$tmpdir/hostile.vmmap" -o "$tmpdir/hostile.jsonl"
tap_is "hostile names: import succeeds" "$rc" 0
tap_check "hostile names: the trace it wrote loads" "$V" validate "$tmpdir/hostile.jsonl"
if od -An -c "$tmpdir/hostile.jsonl" | grep -q '033'; then
	tap_fail "hostile names: no escape character reaches the trace"
else
	tap_ok "hostile names: no escape character reaches the trace"
fi
# An ESC in a capture's file name never reaches the terminal in a message.
esc=$(printf 'x\033]0;pwn\007.vmmap')
run "$V" import vmmap "$tmpdir/$esc" -o "$tmpdir/x.jsonl"
if printf '%s' "$err" | od -An -c | grep -q '033\|007'; then
	tap_fail "an escape sequence in a file name is not echoed" "$err"
else
	tap_ok "an escape sequence in a file name is not echoed"
fi

tap_done
