#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/license.sh -- the MIT licence is there and every source file says
# so in an SPDX line near its top (TAP).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${SRCDIR:?}"

grep -q '^MIT License' "$SRCDIR/LICENSE" 2>/dev/null
tap_is "LICENSE holds the MIT licence" $? 0

missing=""
for f in $(cd "$SRCDIR" && find src tests bench man -type f \
		\( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.[15]' \) |
		grep -v '^src/replay/scenario_data\.c$' | LC_ALL=C sort) \
	configure.ac Makefile.am quickstart .ci/run; do
	[ -f "$SRCDIR/$f" ] || continue
	head -n 3 "$SRCDIR/$f" | grep -q 'SPDX-License-Identifier: MIT' || missing="$missing $f"
done
if [ -z "$missing" ]; then
	tap_ok "every source file has an SPDX-License-Identifier: MIT line"
else
	tap_fail "every source file has an SPDX-License-Identifier: MIT line" "missing:$missing"
fi
tap_done
