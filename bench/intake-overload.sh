#!/usr/bin/env bash
# intake-overload.sh [BUILD_DIR] [SECONDS] [FACTOR] [CONNECTIONS]: the
# intake under an open-loop offered rate of FACTOR (default 5) times its
# sustainable rate, on the embedded broker, with `tasdid load`:
#   1. sustainable rate: tasdid load, 64 connections, as fast as possible;
#   2. overload: --rate FACTOR x that, CONNECTIONS (default 1000) connections
#      so the offered rate is not capped by connections x latency,
#      --attempts 1 (a 503 is counted, not retried);
#   3. every request answered (202 or 503, no connection errors, no other
#      status), p99, and no false 202: the 202s counted by the client and
#      by the intake's metrics against the new offsets in Kafka.
# The intake runs with its defaults ([intake] inflight_max 50,000, 1 s
# answer deadline); INTAKE_LINES adds [intake] lines, e.g.
#   INTAKE_LINES="inflight_max = 2000" bench/intake-overload.sh build
# Run by hand; not part of the test suite. SMOKE=1: 1 s runs, factor 2,
# 50 connections — seconds, to show the script still works (bench/smoke.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
SECS=${2:-5}
FACTOR=${3:-5}
CONNS=${4:-1000}
if [ -n "${SMOKE:-}" ]; then SECS=1; FACTOR=2; CONNS=50; fi
TASDID=$(cd "$BUILD" && pwd)/cli/tasdid
for t in kcat curl python3; do
  command -v $t >/dev/null || { echo "needs $t (apt-get install $t)" >&2; exit 1; }
done
S=$(mktemp -d /tmp/tasdid-overload-XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$S"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(free_port)
# shellcheck disable=SC2086
"$ROOT/tests/fixtures/intake-config.sh" "$S" 127.0.0.1:1 "$P" ${INTAKE_LINES:+"$INTAKE_LINES"}
printf '%s\n' BNK1,T1,tok-bnk1-t1 BNK1,T2,tok-bnk1-t2 BNK2,T1,tok-bnk2-t1 >"$S/terminals.csv"
"$TASDID" broker -c "$S/tasdid.ini" --bootstrap-file "$S/bs" >/dev/null 2>"$S/broker.err" & PIDS+=($!)
for _ in $(seq 100); do [ -s "$S/bs" ] && break; sleep 0.1; done
BS=$(cat "$S/bs")
(cd "$S" && exec "$TASDID" intake -c "$S/tasdid.ini" -b "$BS" --guard off 2>"$S/intake.err") & PIDS+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$P/readyz" -o /dev/null && break; sleep 0.1; done
ulimit -n 4096 2>/dev/null || true

metric() { curl -s "http://127.0.0.1:$P/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
# Messages in both billers' topics: the sum over partitions of the next
# offset (the mock cluster may drop old data; offsets do not go back).
topic_total() {
  local total=0 t p o
  for t in it.intents.water it.intents.power; do
    for p in 0 1 2 3; do
      o=$(kcat -C -b "$BS" -t $t -p $p -o -1 -e -q -f '%o\n' 2>/dev/null | tail -1)
      [ -n "$o" ] && total=$((total + o + 1))
    done
  done
  echo $total
}
# load NAME ARGS...: run tasdid load, print its JSON result's fields
load() {
  local name=$1; shift
  "$TASDID" load -c "$S/tasdid.ini" --terminals "$S/terminals.csv" \
    --url "http://127.0.0.1:$P" --duration "$SECS" --count 100000000 \
    --attempts 1 --quiet --json "$S/$name.json" "$@" >"$S/$name.out" 2>&1 || true
  python3 - "$S/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["elapsed_ms"] / 1000
print(r["requests_sent"], round(r["requests_sent"] / s), r["responses_202"],
      r["responses_503"], r["responses_4xx"], r["responses_other"],
      r["connection_errors"], r["latency_us_p50"] / 1000,
      r["latency_us_p99"] / 1000, r["latency_us_max"] / 1000)
PY
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
read -r _ sus _ _ _ _ _ s_p50 s_p99 _ <<<"$(load sustain --connections 64)"
echo "sustainable (closed loop, 64 conns): ${sus} req/s, p50 ${s_p50} ms p99 ${s_p99} ms"
rate=$((sus * FACTOR))
sleep 1.5 # past the answer deadline: the first run's reports are in
acc0=$(metric tasdid_intake_intents_accepted_total)
k0=$(topic_total)
read -r sent rps r202 r503 r4xx roth cerr p50 p99 pmax <<<"$(load overload --connections "$CONNS" --rate "$rate")"
sleep 1.5
acc=$(( $(metric tasdid_intake_intents_accepted_total) - acc0 ))
in_kafka=$(( $(topic_total) - k0 ))
echo "overload: offered ${rate}/s (${FACTOR}x) on ${CONNS} conns, sent ${sent} (${rps}/s)"
echo "  answers: 202 ${r202}, 503 ${r503}, 4xx ${r4xx}, other ${roth}, connection errors ${cerr}; unanswered $((sent - r202 - r503 - r4xx - roth))"
echo "  latency p50 ${p50} ms p99 ${p99} ms max ${pmax} ms"
echo "  202s: client ${r202}, intake metric ${acc}; new messages in Kafka ${in_kafka}: $([ "$in_kafka" -ge "$acc" ] && [ "$in_kafka" -ge "$r202" ] && echo 'no false 202' || echo 'FALSE 202s!')"
curl -s "http://127.0.0.1:$P/metrics" | grep -E 'shed_total\{' | grep -v ' 0$' || true
# A false 202, an unanswered request or no 202 at all fails the run.
[ "$in_kafka" -ge "$acc" ] && [ "$in_kafka" -ge "$r202" ] && [ "$r202" -gt 0 ] &&
  [ $((sent - r202 - r503 - r4xx - roth)) -eq 0 ]
