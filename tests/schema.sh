#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/schema.sh -- docs/trace.schema.json describes the traces vmscope
# reads and writes (TAP): every line of every trace in data/ and of the
# test traces validates; lines the loader refuses do not; and so do the
# traces vmscope itself writes (import, record).  Needs Python's jsonschema
# (Debian: python3-jsonschema; ./quickstart check installs it); skips
# without it.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
: "${VMSCOPE:?}" "${SRCDIR:?}"

py=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then
		py=$p
		break
	fi
done
[ -n "$py" ] || tap_skip_all "Python's jsonschema module is not installed (python3-jsonschema)"
tmpdir_make

# validate FILE...: one "FILE:LINE: message" per line that does not validate.
validate() {
	"$py" - "$SRCDIR/docs/trace.schema.json" "$@" <<'EOPY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator(schema)
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            errs = sorted(v.iter_errors(json.loads(line)), key=lambda e: e.path)
            if errs:
                print("%s:%d: %s" % (path, n, errs[0].message[:160]))
EOPY
}

for f in "$SRCDIR"/data/*.jsonl "$SRCDIR"/data/lessons/fork-cow.jsonl \
	"$SRCDIR"/data/lessons/ool-strategies.jsonl "$SRCDIR"/data/lessons/shared-memory.jsonl \
	"$SRCDIR"/tests/record/*.jsonl "$SRCDIR"/tests/render/*.jsonl \
	"$SRCDIR"/tests/import/golden/*.jsonl; do
	[ -f "$f" ] || continue
	out=$(validate "$f")
	if [ -z "$out" ]; then
		tap_ok "schema: ${f#"$SRCDIR"/}"
	else
		tap_fail "schema: ${f#"$SRCDIR"/}" "$out"
	fi
done

# What vmscope writes validates too.
"$VMSCOPE" import smaps "$SRCDIR/tests/import/python-parent.smaps" -o "$tmpdir/imp.jsonl" 2>/dev/null
tap_is "schema: an imported trace" "$(validate "$tmpdir/imp.jsonl")" ""
if [ -r /proc/self/pagemap ] && "$VMSCOPE" record fork-lifecycle -o "$tmpdir/rec.jsonl" 2>/dev/null; then
	tap_is "schema: a recorded trace" "$(validate "$tmpdir/rec.jsonl")" ""
else
	tap_skip "schema: a recorded trace" "cannot record here"
fi

# The schema is not vacuous: lines the loader refuses are refused.
n=0
while IFS= read -r line; do
	n=$((n + 1))
	printf '%s\n' "$line" >"$tmpdir/bad$n.jsonl"
	if [ -n "$(validate "$tmpdir/bad$n.jsonl")" ]; then
		tap_ok "schema refuses: $line"
	else
		tap_fail "schema refuses: $line"
	fi
done <<'EOF_BAD'
{"vmscope": 2, "tasks": ["a"]}
{"vmscope": 1, "tasks": []}
{"vmscope": 1, "tasks": ["a"], "profile": "xnu-arm32"}
{"op": "frok", "task": "a"}
{"op": "write", "task": "a", "regoin": "buf"}
{"op": "write", "task": "a", "region": "buf", "addr": "0x1000"}
{"op": "deallocate", "task": "a", "addr": "0x1000"}
{"op": "allocate", "task": "a", "size": "12q"}
{"op": "allocate", "task": "a", "size": -1}
{"op": "protect", "task": "a", "region": "b", "prot": "rwz"}
{"op": "inherit", "task": "a", "region": "b", "inheritance": "shared"}
{"op": "observe", "task": "a", "regions": [{"start": "0x1000", "end": "0x2000", "share": "COW"}]}
EOF_BAD
tap_done
