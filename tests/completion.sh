#!/usr/bin/env bash
# The bash completion as installed (systemd/tasdid.bash-completion) against
# the binary it completes: commands, a command's options, subcommands.
# Usage: completion.sh TASDID COMPLETION_FILE
set -euo pipefail
PATH=$(cd "$(dirname "$1")" && pwd):$PATH
# shellcheck source=/dev/null
. "$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
complete_words() { # complete_words WORD...: COMPREPLY for the last word, sorted
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
  _tasdid
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
check() { # check EXPECTED WORD...
  local want=$1; shift
  local got; got=$(complete_words "$@")
  [ "$got" = "$want" ] || fail "completing '$*': expected '$want', got '$got'"
}
cd "$(mktemp -d)"; trap 'rm -rf "$PWD"' EXIT
check "post " tasdid po
check "gen-intents " tasdid g
check "--date --dead-letter " tasdid settle --d
check "check init " tasdid ledger ""
touch in.csv
check "import in.csv " tasdid invoices ""
check "in.csv " tasdid settle i
echo "completion: ok"
