#!/usr/bin/env bash
# intake-ab.sh ROUNDS SECONDS "ARGS_A" "ARGS_B" [BUILD_A] [BUILD_B]: two
# intakes (A and B, each its own build and extra arguments, e.g.
# "-X linger.ms=0.5") and the bare --testing-only-no-produce server on ONE embedded
# broker; per round, wrk -t2 -c64 single-intent POSTs against bare, A, B
# in turn. Prints throughput, p99 and the intake's CPU (utime+stime) per
# request for each: on a shared, noisy machine, rounds seconds apart and
# the CPU per request compare two builds or settings far better than
# separate bench runs. Run by hand; not part of the test suite.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
R=$1; SECS=$2; A=$3; B=$4; BA=${5:-$ROOT/build}; BB=${6:-$ROOT/build}
S=$(mktemp -d /tmp/tasdid-ab-XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$S"' EXIT
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(fp); P2=$(fp); P3=$(fp)
"$ROOT/tests/fixtures/intake-config.sh" "$S" 127.0.0.1:1 "$P1" "inflight_max = 100000"
$BA/cli/tasdid broker -c "$S/tasdid.ini" --bootstrap-file "$S/bs" >/dev/null 2>"$S/broker.err" & PIDS+=($!)
for _ in $(seq 100); do [ -s "$S/bs" ] && break; sleep 0.1; done
BS=$(cat "$S/bs")
# --guard off: nothing posts here, so the backlog guard would shed.
$BA/cli/tasdid intake -c "$S/tasdid.ini" -b "$BS" --guard off $A 2>"$S/a.err" & PIDS+=($!); PA=$!
$BB/cli/tasdid intake -c "$S/tasdid.ini" -b "$BS" --guard off --port $P2 $B 2>"$S/b.err" & PIDS+=($!); PB=$!
$BA/cli/tasdid intake -c "$S/tasdid.ini" --port $P3 --testing-only-no-produce 2>"$S/bare.err" & PIDS+=($!); PC=$!
for p in $P1 $P2; do for _ in $(seq 100); do curl -sf "http://127.0.0.1:$p/readyz" -o /dev/null && break; sleep 0.1; done; done
HZ=$(getconf CLK_TCK)
# utime + stime of a process, in clock ticks
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
w() { local t0=$(ticks $2); wrk -t2 -c64 -d${SECS}s --latency -s $ROOT/bench/intake-single.lua http://127.0.0.1:$1 > $S/w.txt; local t1=$(ticks $2);
  awk -v dt=$((t1-t0)) -v hz=$HZ '/ 99%/{p=$2} /requests in/{n=$1} /Requests\/sec/{r=$2} /Non-2xx/{e=$NF} END{printf "%6.0f p99 %-8s us/req %5.1f %s", r, p, dt*1000000/hz/n, e}' $S/w.txt; }
for i in $(seq $R); do
  echo "bare $(w $P3 $PC) | A $(w $P1 $PA) | B $(w $P2 $PB)"
done
