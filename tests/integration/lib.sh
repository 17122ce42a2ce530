# Shared helpers for the integration tests (sourced, not run).
# Every wait is on a condition with a deadline; nothing sleeps blindly.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

# TASDID_WRAPPER: a command prefix for every tasdid process the scripts
# start, e.g. valgrind (meson test --setup=valgrindit, docs/fuzzing.md).
# The scripts take tasdid's path from $1 after sourcing this file, so $1 is
# replaced here by wrap.sh, which execs the real one under the prefix.
# TIME_SCALE multiplies every wait_for deadline (TASDID_TIME_SCALE, default
# 10 when wrapped): a test's own time bounds may use it too.
TIME_SCALE=1
if [ -n "${TASDID_WRAPPER:-}" ] && [ $# -ge 1 ] && [ -z "${TASDID_REAL:-}" ]; then
  TASDID_REAL=$(realpath "$1")
  VG_LOGS=$(mktemp -d /tmp/tasdid-vg-XXXXXX)
  export TASDID_REAL VG_LOGS
  set -- "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/wrap.sh" "${@:2}"
  # a script that took TASDID from $1 before sourcing this file
  [ -z "${TASDID:-}" ] || TASDID=$1
  TIME_SCALE=${TASDID_TIME_SCALE:-10}
fi

# At exit, under valgrind: every report of a process that ended (a process
# killed with SIGKILL writes none) must say "ERROR SUMMARY: 0 errors"
# (definite leaks count as errors: --errors-for-leak-kinds=definite).
vg_check() {
  [ -n "${VG_LOGS:-}" ] && [ -d "$VG_LOGS" ] || return 0
  local f n=0 done=0 bad=0
  for f in "$VG_LOGS"/*.log; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    grep -q 'ERROR SUMMARY:' "$f" && done=$((done + 1))
    if grep -Eq 'ERROR SUMMARY: [1-9]' "$f"; then
      echo "valgrind: errors in $(grep -m1 'Command:' "$f")" >&2
      cat "$f" >&2
      bad=1
    fi
  done
  echo "valgrind: $n tasdid processes, $done reported at exit, $([ $bad = 0 ] && echo 'no errors' || echo ERRORS)"
  rm -rf "$VG_LOGS"
  [ $bad = 0 ] || exit 1
}

# wait_for SECONDS COMMAND...: run COMMAND every 50 ms until it succeeds or
# the deadline passes.
wait_for() {
  local deadline=$(( $(date +%s%N) / 1000000 + $1 * 1000 * TIME_SCALE )); shift
  until "$@" 2>/dev/null; do
    [ $(( $(date +%s%N) / 1000000 )) -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
  [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# A scratch directory removed at exit, with the processes started in it.
setup_scratch() {
  SCRATCH=$(mktemp -d /tmp/tasdid-it-XXXXXX)
  PIDS=()
  trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$SCRATCH"; vg_check' EXIT
}

# start_broker [ARGS...]: start `tasdid broker` and set BOOTSTRAP.
start_broker() {
  "$TASDID" broker --bootstrap-file "$SCRATCH/bootstrap" "$@" \
    >"$SCRATCH/broker.out" 2>"$SCRATCH/broker.err" &
  BROKER_PID=$!
  PIDS+=("$BROKER_PID")
  wait_for 20 test -s "$SCRATCH/bootstrap" || { cat "$SCRATCH/broker.err" >&2; fail "broker did not start"; }
  BOOTSTRAP=$(cat "$SCRATCH/bootstrap")
}
