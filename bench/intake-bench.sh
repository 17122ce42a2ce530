#!/usr/bin/env bash
# intake-bench.sh [BUILD_DIR] [SECONDS]: the intake's throughput and latency
# on the embedded broker, with baselines measured in the same run:
#   (a) single-intent POSTs, 64 keep-alive connections (wrk + Lua, unique keys)
#   (b) the batch endpoint (1000 intents per request, 8 connections)
#   (c) baselines: the same server with --testing-only-no-produce (HTTP path only), and
#       kcat -P producing the same messages (acks=all, idempotent)
#   (d) overload: 320 connections (5x), every request answered 202 or 503,
#       and no 202 without the intent in Kafka (accepted <= messages in Kafka)
# Run by hand on an otherwise idle machine; not part of the test suite.
# SMOKE=1: 1 s runs and 2,000 kcat messages — seconds, to show the script
# still works (bench/smoke.sh; not a measurement).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
SECS=${2:-10}; N=300000
if [ -n "${SMOKE:-}" ]; then SECS=1; N=2000; fi
TASDID=$BUILD/cli/tasdid
for t in wrk kcat curl python3; do
  command -v $t >/dev/null || { echo "needs $t (apt-get install $t)" >&2; exit 1; }
done
S=$(mktemp -d /tmp/tasdid-bench-XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$S"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(free_port); P2=$(free_port)
"$ROOT/tests/fixtures/intake-config.sh" "$S" 127.0.0.1:1 "$P1" "inflight_max = 100000"
"$TASDID" broker -c "$S/tasdid.ini" --bootstrap-file "$S/bs" >/dev/null 2>"$S/broker.err" & PIDS+=($!)
for _ in $(seq 100); do [ -s "$S/bs" ] && break; sleep 0.1; done
BS=$(cat "$S/bs")
# --guard off: the intake alone (nothing posts), past the embedded
# broker's backlog guard, which would shed (docs/intake.md).
"$TASDID" intake -c "$S/tasdid.ini" -b "$BS" --guard off ${INTAKE_ARGS:-} 2>"$S/intake.err" & PIDS+=($!)
"$TASDID" intake -c "$S/tasdid.ini" --port "$P2" --testing-only-no-produce 2>"$S/bare.err" & PIDS+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$P1/readyz" -o /dev/null && break; sleep 0.1; done

# run_wrk NAME PORT CONNS SCRIPT: prints "rps p50_ms p99_ms non2xx errors"
run_wrk() {
  local out
  out=$(wrk -t2 -c"$3" -d"${SECS}s" --timeout 5s --latency -s "$ROOT/bench/$4" "http://127.0.0.1:$2" 2>&1)
  echo "$out" >"$S/wrk-$1.txt"
  python3 - "$S/wrk-$1.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)  # wrk: 1.2m is minutes
    if m is None:
        return float("nan")
    n, u = m.groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]
def grab(pat):
    m = re.search(pat, t)
    return m.group(1) if m else "nan"
rps = float(grab(r"Requests/sec:\s+([\d.]+)"))
p50 = ms(grab(r"50%\s+(\S+)"))
p99 = ms(grab(r"99%\s+(\S+)"))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
err = re.search(r"Socket errors: (.*)", t)
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {non2xx.group(1) if non2xx else 0} {err.group(1).replace(' ', '') if err else 'none'}")
PY
}
metric() { curl -s "http://127.0.0.1:$P1/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
# Messages in the water topic: the sum over partitions of the next offset
# (the mock cluster drops old data, so counting messages would undercount).
topic_total() {
  local total=0 p o
  for p in 0 1 2 3; do
    o=$(kcat -C -b "$BS" -t it.intents.water -p $p -o -1 -e -q -f '%o\n' 2>/dev/null | tail -1)
    [ -n "$o" ] && total=$((total + o + 1))
  done
  echo $total
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "duration per run: ${SECS}s"
read -r bare_rps bare_p50 bare_p99 _ _ <<<"$(run_wrk bare "$P2" 64 intake-single.lua)"
echo "bare HTTP (--testing-only-no-produce), 64 conns: ${bare_rps}/s p50 ${bare_p50} ms p99 ${bare_p99} ms"
read -r one_rps one_p50 one_p99 one_non2xx one_err <<<"$(run_wrk single "$P1" 64 intake-single.lua)"
echo "single intents, 64 conns:          ${one_rps}/s p50 ${one_p50} ms p99 ${one_p99} ms non-2xx ${one_non2xx} socket errors ${one_err}"
echo "  ratio to bare HTTP: $(python3 -c "print(round($one_rps/$bare_rps, 2))")"
read -r b_rps b_p50 b_p99 b_non2xx _ <<<"$(BATCH=1000 run_wrk batch "$P1" 8 intake-batch.lua)"
echo "batch (1000 per request), 8 conns: $((${b_rps%.*} * 1000)) intents/s (${b_rps} req/s) p50 ${b_p50} ms p99 ${b_p99} ms non-2xx ${b_non2xx}"

# kcat -P baseline: the same message bytes, same producer guarantees.
python3 - "$N" >"$S/msgs" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f'ACC-{i % 5000}\t{{"schema_version":1,"intent_id":"01a2118e-c99b-87cc-bb24-{i:012x}","idempotency_key":"kcat-{i}","bank":"BNK1","terminal":"T1","biller":"water","account":"ACC-{i % 5000}","amount":"1500.50","currency":"SYP","paid_at":"2026-11-25T07:15:00Z","received_at":"2026-11-25T07:15:00.123Z","channel":"teller"}}')
PY
t0=$(date +%s%N)
kcat -P -b "$BS" -t it.intents.water -K $'\t' -X acks=all -X enable.idempotence=true -X linger.ms=5 <"$S/msgs"
t1=$(date +%s%N)
kcat_rate=$(( N * 1000000000 / (t1 - t0) ))
echo "kcat -P baseline: ${kcat_rate} messages/s ($N messages)"
echo "  intake single / kcat: $(python3 -c "print(round($one_rps/$kcat_rate, 3))")   batch / kcat: $(python3 -c "print(round(${b_rps}*1000/$kcat_rate, 3))")"

# Overload: 5x the connections. Every request must be answered (no socket
# errors or timeouts) and every 202 must be in Kafka.
before_acc=$(metric tasdid_intake_intents_accepted_total)
before_topic=$(topic_total)
read -r o_rps o_p50 o_p99 o_non2xx o_err <<<"$(run_wrk overload "$P1" 320 intake-single.lua)"
sleep 1.5 # past the answer deadline: every delivery report is in
acc=$(( $(metric tasdid_intake_intents_accepted_total) - before_acc ))
in_kafka=$(( $(topic_total) - before_topic ))
echo "overload, 320 conns:               ${o_rps}/s p50 ${o_p50} ms p99 ${o_p99} ms 503s ${o_non2xx} socket errors ${o_err}"
echo "  202s ${acc}, new messages in Kafka ${in_kafka}: $([ "$in_kafka" -ge "$acc" ] && echo 'no false 202' || echo 'FALSE 202s!')"
curl -s "http://127.0.0.1:$P1/metrics" | grep -E 'shed_total\{|queue_depth|inflight ' | grep -v -e ' 0$' -e '^#' || true
[ "$in_kafka" -ge "$acc" ] && [ "$acc" -gt 0 ] # a false 202, or none at all, fails the run
