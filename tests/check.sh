#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/check.sh -- vmscope check: observations against the model (TAP).
#
# Small hand-written traces: one whose observations agree with the model
# (fork lifecycle, a region clipped in three by protect, paired piece by
# piece) must exit 0; one with every kind of disagreement (boundaries,
# prot, share mode, ref_count, resident pages, an extra observed region, a
# missing one, a task the model does not have, SHM against a COW region)
# must exit 1 with exactly the expected lines.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"
tmpdir_make
V=$VMSCOPE

run() {
	"$@" >"$tmpdir/out" 2>"$tmpdir/err"
	rc=$?
	out=$(cat "$tmpdir/out")
	err=$(cat "$tmpdir/err")
}

cd "$tmpdir" || exit 1
cat >agree.jsonl <<'EOT'
{"vmscope": 1, "title": "fork, observed", "profile": "xnu-arm64", "tasks": ["parent"]}
{"op": "allocate", "task": "parent", "size": "1p", "as": "buf"}
{"op": "observe", "task": "parent", "regions": [{"start": "0x100000000", "end": "0x100004000", "name": "buf", "prot": "rw-", "max_prot": "rwx", "share_mode": "NUL", "ref_count": 0, "pages_resident": 0}]}
{"op": "write", "task": "parent", "region": "buf"}
{"op": "observe", "task": "parent", "regions": [{"start": "0x100000000", "end": "0x100004000", "name": "buf", "share_mode": "PRV", "ref_count": 1, "pages_resident": 1}]}
{"op": "fork", "task": "parent", "child": "child"}
{"op": "observe", "task": "parent", "regions": [{"start": "0x100000000", "end": "0x100004000", "name": "buf", "share_mode": "COW", "ref_count": 2}]}
{"op": "observe", "task": "child", "regions": [{"start": "0x100000000", "end": "0x100004000", "share_mode": "COW", "ref_count": 2, "pages_resident": 1}]}
{"op": "write", "task": "child", "region": "buf"}
{"op": "read", "task": "parent", "region": "buf"}
{"op": "observe", "task": "child", "regions": [{"start": "0x100000000", "end": "0x100004000", "name": "buf", "share_mode": "SM_PRIVATE", "ref_count": 1}]}
{"op": "observe", "task": "parent", "regions": [{"start": "0x100000000", "end": "0x100004000", "name": "buf", "share_mode": "SM_COW", "ref_count": 1}]}
{"op": "allocate", "task": "parent", "size": "4p", "tag": 99, "as": "big"}
{"op": "write", "task": "parent", "region": "big"}
{"op": "protect", "task": "parent", "region": "big", "offset": "1p", "size": "1p", "prot": "r--"}
{"op": "observe", "task": "parent", "regions": [{"start": "0x100000000", "end": "0x100004000", "name": "buf"}, {"start": "0x100004000", "end": "0x100008000", "name": "big", "prot": "rw-", "share_mode": "ALI", "ref_count": 3}, {"start": "0x100008000", "end": "0x10000c000", "name": "big", "prot": "r--", "share_mode": "ALI", "ref_count": 3}, {"start": "0x10000c000", "end": "0x100014000", "name": "big", "prot": "rw-", "share_mode": "ALI", "ref_count": 3, "pages_resident": 2}]}
EOT
cat >disagree.jsonl <<'EOT'
{"vmscope": 1, "title": "fork, observed wrongly", "profile": "xnu-arm64", "tasks": ["parent"]}
{"op": "allocate", "task": "parent", "size": "2p", "as": "buf"}
{"op": "write", "task": "parent", "region": "buf", "size": "1p"}
{"op": "fork", "task": "parent", "child": "child"}
{"op": "observe", "task": "parent", "regions": [{"start": "0x100000000", "end": "0x100004000", "name": "buf", "prot": "r--", "share_mode": "PRV", "ref_count": 1, "pages_resident": 2}, {"start": "0x200000000", "end": "0x200004000", "name": "extra"}]}
{"op": "observe", "task": "child", "regions": []}
{"op": "observe", "task": "ghost", "regions": [{"start": "0x1000", "end": "0x2000"}]}
{"op": "observe", "task": "parent", "regions": [{"start": "0x100000000", "end": "0x100008000", "share_mode": "SHM"}]}
EOT

run "$V" check agree.jsonl
tap_is "agreeing trace: exit 0" "$rc" 0
tap_is "agreeing trace: summary only" "$out" \
	"agree.jsonl: 7 observe steps, 10 regions paired, 0 differences in 0 steps (profile xnu-arm64)"

