# Shared helpers for the integration tests (sourced, not run).
# Every wait is on a condition with a deadline; nothing sleeps blindly.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

# wait_for SECONDS COMMAND...: run COMMAND every 50 ms until it succeeds or
# the deadline passes.
wait_for() {
  local deadline=$(( $(date +%s%N) / 1000000 + $1 * 1000 )); shift
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
  trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$SCRATCH"' EXIT
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
