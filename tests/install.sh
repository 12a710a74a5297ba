#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/install.sh -- `make install` ships what a packager expects (TAP):
# the binary, both man pages, the docs and the trace schema, the scenarios
# in $(pkgdatadir), the bash and zsh completions; the installed binary
# finds the installed scenarios by name.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${BUILDDIR:?}"

command -v "${MAKE:-make}" >/dev/null 2>&1 || tap_skip_all "make is not installed"
[ -f "$BUILDDIR/Makefile" ] || tap_skip_all "no Makefile in $BUILDDIR"
tmpdir_make
dest=$tmpdir/root
if ! "${MAKE:-make}" -s -C "$BUILDDIR" install DESTDIR="$dest" >"$tmpdir/install.log" 2>&1; then
	tap_fail "make install DESTDIR=..." "$(tail -n 20 "$tmpdir/install.log")"
	tap_done
fi
tap_ok "make install DESTDIR=..."
prefix=$(sed -n 's/^prefix = //p' "$BUILDDIR/Makefile")
root=$dest$prefix
for f in bin/vmscope share/man/man1/vmscope.1 share/man/man5/vmscope-trace.5 \
	share/doc/vmscope/README.md share/doc/vmscope/LICENSE share/doc/vmscope/trace-format.md \
	share/doc/vmscope/model.md share/doc/vmscope/trace.schema.json \
	share/vmscope/fork-lifecycle.jsonl share/vmscope/lessons/fork-cow.jsonl \
	share/vmscope/lessons/fork-cow.answers.jsonl share/doc/vmscope/teaching.md \
	share/bash-completion/completions/vmscope \
	share/zsh/site-functions/_vmscope; do
	if [ -f "$root/$f" ]; then tap_ok "installed: $f"; else tap_fail "installed: $f"; fi
done
# The installed scenarios are found by name through VMSCOPE_DATADIR (the
# compiled-in directory is the real prefix, not DESTDIR).
cp "$root/share/vmscope/fork-lifecycle.jsonl" "$root/share/vmscope/extra-demo.jsonl"
VMSCOPE_DATADIR=$root/share/vmscope "$root/bin/vmscope" validate extra-demo >"$tmpdir/out" 2>&1
tap_is "the installed binary finds a scenario of the data directory by name" $? 0
tap_done
