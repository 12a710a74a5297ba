#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/config.sh -- themes (--theme) and the configuration file
# ($XDG_CONFIG_HOME/vmscope/config): each theme's colours in SVG and ANSI
# output, config keys, options over the file, NO_COLOR over any theme, and
# malformed files reported as FILE:LINE: message with exit 2.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
V=${VMSCOPE:-./vmscope}
tmpdir_make
conf=$tmpdir/xdg/vmscope/config
mkdir -p "$tmpdir/xdg/vmscope"
withconf() { XDG_CONFIG_HOME=$tmpdir/xdg "$@"; }
svg_bg() { sed -n 's/^<rect width="100%" height="100%" fill="\(#[0-9a-f]*\)".*/\1/p'; }

for t in dark:#1c1c1c light:#ffffff contrast:#000000; do
	bg=$("$V" render --size 80x24 --step 3 --theme "${t%%:*}" --format svg fork-lifecycle | svg_bg)
	tap_is "--theme ${t%%:*}: SVG page background" "$bg" "${t#*:}"
done
# Each theme has its own COW colour (orange, brown, yellow).
for t in dark:#ffaf00 light:#af5f00 contrast:#ffff00; do
	out=$("$V" render --size 80x24 --step 3 --no-animate --theme "${t%%:*}" --format svg fork-lifecycle)
	case $out in *"fill=\"${t#*:}\""*) tap_ok "--theme ${t%%:*}: COW in ${t#*:}" ;;
	*) tap_fail "--theme ${t%%:*}: COW in ${t#*:}" ;; esac
done
out=$("$V" render --size 80x24 --step 3 --no-animate --theme contrast --format ansi fork-lifecycle)
case $out in *"[0;37;40m"*) tap_ok "--theme contrast: ANSI paints a black background" ;;
*) tap_fail "--theme contrast: ANSI paints a black background" ;; esac
out=$(NO_COLOR=1 "$V" render --size 80x24 --step 3 --theme contrast --format ansi fork-lifecycle)
case $out in *"[0;37;40m"*|*";3"[0-7]"m"*|*";4"[0-7]"m"*) tap_fail "NO_COLOR wins over --theme" ;;
*) tap_ok "NO_COLOR wins over --theme" ;; esac

run_rc() { "$@" >"$tmpdir/out" 2>"$tmpdir/err"; echo $?; }

printf '# projector\ntheme = contrast   # black\n\nanimation = off\n' >"$conf"
bg=$(withconf "$V" render --size 80x24 --step 3 --format svg fork-lifecycle | svg_bg)
tap_is "config theme = contrast" "$bg" "#000000"
bg=$(withconf "$V" render --size 80x24 --step 3 --theme light --format svg fork-lifecycle | svg_bg)
tap_is "--theme wins over the config file" "$bg" "#ffffff"
a=$(withconf "$V" render --size 80x24 --step 4 --format ansi fork-lifecycle)
b=$("$V" render --size 80x24 --step 4 --theme contrast --no-animate --format ansi fork-lifecycle)
tap_is "config animation = off is --no-animate" "$a" "$b"

printf 'profile = linux\n' >"$conf"
out=$(withconf "$V" dump --step 0 fork-lifecycle)
case $out in *"(linux, 4K pages)"*) tap_ok "config profile = linux" ;;
*) tap_fail "config profile = linux" "$out" ;; esac
out=$(withconf "$V" dump --step 0 --profile xnu-arm64 fork-lifecycle)
case $out in *"(xnu-arm64, 16K pages)"*) tap_ok "--profile wins over the config file" ;;
*) tap_fail "--profile wins over the config file" "$out" ;; esac

printf 'mouse = off\n' >"$conf"
a=$(withconf "$V" render --size 80x24 --step 0 --key '<Click:30,14>' fork-lifecycle)
b=$("$V" render --size 80x24 --step 0 fork-lifecycle)
tap_is "config mouse = off ignores clicks" "$a" "$b"
a=$("$V" render --size 80x24 --step 0 --no-mouse --key '<Click:30,14>' fork-lifecycle)
tap_is "--no-mouse ignores clicks" "$a" "$b"

# Malformed files: FILE:LINE: message, exit 2, nothing drawn.
check_bad() { # NAME CONTENT EXPECTED-MESSAGE
	printf '%b' "$2" >"$conf"
	rc=$(withconf run_rc "$V" render --size 80x24 fork-lifecycle)
	tap_is "$1: exit 2" "$rc" 2
	if grep -qF "$conf:$3" "$tmpdir/err" && [ ! -s "$tmpdir/out" ]; then
		tap_ok "$1: FILE:LINE: message"
	else
		tap_fail "$1: FILE:LINE: message" "$(cat "$tmpdir/err")"
	fi
}
check_bad "bad theme" 'theme = purple\n' "1: theme is dark, light or contrast, not 'purple'"
check_bad "no equals" '# ok\n\nprofile linux\n' "3: expected 'key = value'"
check_bad "unknown key" 'colour = red\n' "1: unknown key 'colour'"
check_bad "bad on/off" 'mouse = maybe\n' "1: mouse is on or off, not 'maybe'"
check_bad "unknown profile" 'profile = vax\n' "1: unknown profile 'vax'; known:"

rc=$(XDG_CONFIG_HOME=relative/dir HOME=$tmpdir/nohome run_rc "$V" render --size 80x24 fork-lifecycle)
tap_is "a relative XDG_CONFIG_HOME is ignored (no home config: defaults)" "$rc" 0
tap_done
