#!/usr/bin/env bash
# The journal CLI with the input testers found hard: month periods of every length, years
# below 1000 through a backup, concurrent first use of a new home, flags that take exactly one
# value, search words with punctuation, trailing newlines of stdin, control characters refused
# on input and made visible on output, `show` of an entry with no feeling above threshold, and
# label sets naming a model that is not installed.
#
# usage: cli_input_test.sh EMPATHIC_BINARY
set -uo pipefail
bin="$1"
export EMPATHIC_HOME="$(mktemp -d)"
out="$(mktemp -d)"
trap 'rm -rf "$EMPATHIC_HOME" "$out"' EXIT
fail() { echo "cli_input_test: $*" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# Concurrent first use of a new home: every add is stored.
fresh="$out/new-home"
pids=()
for i in $(seq 10); do
    "$bin" --home "$fresh" add -- "concurrent $i" > /dev/null 2> "$out/err-$i" & pids+=($!)
done
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || fail "concurrent add $((i + 1)) failed: $(cat "$out/err-$((i + 1))")"
done
# Tagging and reflections wait for each other too instead of giving up.
cat "$out"/err-* | grep -i "busy\|locked" && fail "a concurrent add found the journal busy"
n=$("$bin" --home "$fresh" list --json -n 100 | json 'len(d)')
[[ "$n" == 10 ]] || fail "concurrent adds stored $n of 10 entries"

# Month periods end on the month's last day.
"$bin" add --no-tag --date "2024-02-29 10:00" -- "leap day walk" > /dev/null || fail "leap add"
"$bin" add --no-tag --date "2025-04-30 10:00" -- "april rain" > /dev/null || fail "april add"
for period in 2024-02 2025-04 2026-11 last-month this-month; do
    "$bin" search -p "$period" --json > /dev/null 2> "$out/err" ||
        fail "search -p $period: $(cat "$out/err")"
    "$bin" stats -p "$period" --json > /dev/null 2> "$out/err" ||
        fail "stats -p $period: $(cat "$out/err")"
done
[[ $("$bin" search -p 2024-02 --json | json 'd["total"]') == 1 ]] || fail "leap day not in 2024-02"
[[ $("$bin" search -p 2025-04 --json | json 'd["total"]') == 1 ]] || fail "april 30 not in 2025-04"

# Years below 1000 are stored with four digits and survive export and import; year 0 refused.
"$bin" add --no-tag --date 0999-05-05 -- "an old letter" > /dev/null || fail "year 999 refused"
"$bin" add --no-tag --date 0000-01-01 -- "x" 2> "$out/err" && fail "year 0 accepted"
grep -q "0001 to 9999" "$out/err" || fail "year 0 message: $(cat "$out/err")"
"$bin" list --json -n 100 | json '[e["created"] for e in d]' | grep -q "'0999-05-05T" ||
    fail "year 999 not stored with four digits"
"$bin" export json "$out/backup.json" > /dev/null || fail "export with year 999"
EMPATHIC_HOME="$out/restored" "$bin" import json "$out/backup.json" > /dev/null 2> "$out/err" ||
    fail "import of year 999: $(cat "$out/err")"

# -t and -f take one value each; the text after them is the entry or the search words.
id=$("$bin" add --no-tag -t fam "hello there") || fail "add -t fam TEXT"
[[ $("$bin" show "$id" --json | json 'd["body"]') == "hello there" ]] || fail "-t took the text"
id=$("$bin" add --no-tag -t a -t b "two tags") || fail "repeated -t"
[[ $("$bin" show "$id" --json | json 'd["tags"]') == "['a', 'b']" ]] || fail "repeated -t tags"
[[ $("$bin" search -t fam hello --json | json 'd["total"]') == 1 ]] || fail "search -t TAG WORD"

# Search words with punctuation just work; nothing searchable gets a clear message.
"$bin" add --no-tag -- "self-care: don't read e-mail before 9:30" > /dev/null
for words in self-care "don't" 9:30 e-mail "x -y"; do
    "$bin" search "$words" --json > /dev/null 2> "$out/err" ||
        fail "search '$words': $(cat "$out/err")"
done
[[ $("$bin" search self-care --json | json 'd["total"]') == 1 ]] || fail "self-care not found"
"$bin" search '*' 2> "$out/err"; [[ $? == 2 ]] || fail "search '*' exit status"
grep -q "no words" "$out/err" || fail "search '*' message: $(cat "$out/err")"

# Text from stdin loses its trailing newlines only.
id=$(printf 'line one\n\nline two\n\n' | "$bin" add --no-tag) || fail "stdin add"
[[ $("$bin" show "$id" --json | json 'repr(d["body"])') == "'line one\\n\\nline two'" ]] ||
    fail "stdin body kept its trailing newline"

# Control characters: refused on input, never printed raw.
printf 'nul\0inside' | "$bin" add --no-tag 2> "$out/err"; [[ $? == 2 ]] || fail "NUL accepted"
grep -q "control character U+0000" "$out/err" || fail "NUL message: $(cat "$out/err")"
"$bin" add --no-tag --title $'\e]0;pwned\a' -- body 2> "$out/err" && fail "ESC title accepted"
id=$("$bin" add --no-tag -- $'c1 \xc2\x9b31m here') || fail "C1 add"
"$bin" show "$id" | grep -q $'\xc2\x9b' && fail "show printed a C1 control character"
"$bin" list -n 100 | grep -q $'\xc2\x9b' && fail "list printed a C1 control character"

# show never leaves a label set's header without a line under it.
id=$("$bin" add -- "zzz qqq") || fail "add for tagging"
"$bin" show "$id" > "$out/show" || fail "show"
python3 - "$out/show" <<'PY' || fail "show printed a label-set header with nothing under it"
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
for i, line in enumerate(lines):
    if re.match(r"^\S.* \(\w+ engine, .*\):$", line):
        assert i + 1 < len(lines) and lines[i + 1].startswith("  "), line
PY

# A label set naming a model that is not installed is refused when saved, not left to stall
# every later tagging.
"$bin" labels add stalled --labels "a,b" --engine org/not-installed > /dev/null 2> "$out/err" &&
    fail "labels add accepted a model that is not installed"
grep -q "not installed" "$out/err" || fail "labels add --engine: unclear message: $(cat "$out/err")"
"$bin" labels add offline --labels "a,b" --engine lexical > /dev/null || fail "labels add lexical"

echo "cli_input_test: ok"
