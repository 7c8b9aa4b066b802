#!/usr/bin/env bash
# Runs a command and checks its exit status and output (stdout and stderr together):
#
#   expect.sh STATUS PATTERN [--stdin-printf FORMAT] -- COMMAND [ARG...]
#
# PATTERN is an extended regular expression that must match somewhere in the output. With
# --stdin-printf, printf FORMAT is fed to the command's standard input (so tests can send bytes
# that are not valid UTF-8); otherwise standard input is empty.
set -uo pipefail
want_status="$1"
pattern="$2"
shift 2
stdin_format=""
if [[ "${1:-}" == "--stdin-printf" ]]; then
  stdin_format="$2"
  shift 2
fi
[[ "${1:-}" == "--" ]] && shift

# A generated model the command names must exist; say how to make it when it does not.
for arg in "$@"; do
  if [[ "$arg" == */fixtures/generated/* && ! -e "$arg" ]]; then
    echo "missing test fixture $arg; run \`make fixtures\`" >&2
    exit 1
  fi
done

output="$(printf "$stdin_format" | "$@" 2>&1)"
status=$?
echo "$output"
if [[ "$status" != "$want_status" ]]; then
  echo "expect.sh: exit status $status, expected $want_status" >&2
  exit 1
fi
if ! grep -Eq -- "$pattern" <<<"$output"; then
  echo "expect.sh: output does not match: $pattern" >&2
  exit 1
fi
