#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/narrate.sh -- the narration speaks the replayed kernel's language.
#
# A trace replayed under a Linux profile is told in Linux terms (page
# tables, do_wp_page, anon_vma), never in Mach's (vm_object_*, needs_copy,
# shadow chains); a trace note naming the other family's mechanisms is
# hidden with a visible remark, kernel-neutral notes stay.  Under a Mach profile the same steps name
# the Mach mechanisms, so a narration that ignored the profile fails here.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
V=${VMSCOPE:-./vmscope}
mach_words='vm_object_|needs_copy|shadow chain|copy_quickly|memory entr'

screens() { # PROFILE SCENARIO STEPS...
	p=$1 s=$2
	shift 2
	for k in "$@"; do
		"$V" render --size 120x36 ${p:+--profile "$p"} --step "$k" "$s" || return 1
	done
}

for s in fork-lifecycle redis-bgsave; do
	out=$(screens linux "$s" 1 2 3 4 5 6) || tap_fail "$s renders under linux"
	if printf '%s\n' "$out" | grep -Eq "$mach_words"; then
		tap_fail "$s under linux names no Mach mechanism" \
			"$(printf '%s\n' "$out" | grep -E "$mach_words")"
	else
		tap_ok "$s under linux names no Mach mechanism"
	fi
done

out=$(screens linux fork-lifecycle 3)
case $out in *copy_present_pte*) tap_ok "linux fork is told as copying page tables" ;;
*) tap_fail "linux fork is told as copying page tables" "$out" ;; esac
case $out in *"note names Mach mechanisms; hidden under a Linux profile"*)
	tap_ok "Mach notes are hidden under linux, visibly" ;;
*) tap_fail "Mach notes are hidden under linux, visibly" "$out" ;; esac

out=$(screens "" fork-lifecycle 3)
case $out in *vm_object_copy_quickly*needs_copy*) tap_ok "mach fork names vm_object_copy_quickly" ;;
*) tap_fail "mach fork names vm_object_copy_quickly" "$out" ;; esac
case $out in *hidden*) tap_fail "own notes shown under own profile" "$out" ;;
*) tap_ok "own notes shown under own profile" ;; esac

tmpdir_make
cat >"$tmpdir/lx.jsonl" <<'JSON'
{"vmscope": 1, "profile": "linux", "tasks": ["p"]}
{"op": "allocate", "task": "p", "size": "4p", "as": "heap", "note": "A heap of four pages."}
{"op": "write", "task": "p", "region": "heap", "note": "Each write fault ends in do_wp_page."}
JSON
out=$(screens gnumach-2022 "$tmpdir/lx.jsonl" 2)
case $out in *"note names Linux mechanisms; hidden under a Mach profile"*)
	tap_ok "a note naming Linux mechanisms is hidden under a Mach profile" ;;
*) tap_fail "a note naming Linux mechanisms is hidden under a Mach profile" "$out" ;; esac
out=$(screens gnumach-2022 "$tmpdir/lx.jsonl" 1)
case $out in *"A heap of four pages."*) tap_ok "a kernel-neutral note stays under the other family" ;;
*) tap_fail "a kernel-neutral note stays under the other family" "$out" ;; esac
out=$(screens linux "$tmpdir/lx.jsonl" 2)
case $out in *"ends in do_wp_page"*) tap_ok "a Linux note shows under Linux" ;;
*) tap_fail "a Linux note shows under Linux" "$out" ;; esac

out=$("$V" dump --all --profile linux fork-lifecycle 2>&1)
case $out in *"note:"*) tap_fail "dump under linux drops Mach notes" "$out" ;;
*) tap_ok "dump under linux drops Mach notes" ;; esac
out=$("$V" dump --all fork-lifecycle 2>&1)
case $out in *"note:"*vm_object_shadow*) tap_ok "dump keeps its notes under its own profile" ;;
*) tap_fail "dump keeps its notes under its own profile" "$out" ;; esac
# At 80x24 the story (note and narration, below the step line) is never
# cut with an ellipsis, on any step of any shipped scenario.
cut=
for s in fork-lifecycle ool-purgeable ool-plain mach-shared-memory ali-vs-shm \
	gnumach-coalescing redis-bgsave; do
	n=$("$V" dump --all "$s" | grep -c '^==== step')
	k=1
	while [ "$k" -lt "$n" ]; do
		if "$V" render --size 80x24 --step "$k" "$s" |
			awk '/^ Step [0-9]+\//{f=1;next} f' | sed '$d' | grep -q '…$'; then
			cut="$cut $s:$k"
		fi
		k=$((k + 1))
	done
done
if [ -z "$cut" ]; then tap_ok "no step's story is cut at 80x24"
else tap_fail "no step's story is cut at 80x24" "cut at:$cut"; fi

# The step line holds the step and its chapter; the event opens the
# narration once, and rows whose changes read the same are told once.
out=$("$V" render --size 80x24 --step 8 ali-vs-shm)
case $out in *"Step 8/10  § protect split
"*) tap_ok "chapter title on the step line, alone" ;;
*) tap_fail "chapter title on the step line, alone" "$out" ;; esac
n=$(printf '%s\n' "$out" | grep -c 'protect app heap')
tap_is "the event is told once" "$n" 1
case $out in *"app heap (×2): new"*) tap_ok "two identical new pieces told once (×2)" ;;
*) tap_fail "two identical new pieces told once (×2)" "$out" ;; esac
out=$("$V" render --size 80x24 --step 14 gnumach-coalescing)
case $out in *"ext2fs 0xff4000…0xfff000 (×12): NUL→PRV"*) tap_ok "a run of twelve entries told as a range" ;;
*) tap_fail "a run of twelve entries told as a range" "$out" ;; esac
# The narration names the objects whose ref_count changed (hand-derived
# from the fork experiment: fork shares object 1, ref 2; the child's
# write makes shadow 2, which bypasses 1, back to ref 1).
out=$("$V" render --size 120x36 --step 3 fork-lifecycle)
case $out in *"objects: #1 ref 1→2"*) tap_ok "fork: objects: #1 ref 1→2" ;;
*) tap_fail "fork: objects: #1 ref 1→2" "$out" ;; esac
out=$("$V" render --size 120x36 --step 4 fork-lifecycle)
case $out in *"objects: #1 ref 2→1, #2 new (ref 1)"*) tap_ok "child write: #1 ref 2→1, #2 new" ;;
*) tap_fail "child write: #1 ref 2→1, #2 new" "$out" ;; esac
out=$("$V" render --size 120x36 --step 4 --profile linux fork-lifecycle)
case $out in *"objects:"*) tap_fail "no objects named under linux" "$out" ;;
*) tap_ok "no objects named under linux" ;; esac
tap_done