run "$V" check disagree.jsonl
tap_is "disagreeing trace: exit 1" "$rc" 1
tap_is "disagreeing trace: every difference, then the summary" "$out" \
"disagree.jsonl:5: step 4: parent: buf [0x100000000-0x100004000]: boundaries: model [0x100000000-0x100008000], observed [0x100000000-0x100004000]
disagree.jsonl:5: step 4: parent: buf [0x100000000-0x100004000]: prot: model rw-, observed r--
disagree.jsonl:5: step 4: parent: buf [0x100000000-0x100004000]: share mode: model SM_COW, observed SM_PRIVATE
disagree.jsonl:5: step 4: parent: buf [0x100000000-0x100004000]: ref_count: model 2, observed 1
disagree.jsonl:5: step 4: parent: buf [0x100000000-0x100004000]: resident pages: model 1, observed 2 (16384-byte pages)
disagree.jsonl:5: step 4: parent: extra [0x200000000-0x200004000]: region: observed, but not in the model
disagree.jsonl:6: step 5: child: buf [0x100000000-0x100008000]: region: in the model, but not observed
disagree.jsonl:7: step 6: ghost: [0x1000-0x2000]: region: observed, but the task does not exist in the model
disagree.jsonl:8: step 7: parent: [0x100000000-0x100008000]: share mode: model SM_COW, observed SM_SHARED
disagree.jsonl: 4 observe steps, 2 regions paired, 9 differences in 4 steps (profile xnu-arm64)"

run "$V" check --profile linux agree.jsonl
tap_is "the same trace under another profile disagrees: exit 1" "$rc" 1
case $out in *"(profile linux)") tap_ok "--profile is named in the summary" ;;
*) tap_fail "--profile is named in the summary" "$out" ;; esac

run "$V" check fork-lifecycle
tap_is "a trace without observations agrees trivially" "$rc" 0
case $out in *"0 observe steps"*) tap_ok "and says it compared nothing" ;;
*) tap_fail "and says it compared nothing" "$out" ;; esac

run "$V" check
tap_is "check without a trace exits 2" "$rc" 2
run "$V" check "$tmpdir/missing.jsonl"
tap_is "check of a missing file exits 1" "$rc" 1
printf '{"vmscope": 1}\n' >bad.jsonl
run "$V" check bad.jsonl
tap_is "check of a malformed trace exits 2" "$rc" 2

# An imported capture against an empty model: every region differs.
run "$V" import vminfo "$SRCDIR/tests/import/decimal.vminfo" -o imported.jsonl
run "$V" check imported.jsonl
tap_is "an imported capture differs from the (empty) model: exit 1" "$rc" 1
tap_is "one difference per observed region" \
	"$(printf '%s\n' "$out" | grep -c 'observed, but not in the model')" 4

# Transparent huge pages always on (the recording machine, in the header):
# 512 resident pages for one written, in an aligned 4 MiB region, are
# explained -- said, not counted -- and check passes.
cat >thp.jsonl <<'EOF2'
{"vmscope": 1, "profile": "linux", "tasks": ["p"], "machine": {"page_size": 4096, "thp": "always"}}
{"op": "allocate", "task": "p", "addr": "0x200000000", "size": "4M", "as": "big"}
{"op": "write", "task": "p", "region": "big", "size": "1p"}
{"op": "observe", "task": "p", "regions": [{"start": "0x200000000", "end": "0x200400000", "name": "big", "pages_resident": 512}]}
EOF2
run "$V" check thp.jsonl
tap_is "THP always: a resident difference it explains does not fail check" "$rc" 0
case $out in *"model 1, observed 512"*"explained: transparent huge pages"*"0 differences"*"1 explained by the machine"*)
	tap_ok "THP always: the difference is told, with why" ;;
*) tap_fail "THP always: the difference is told, with why" "$out" ;; esac
sed 's/"always"/"madvise"/' thp.jsonl >thp-madvise.jsonl
run "$V" check thp-madvise.jsonl
tap_is "THP on madvise only: the same difference fails check" "$rc" 1

# KSM running and a mergeable mapping (VmFlags mg): more sharing than the
# model makes is told with why, not counted; without mg it is a difference.
cat >ksm.jsonl <<'EOF2'
{"vmscope": 1, "profile": "linux", "tasks": ["p"], "machine": {"page_size": 4096, "ksm": 1}}
{"op": "allocate", "task": "p", "addr": "0x200000000", "size": "2p", "as": "buf"}
{"op": "write", "task": "p", "region": "buf"}
{"op": "observe", "task": "p", "regions": [{"start": "0x200000000", "end": "0x200002000", "name": "buf", "share_mode": "SM_COW", "ref_count": 3, "pages_resident": 2, "x_vmflags": "rd wr mr mw me ac mg "}]}
EOF2
run "$V" check ksm.jsonl
tap_is "KSM on, mergeable: the sharing it explains does not fail check" "$rc" 0
case $out in *"observed SM_COW; explained: KSM runs here"*"model 1, observed 3; explained: KSM"*"1 explained by the machine"*)
	tap_ok "KSM on, mergeable: share mode and ref_count told, with why" ;;
*) tap_fail "KSM on, mergeable: share mode and ref_count told, with why" "$out" ;; esac
sed 's/ mg //' ksm.jsonl >ksm-unmergeable.jsonl
run "$V" check ksm-unmergeable.jsonl
tap_is "KSM on, not mergeable: the same sharing fails check" "$rc" 1

tap_done
