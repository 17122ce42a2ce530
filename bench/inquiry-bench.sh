#!/usr/bin/env bash
# bench/inquiry-bench.sh BUILD_DIR [RUNS] [SECONDS]: bill-inquiry lookups/s
# and p99 from 64 keep-alive connections (wrk -t2 -c64, bench/inquiry.lua:
# a random account of 1,000,000 per request) on a ledger of 2,000,000
# invoices (2 per account), against the baseline measured in the same run:
# the same server with --no-sqlite (authentication and routing, a fixed
# answer, no ledger read). Prints each run and the ratio. Run by hand.
# UNFOLDED=N (default 0) appends N rows to allocations above folded_seq
# (schema 003: the unfolded journal, which may hold ~1,000,000 rows during a
# rush), spread over the invoices (one posting they all point at; the
# shell's connection has foreign keys off, so it need not balance). Each
# inquiry worker reads the whole journal once, at its first lookup, and
# then only the rows appended since (inquiry/unfolded.c): the bench prints
# that first lookup's time and warms every worker with a 1 s wrk run
# before measuring (the warm-up is not counted).
# SMOKE=1: 2,000 invoices, 100 journal rows, one 1 s run — seconds, to
# show the script still works (bench/smoke.sh; not a measurement).
set -euo pipefail
BUILD=$(cd "${1:?usage: inquiry-bench.sh BUILD_DIR [RUNS] [SECONDS]}" && pwd)
RUNS=${2:-3}; SECS=${3:-5}; UNFOLDED=${UNFOLDED:-0}; INVOICES=2000000
if [ -n "${SMOKE:-}" ]; then RUNS=1; SECS=1; UNFOLDED=100; INVOICES=2000; fi
export ACCOUNTS=$((INVOICES / 2)) # bench/inquiry.lua draws from these
SRC=$(cd "$(dirname "$0")/.." && pwd)
TASDID=$BUILD/cli/tasdid
for t in wrk sqlite3 curl python3; do command -v $t >/dev/null || { echo "$t missing" >&2; exit 1; }; done
DIR=$(mktemp -d /tmp/tasdid-inquiry-bench-XXXXXX)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$SRC/tests/fixtures/intake-config.sh" "$DIR" 127.0.0.1:1 0 "[inquiry]" "port = $PORT" "threads = 2"
start=$(date +%s.%N)
MIGRATIONS=("$SRC"/schemas/ledger/[0-9][0-9][0-9]-*.sql)
{ cat "${MIGRATIONS[@]}"
  echo "PRAGMA application_id = 1414743116; PRAGMA user_version = ${#MIGRATIONS[@]}; PRAGMA journal_mode = WAL;"
  echo "INSERT INTO ledger_meta VALUES ('biller_id','water'),('currency','SYP'),('created_at_ms','1');"
  echo "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $((INVOICES - 1)))
        INSERT INTO invoices (invoice_no, account, period, due_on, amount_due_minor,
                              amount_paid_minor, currency, imported_at_ms)
        SELECT printf('W-%08d', i), printf('ACC-%07d', i / 2), '2026-10',
               CASE i % 2 WHEN 0 THEN '2026-10-15' ELSE '2026-11-15' END,
               100000 + i % 5000,
               CASE i % 4 WHEN 0 THEN 100000 + i % 5000 WHEN 1 THEN 5000 ELSE 0 END,
               'SYP', 1 FROM n;"
  echo "INSERT INTO postings (intent_id, idempotency_key, bank, terminal, account,
          amount_minor, currency, paid_at, paid_at_ms, received_at_ms, posted_at_ms,
          channel, kafka_topic, kafka_partition, kafka_offset)
        VALUES ('01a2114c-1eb8-8f5a-84d2-c63a9eae9cbe', 'bench', 'bnk1', 't1',
                'ACC-0000000', 1000000000, 'SYP', 'x', 1, 1, 1, 'teller', 't', 0, 0);"
  echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $UNFOLDED)
        INSERT INTO allocations (intent_id, invoice_no, amount_minor)
        SELECT '01a2114c-1eb8-8f5a-84d2-c63a9eae9cbe', printf('W-%08d', (i * 7919) % $INVOICES), 1
        FROM n WHERE $UNFOLDED > 0;"
} | sqlite3 "$DIR/water.db" >/dev/null
echo "ledger: $(sqlite3 "$DIR/water.db" 'SELECT count(*) FROM invoices') invoices, $(sqlite3 "$DIR/water.db" 'SELECT count(*) FROM allocations WHERE seq > (SELECT folded_seq FROM allocations_fold) AND invoice_updated = 0') unfolded, $(du -h "$DIR/water.db" | cut -f1), made in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"

# run_one [--no-sqlite]: "lookups/s p99_ms"
run_one() {
  "$TASDID" inquiry -c "$DIR/tasdid.ini" "$@" 2>"$DIR/inquiry.err" &
  PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" -o /dev/null && break; sleep 0.05; done
  read -r code first_s < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Authorization: Bearer tok-bnk1-t1' "http://127.0.0.1:$PORT/v1/bills/water/ACC-0000001")
  [ "$code" = 200 ] || { echo "inquiry answers $code" >&2; exit 1; }
  echo "$first_s" >"$DIR/first"
  wrk -t2 -c64 -d1s -s "$SRC/bench/inquiry.lua" "http://127.0.0.1:$PORT" >/dev/null
  wrk -t2 -c64 -d"${SECS}s" --latency -s "$SRC/bench/inquiry.lua" "http://127.0.0.1:$PORT" >"$DIR/wrk.out"
  awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$PID/status" >"$DIR/rss"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  grep -q 'Non-2xx' "$DIR/wrk.out" && { cat "$DIR/wrk.out" >&2; echo "non-2xx answers" >&2; exit 1; }
  python3 - "$DIR/wrk.out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
v, u = re.search(r"99%\s+([\d.]+)(us|ms|s)", t).groups()
ms = float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
print(f"{rps:.0f} {ms:.2f}")
PY
}
for r in $(seq "$RUNS"); do
  read -r b_rps b_p99 <<<"$(run_one --no-sqlite)"
  read -r s_rps s_p99 <<<"$(run_one)"
  first_ms=$(python3 -c "print(round($(cat "$DIR/first") * 1000, 1))")
  echo "run $r: inquiry ${s_rps} lookups/s p99 ${s_p99} ms (first lookup ${first_ms} ms, RSS $(cat "$DIR/rss") MiB) | baseline --no-sqlite ${b_rps} req/s p99 ${b_p99} ms | ratio $(python3 -c "print(round($s_rps / $b_rps, 2))")"
done
