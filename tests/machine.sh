#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/machine.sh -- the trace header's "machine": what record probes on
# the running kernel, and how the replay and check use it.
#
# The model must not assume this machine's kernel.  A read fault on
# untouched anonymous memory maps the shared zero page in
# mm/memory.c:do_anonymous_page (Rss does not grow) unless the kernel
# forbids it; a trace whose machine said "zero_page_on_read": false is
# replayed with the read allocating a zeroed page (resident 1).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
V=${VMSCOPE:-./vmscope}
tmpdir_make

trace() { # ZERO_PAGE_ON_READ
	printf '%s\n' \
	'{"vmscope": 1, "profile": "linux", "tasks": ["p"], "machine": {"kernel": "6.1", "zero_page_on_read": '"$1"'}}' \
	'{"op": "allocate", "task": "p", "size": "4p", "as": "buf"}' \
	'{"op": "read", "task": "p", "region": "buf", "size": "1p"}'
}
trace true >"$tmpdir/zero.jsonl"
trace false >"$tmpdir/nozero.jsonl"
out=$("$V" dump "$tmpdir/zero.jsonl" | tail -1)
case $out in *"[   16K     0K     0K     0K] rw-/rwx SM=NUL"*) tap_ok "zero page on read: nothing resident" ;;
*) tap_fail "zero page on read: nothing resident" "$out" ;; esac
out=$("$V" dump "$tmpdir/nozero.jsonl" | tail -1)
case $out in *"[   16K     4K     0K     0K] rw-/rwx SM=PRV    1"*) tap_ok "no zero page: the read allocates a page" ;;
*) tap_fail "no zero page: the read allocates a page" "$out" ;; esac

printf '%s\n' '{"vmscope": 1, "profile": "linux", "tasks": ["p"], "machine": {"kernel": "6.1 #1", "page_size": 4096, "thp": "never", "ksm": true, "overcommit": 2, "zero_page_on_read": false}}' \
	'{"op": "observe", "task": "p", "regions": []}' >"$tmpdir/obs.jsonl"
out=$("$V" check "$tmpdir/obs.jsonl")
case $out in *"recorded on: Linux 6.1 #1, 4096-byte pages, THP never, KSM on, overcommit never, read of untouched memory maps nothing"*)
	tap_ok "check says what machine the trace was recorded on" ;;
*) tap_fail "check says what machine the trace was recorded on" "$out" ;; esac

# record probes the machine it runs on; compare with what /sys and
# getconf say here.
if [ "$(uname -s)" != Linux ] || [ ! -r /proc/self/pagemap ] || [ "$(getconf PAGESIZE)" != 4096 ]; then
	tap_skip "record writes the machine it ran on" "needs Linux, pagemap and 4K pages"
else
	if ! "$V" record fork-lifecycle -o "$tmpdir/rec.jsonl" >/dev/null 2>"$tmpdir/rec.err"; then
		tap_skip "record writes the machine it ran on" \
			"record cannot run here: $(head -1 "$tmpdir/rec.err")"
		tap_done
	fi
	h=$(head -1 "$tmpdir/rec.jsonl")
	case $h in *"\"machine\": {\"kernel\": \"$(uname -r) "*"\"page_size\": $(getconf PAGESIZE)"*"\"zero_page_on_read\": "*)
		tap_ok "record writes the machine: kernel, page size, zero page" ;;
	*) tap_fail "record writes the machine: kernel, page size, zero page" "$h" ;; esac
	thp=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
	if [ -z "$thp" ]; then
		tap_skip "record writes the THP mode" "no /sys/kernel/mm/transparent_hugepage"
	else
		case $h in *"\"thp\": \"$thp\""*) tap_ok "record writes the THP mode ($thp)" ;;
		*) tap_fail "record writes the THP mode ($thp)" "$h" ;; esac
	fi
	tap_check "the recorded trace validates" "$V" validate "$tmpdir/rec.jsonl"
fi
tap_done
