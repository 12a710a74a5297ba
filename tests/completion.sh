#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/completion.sh -- the bash completion completes commands, options,
# profiles, views and scenario names, all asked of the vmscope under test;
# the zsh completion parses (TAP).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"

if ! command -v bash >/dev/null 2>&1; then
	tap_skip_all "bash is not installed"
fi
bindir=$(cd "$(dirname "$VMSCOPE")" && pwd)
tmpdir_make     # an empty directory: no file name is offered beside the words

# complete WORD...: what the bash completion offers for the last word.
complete_words() {
	PATH="$bindir:$PATH" bash -c '
		source "$0" || exit 1
		dir=$1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		cd "$dir" && _vmscope
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " "
	' "$SRCDIR/completions/vmscope" "$tmpdir" vmscope "$@"
}

tap_is "vmscope du<TAB>: the dump command" "$(complete_words du)" "dump "
tap_is "vmscope re<TAB>: record, redis-bgsave, render" "$(complete_words re)" \
	"record redis-bgsave render "
tap_is "vmscope dump --js<TAB>: dump's option" "$(complete_words dump --js)" "--json "
tap_is "vmscope render --vi<TAB>: render's --view" "$(complete_words render --size 80x24 --vi)" "--view "
tap_is "vmscope --profile gnu<TAB>: the GNU Mach profiles" "$(complete_words --profile gnu)" \
	"gnumach gnumach-2022 "
tap_is "vmscope --view <TAB>: the three views" "$(complete_words --view '')" "both model observed "
tap_is "vmscope dump fork<TAB>: a scenario name" "$(complete_words dump fork)" "fork-lifecycle "
tap_is "vmscope import sm<TAB>: the capture kinds" "$(complete_words import sm)" "smaps "
tap_is "vmscope render --format a<TAB>" "$(complete_words render --format a)" "ansi "

if command -v zsh >/dev/null 2>&1; then
	tap_check "the zsh completion parses" zsh -n "$SRCDIR/completions/_vmscope"
else
	tap_skip "the zsh completion parses" "zsh is not installed"
fi
tap_done
