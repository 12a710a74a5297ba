#!/bin/sh
# SPDX-License-Identifier: MIT
# demo-redis.sh -- Redis BGSAVE for real: record redis-server with vmscope
# while it fills memory and forks a child to save it, then replay.
#
#   sh data/demo-redis.sh [--install] [--mb N] [-o TRACE] [--no-play] [VMSCOPE]
#
# Starts redis-server under `vmscope record -- ...` on a free local port
# with persistence off and the data directory in a temporary directory,
# fills about N MB (default 200) with DEBUG POPULATE, runs BGSAVE, waits
# for the child to finish, shuts the server down and prints what `vmscope
# check --profile linux` says.  Then, on a terminal and without --no-play,
# opens the replay: the parent and the BGSAVE child side by side, their
# pages copy-on-write after the fork and the child's exit.
#   --install   install the redis-server package first when it is missing
#               (apt-get, through sudo when not root)
#   -o TRACE    keep the trace there (default: redis-bgsave.jsonl here)
# Exit: 0 recorded, 1 a failure, 2 bad arguments or no redis-server.

set -eu

mb=200
out=redis-bgsave.jsonl
install=no
play=yes
vmscope=
while [ $# -gt 0 ]; do
	case $1 in
	--install) install=yes ;;
	--mb) shift; mb=${1:?--mb needs a size in MB} ;;
	-o) shift; out=${1:?-o needs a file} ;;
	--no-play) play=no ;;
	-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "demo-redis: unknown option $1" >&2; exit 2 ;;
	*) vmscope=$1 ;;
	esac
	shift
done
case $mb in ''|*[!0-9]*) echo "demo-redis: --mb needs a number of MB, not '$mb'" >&2; exit 2 ;; esac
if [ -z "$vmscope" ]; then
	vmscope=$(command -v vmscope 2>/dev/null || echo ./vmscope)
fi

if ! command -v redis-server >/dev/null 2>&1; then
	if [ "$install" != yes ]; then
		echo "demo-redis: redis-server is not installed (run with --install, or apt-get install redis-server)" >&2
		exit 2
	fi
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq && $sudo apt-get install -y -qq redis-server >/dev/null ||
		{ echo "demo-redis: cannot install redis-server" >&2; exit 1; }
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/vmscope-redis.XXXXXX")
rec=
cleanup() {
	redis-cli -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
	[ -n "$rec" ] && wait "$rec" 2>/dev/null || true
	rm -rf "$dir"
}
# A free port: the first of a few that nothing answers on.
port=$((20000 + $$ % 20000))
while redis-cli -p "$port" PING >/dev/null 2>&1; do
	port=$((port + 1))
done
trap cleanup EXIT
trap 'exit 130' INT TERM

debug=
case $(redis-server --version) in *"v=7"*|*"v=8"*|*"v=9"*) debug="--enable-debug-command yes" ;; esac
echo "demo-redis: recording redis-server on port $port into $out"
# shellcheck disable=SC2086  # $debug is two words or none
"$vmscope" record -o "$out" -- redis-server --port "$port" --bind 127.0.0.1 --save '' \
	--appendonly no --dir "$dir" --daemonize no $debug >"$dir/server.log" 2>&1 &
rec=$!
i=0
until [ "$(redis-cli -p "$port" PING 2>/dev/null)" = PONG ]; do
	i=$((i + 1))
	if [ "$i" -gt 300 ] || ! kill -0 "$rec" 2>/dev/null; then
		echo "demo-redis: redis-server did not start:" >&2
		tail -n 5 "$dir/server.log" >&2
		exit 1
	fi
	sleep 0.1
done

keys=$((mb * 1024))   # 1 KiB values
echo "demo-redis: filling about $mb MB ($keys keys)"
redis-cli -p "$port" DEBUG POPULATE "$keys" key 1024 >/dev/null
echo "demo-redis: BGSAVE (the fork)"
redis-cli -p "$port" BGSAVE >/dev/null
i=0
until redis-cli -p "$port" INFO persistence | grep -q '^rdb_bgsave_in_progress:0'; do
	i=$((i + 1))
	[ "$i" -lt 1200 ] || { echo "demo-redis: BGSAVE did not finish" >&2; exit 1; }
	sleep 0.1
done
redis-cli -p "$port" INFO persistence | grep -q '^rdb_last_bgsave_status:ok' ||
	{ echo "demo-redis: BGSAVE failed" >&2; exit 1; }
redis-cli -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
wait "$rec" || true
rec=
echo "demo-redis: recorded $out"
"$vmscope" check --profile linux "$out" | tail -n 1 || true
rm -rf "$dir"
trap - EXIT
if [ "$play" = yes ] && [ -t 0 ] && [ -t 1 ]; then
	exec "$vmscope" "$out"
fi
