#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/valgrind.sh -- the C test programs and a few vmscope commands under
# valgrind: no invalid access, no definite or indirect leak.  Too slow for
# `make check` (about 4 minutes); .ci/run runs it.  Usage: from a build
# directory after `make check TESTS=` has built the test programs:
#     sh tests/valgrind.sh [SRCDIR]
# Prints one line per program and exits 1 if valgrind reported anything.
SRCDIR=${1:-.}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind not installed: skipped"
	exit 0
fi
vg() {
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 "$@" >/dev/null 2>vg.err
	rc=$?
	if [ $rc -eq 99 ]; then
		echo "FAILED under valgrind: $*"
		head -n 40 vg.err
		failed=1
	else
		echo "ok: $*"
	fi
}
failed=0
for t in tests/test_vm tests/test_trace tests/test_replay tests/test_model_random \
	tests/test_check tests/test_live tests/test_trace_write tests/test_ui; do
	[ -x "$t" ] && vg "./$t"
done
for s in fork-lifecycle ool-purgeable mach-shared-memory ali-vs-shm gnumach-coalescing redis-bgsave; do
	vg ./vmscope dump --json --all "$s"
	vg ./vmscope render --size 120x40 --step 3 --key '<Enter>' "$s"
done
vg ./vmscope check "$SRCDIR/tests/render/observed.jsonl"
# A trace file read lazily (as files of 8 MiB and more are), up to step 3.
VMSCOPE_LAZY_BYTES=0
export VMSCOPE_LAZY_BYTES
vg ./vmscope render --size 100x30 --step 3 "$SRCDIR/data/fork-lifecycle.jsonl"
unset VMSCOPE_LAZY_BYTES
vg ./vmscope import smaps "$SRCDIR/tests/import/python-parent.smaps" -o vg-import.jsonl
rm -f vg.err vg-import.jsonl
exit $failed
