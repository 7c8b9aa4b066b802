#!/usr/bin/env bash
# The journal through the real `empathic` binary, on a temporary journal: add (argument, stdin,
# --json), list/show/search/stats/tags with --json, edit, delete/restore, label sets, import and
# export round trip, and bad input that must write nothing.
#
# usage: cli_test.sh EMPATHIC_BINARY SOURCE_DIR
set -euo pipefail
bin="$1"
src="$2"
export EMPATHIC_HOME="$(mktemp -d)"
out="$(mktemp -d)"
trap 'rm -rf "$EMPATHIC_HOME" "$out"' EXIT
fail() { echo "cli_test: $*" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# add prints the new id; --json prints the stored entry with its id.
id=$("$bin" add "Presentation at work went well, proud of myself." --tag work \
         --date "2024-03-05 18:00")
[[ "$id" == 1 ]] || fail "add printed '$id', expected 1"
echo "Rainy walk. Sad and lonely." | "$bin" add --date "2024-03-12T08:00:00+01:00" > /dev/null
stored=$("$bin" add "Lunch with Sam" --json)
[[ $(echo "$stored" | json 'd["id"]') == 3 ]] || fail "add --json has no id"
echo "$stored" | json 'd["tagging"]' | grep -Eq 'done|pending' || fail "no tagging state"

# Read commands answer JSON.
[[ $("$bin" list --json | json 'len(d)') == 3 ]] || fail "list --json"
[[ $("$bin" show 1 --json | json 'd["tags"][0]') == work ]] || fail "show --json"
[[ $("$bin" search work --json | json 'd["total"]') == 1 ]] || fail "search work"
"$bin" search work --json | json 'd["hits"][0]["snippet"]' | grep -q '\[work\]' || fail "snippet"
[[ $("$bin" search --period 2024-03 --json | json 'd["total"]') == 2 ]] || fail "search --period"
"$bin" stats --by week --json | json 'd["periods"][0]["period"]' > /dev/null || fail "stats --json"
[[ $("$bin" tags --json | json 'd["tags"][0]["tag"]') == work ]] || fail "tags --json"
"$bin" labels --json list | json 'd[0]["name"]' | grep -q feelings || fail "labels list"

# edit, delete to the trash, restore.
"$bin" edit 3 --text "Lunch with Sam, grateful." > /dev/null
[[ $("$bin" show 3 --json | json 'd["body"]') == "Lunch with Sam, grateful." ]] || fail "edit"
"$bin" delete 3 > /dev/null
[[ $("$bin" list --json | json 'len(d)') == 2 ]] || fail "delete"
"$bin" restore 3 > /dev/null
[[ $("$bin" list --json | json 'len(d)') == 3 ]] || fail "restore"

# Label sets: add, edit, use, apply, delete.
"$bin" labels add travel --labels "adventurous:positive,homesick:negative" > /dev/null
"$bin" labels edit travel --add "jetlagged:negative" --rename trips > /dev/null
[[ $("$bin" labels --json show trips | json 'len(d["labels"])') == 3 ]] || fail "labels edit"
"$bin" labels delete trips > /dev/null

# Export then import gives the same journal.
for format in json markdown; do
    target="$out/export-$format"
    "$bin" export "$format" "$target" > /dev/null
    EMPATHIC_HOME="$out/home-$format" "$bin" import "$format" "$target" > /dev/null
    a=$("$bin" list --json | json '[(e["created"], e["body"], e["tags"]) for e in d]')
    b=$(EMPATHIC_HOME="$out/home-$format" "$bin" list --json |
        json '[(e["created"], e["body"], e["tags"]) for e in d]')
    [[ "$a" == "$b" ]] || fail "$format round trip differs"
    again=$(EMPATHIC_HOME="$out/home-$format" "$bin" import "$format" "$target" --json |
            json 'd["imported"]')
    [[ "$again" == 0 ]] || fail "re-import of $format added $again entries"
done
"$bin" import dayone "$src/tests/fixtures/journal/dayone/Journal.json" > /dev/null
[[ $("$bin" list --json -n 100 | json 'len(d)') == 6 ]] || fail "dayone import"

# Bad input: a clear message, exit status 2, and nothing written.
before=$("$bin" list --json -n 1000 | json 'len(d)')
set +e
printf 'bad \xff byte' | "$bin" add 2> "$out/err" && fail "invalid UTF-8 accepted"
grep -q "UTF-8" "$out/err" || fail "no UTF-8 message"
head -c 100001 /dev/zero | tr '\0' a | "$bin" add 2> "$out/err"; [[ $? == 0 ]] && fail "too large"
grep -q "100000 bytes" "$out/err" || fail "no size message"
"$bin" add "x" --date "someday" 2> "$out/err"; status=$?
[[ $status == 2 ]] || fail "bad date exit $status"
"$bin" search --set nope 2> "$out/err"; [[ $? == 2 ]] || fail "unknown set"
echo '{"entries":[{"date":"2024-01-01","body":"ok"},{"date":"nope","body":"x"}]}' > "$out/bad.json"
"$bin" import jrnl "$out/bad.json" 2> "$out/err"; [[ $? == 2 ]] || fail "bad import"
set -e
grep -q "entry 2" "$out/err" || fail "import error does not name the entry"
after=$("$bin" list --json -n 1000 | json 'len(d)')
[[ "$before" == "$after" ]] || fail "bad input wrote entries ($before -> $after)"

"$bin" check > /dev/null || fail "check"
echo "cli_test: ok"
