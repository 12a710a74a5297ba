#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/redis.sh -- data/demo-redis.sh records a real Redis BGSAVE (TAP).
#
# Runs the demo with 16 MB, without the player: the trace must be valid,
# have the fork of the BGSAVE child (named redis-server-2), observations
# after the fork and before each exit, and both exits; no redis-server of
# ours may be left.  Skipped when redis-server is not installed (the demo
# installs it with --install) or ptrace is not permitted.

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${VMSCOPE:?VMSCOPE must name the vmscope binary}"
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

[ "$(uname -s)" = Linux ] || tap_skip_all "recording a program needs Linux"
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 ||
	tap_skip_all "redis-server is not installed (sh data/demo-redis.sh --install installs it)"
tmpdir_make
if ! "$VMSCOPE" record -o "$tmpdir/probe.jsonl" -- /bin/true 2>"$tmpdir/probe.err"; then
	case $(cat "$tmpdir/probe.err") in
	*"ptrace is not permitted"*) tap_skip_all "$(cat "$tmpdir/probe.err")" ;;
	esac
fi
trace=$tmpdir/redis.jsonl
out=$(TMPDIR=$tmpdir sh "$SRCDIR/data/demo-redis.sh" --mb 16 --no-play -o "$trace" "$VMSCOPE" 2>&1)
tap_is "demo-redis exits 0" "$?" 0
tap_check "the trace is valid" "$VMSCOPE" validate "$trace"
if grep -q '"op": "fork", "task": "redis-server", "child": "redis-server-2"' "$trace"; then
	tap_ok "BGSAVE is a fork naming the child"
else
	tap_fail "BGSAVE is a fork naming the child" "$(grep '"op": "fork"' "$trace")" "$out"
fi
tap_is "observed after the fork (2) and before each exit (2)" \
	"$(grep -c '"op": "observe"' "$trace")" 4
tap_is "the child and the server exit" "$(grep -c '"op": "exit"' "$trace")" 2
case $out in *"observe steps"*) tap_ok "the demo prints what check says" ;;
*) tap_fail "the demo prints what check says" "$out" ;; esac
tap_is "no redis-server of the demo is left" "$(pgrep -f "$tmpdir/vmscope-redis" | wc -l | tr -d " ")" 0
tap_done
