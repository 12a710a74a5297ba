# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# tests/lib.sh -- tiny POSIX sh helpers for vmscope's TAP test scripts.
#
# Source it from a test script:
#
#     . "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
#
#     tap_ok   NAME               ok N - NAME
#     tap_fail NAME [DETAIL...]   not ok N - NAME, DETAIL as "#" diagnostics
#     tap_skip NAME REASON        ok N - NAME # SKIP REASON
#     tap_check NAME CMD [ARG...] run CMD; ok if it exits 0, otherwise not ok
#                                 with its exit status and output as diagnostics
#     tap_is NAME GOT WANT        ok if the two strings are equal
#     tap_diag MSG...             "# MSG", one line per argument / line
#     tap_skip_all REASON         "1..0 # SKIP REASON" and exit 0 (nothing run)
#     tap_done                    print the plan "1..N"; exit 1 if any failed
#     tmpdir_make                 mktemp -d into $tmpdir, removed at exit
#
# The plan is printed last ("late plan"), which automake's tap-driver.sh
# accepts.  Nothing here depends on bash.

tap_n=0
tap_failed=0

# No test reads the user's configuration file (theme, profile...): point
# the XDG config directory at one that does not exist, unless a test sets
# its own.
XDG_CONFIG_HOME=${VMSCOPE_TEST_XDG:-/nonexistent/vmscope-test-config}
export XDG_CONFIG_HOME

tap_diag() {
	# One argument per line, each line prefixed with "# " (a TAP comment).
	for tap__line in "$@"; do
		printf '%s\n' "$tap__line"
	done | sed 's/^/# /'
}

tap_ok() {
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s\n' "$tap_n" "$1"
}

tap_fail() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	printf 'not ok %d - %s\n' "$tap_n" "$1"
	shift
	if [ $# -gt 0 ]; then
		tap_diag "$@"
	fi
}

tap_skip() {
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s # SKIP %s\n' "$tap_n" "$1" "${2:-}"
}

tap_check() {
	tap__name=$1
	shift
	# "if" keeps a failing command from tripping "set -e" in the caller.
	if tap__out=$("$@" 2>&1); then
		tap_ok "$tap__name"
	else
		tap__rc=$?
		tap_fail "$tap__name" "command: $*" "exit status: $tap__rc" \
			"$(printf '%s\n' "$tap__out" | head -n 40)"
	fi
}

tap_is() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "got:  $2" "want: $3"
	fi
}

tap_skip_all() {
	printf '1..0 # SKIP %s\n' "$1"
	exit 0
}

tap_done() {
	printf '1..%d\n' "$tap_n"
	if [ "$tap_failed" -ne 0 ]; then
		tap_diag "$tap_failed of $tap_n tests failed"
		exit 1
	fi
	exit 0
}

# ---- temporary directories ---------------------------------------------
#
# The first call creates one private root directory and installs the
# cleanup traps; every call returns a fresh directory below it in $tmpdir,
# so repeated calls are fine and paths with spaces are handled.

tap__tmproot=

tap__cleanup() {
	if [ -n "$tap__tmproot" ]; then
		rm -rf "$tap__tmproot"
		tap__tmproot=
	fi
}

tmpdir_make() {
	if [ -z "$tap__tmproot" ]; then
		tap__tmproot=$(mktemp -d "${TMPDIR:-/tmp}/vmscope-test.XXXXXX") || {
			echo "Bail out! mktemp -d failed"
			exit 1
		}
		trap 'tap__cleanup' EXIT
		trap 'tap__cleanup; exit 129' HUP
		trap 'tap__cleanup; exit 130' INT
		trap 'tap__cleanup; exit 143' TERM
	fi
	# shellcheck disable=SC2034  # $tmpdir is for the sourcing script
	tmpdir=$(mktemp -d "$tap__tmproot/d.XXXXXX") || {
		echo "Bail out! mktemp -d failed"
		exit 1
	}
}

# ---- tmux screens -------------------------------------------------------
#
# For end-to-end tests in a real terminal; the caller defines tmx(), its
# tmux command (with its own -L socket).
#
#     tmux_screen SESSION                  the screen as text
#     tmux_wait SESSION PATTERN [TENTHS]   poll (0.1 s) until the screen
#                                          matches the extended regex; 0 if so
#     tmux_expect NAME SESSION PATTERN     one TAP line, the screen as
#                                          diagnostics on failure
#     tmux_expect_not NAME SESSION PATTERN WAIT_PATTERN
#                                          once WAIT_PATTERN shows, PATTERN
#                                          must not

tmux_screen() {
	tmx capture-pane -p -t "$1"
}

tmux_wait() {
	tmux__i=0
	while [ "$tmux__i" -lt "${3:-100}" ]; do
		if tmux_screen "$1" 2>/dev/null | grep -Eq -- "$2"; then
			return 0
		fi
		sleep 0.1
		tmux__i=$((tmux__i + 1))
	done
	return 1
}

tmux_expect() {
	if tmux_wait "$2" "$3"; then
		tap_ok "$1"
	else
		tap_fail "$1" "pattern: $3" "$(tmux_screen "$2" 2>&1)"
	fi
}

tmux_expect_not() {
	if tmux_wait "$2" "$4" && ! tmux_screen "$2" | grep -Eq -- "$3"; then
		tap_ok "$1"
	else
		tap_fail "$1" "pattern that must be absent: $3" "$(tmux_screen "$2" 2>&1)"
	fi
}
