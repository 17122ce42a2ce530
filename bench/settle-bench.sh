#!/usr/bin/env bash
# Benchmark of `tasdid settle` (run by hand, not in the suite):
# a generated business day with 1,000,000 payments over 2,000,000 invoices,
# 4 billers and 10 banks, settled RUNS times; in the same run, the plain
# sqlite3 shell importing the same bank files into a table and joining them
# with the ledgers' postings by intent_id (the core of reconciliation) is
# the ceiling. Prints medians and the ratio.
#
#   bench/settle-bench.sh BUILD_DIR [RUNS]     (e.g. bench/settle-bench.sh build 3)
#
# SMOKE=1: 2,000 payments over 4,000 invoices, one run (seconds; run by
# bench/smoke.sh, the figures mean nothing).
#
# The ledgers are created by `tasdid ledger init` (the latest schema,
# whatever migrations exist) and filled by sqlite3 with named columns, so
# a new migration cannot make the generated ledgers ones settle refuses
# (the script once wrote schema-1 ledgers by hand and broke that way).
set -euo pipefail
BUILD=${1:?usage: bench/settle-bench.sh BUILD_DIR [RUNS]}
RUNS=${2:-3}
TASDID=$(realpath "$BUILD/cli/tasdid")
SRC=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/tasdid-settle-bench-XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
mkdir bank
PAY_PER_BILLER=250000      # x 4 billers = 1,000,000 payments
INV_PER_BILLER=500000      # x 4 billers = 2,000,000 invoices
if [ "${SMOKE:-0}" = 1 ]; then PAY_PER_BILLER=500; INV_PER_BILLER=1000; RUNS=1; fi
T0=1795554000000           # 2026-11-25T00:00:00+03:00
BILLERS=(water power phone net)

{
  for b in "${BILLERS[@]}"; do
    printf '[biller %s]\nname = %s\ncurrency = JOD\ntopic = t.%s\nledger = %s.db\nlate_fee = 1\n' "$b" "$b" "$b" "$b"
  done
  for k in $(seq 0 9); do printf '[bank BNK%d]\nname = Bank %d\n' "$k" "$k"; done
  printf '[settle]\ntimezone = Asia/Damascus\ncutoff = 00:00\nbank_files_dir = bank\nreports_dir = reports\n'
} >bench.ini

now_ms() { date +%s%3N; }
t_gen=$(now_ms)
for bi in 0 1 2 3; do
  b=${BILLERS[$bi]}
  "$TASDID" ledger init --biller "$b" -c bench.ini >/dev/null
  sqlite3 "$b.db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $INV_PER_BILLER)
INSERT INTO invoices (invoice_no, account, customer_name, period, issued_on, due_on,
  amount_due_minor, amount_paid_minor, currency, imported_at_ms)
SELECT printf('I%07d', i), printf('A%07d', i), 'Customer ' || i, NULL, NULL,
  date('2026-11-01', '+' || (i % 58) || ' days'), 10000,
  CASE WHEN i % 4 = 0 THEN 0 WHEN i % 4 = 1 THEN 4000 ELSE 10000 END, 'JOD', 1 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $PAY_PER_BILLER)
INSERT INTO postings (intent_id, idempotency_key, bank, branch, terminal, account,
  invoice_no, amount_minor, currency, paid_at, paid_at_ms, received_at_ms,
  posted_at_ms, channel, kafka_topic, kafka_partition, kafka_offset)
SELECT
  printf('%08x-%04x-8%03x-8%03x-%012x', ms >> 16, ms & 65535, $bi, 0, i),
  'k' || i, 'BNK' || (i % 10), NULL, 'T' || (i % 50), printf('A%07d', i * 2), NULL,
  1000 + (i % 97) * 10, 'JOD', strftime('%Y-%m-%dT%H:%M:%SZ', ms / 1000, 'unixepoch'),
  ms, ms, ms, 'teller', 't.$b', 0, i
FROM (SELECT i, $T0 + i * 345 + $bi AS ms FROM n);
COMMIT;
SQL
done
# Bank files: every posting of the bank, except 1 in 10,000 (ledger only),
# and 1 in 20,000 with another amount (amount mismatch).
for k in $(seq 0 9); do
  f=bank/bank-BNK$k-2026-11-25.csv
  sqlite3 <<SQL >"$f"
ATTACH 'water.db' AS w; ATTACH 'power.db' AS p; ATTACH 'phone.db' AS ph; ATTACH 'net.db' AS n;
CREATE TEMP TABLE l AS SELECT * FROM (
  SELECT intent_id, idempotency_key, terminal, 'water' AS biller, account, amount_minor, paid_at FROM w.postings WHERE bank = 'BNK$k'
  UNION ALL SELECT intent_id, idempotency_key, terminal, 'power', account, amount_minor, paid_at FROM p.postings WHERE bank = 'BNK$k'
  UNION ALL SELECT intent_id, idempotency_key, terminal, 'phone', account, amount_minor, paid_at FROM ph.postings WHERE bank = 'BNK$k'
  UNION ALL SELECT intent_id, idempotency_key, terminal, 'net', account, amount_minor, paid_at FROM n.postings WHERE bank = 'BNK$k')
  WHERE substr(idempotency_key, 2) % 10000 <> 7 ORDER BY intent_id;
UPDATE l SET amount_minor = amount_minor + 1 WHERE substr(idempotency_key, 2) % 20000 = 3;
SELECT 'H,1,BNK$k,2026-11-25,2026-11-26T01:00:00+03:00';
SELECT 'D,' || row_number() OVER (ORDER BY intent_id) || ',' || intent_id || ',' || idempotency_key || ',' ||
  terminal || ',' || biller || ',' || account || ',,' || printf('%d.%03d', amount_minor / 1000, amount_minor % 1000) ||
  ',JOD,' || paid_at || ',teller' FROM l ORDER BY intent_id;
SELECT 'T,' || count(*) || ',JOD,' || printf('%d.%03d', sum(amount_minor) / 1000, sum(amount_minor) % 1000) FROM l;
SQL
done
t_gen=$(( $(now_ms) - t_gen ))
lines=$(cat bank/*.csv | grep -c '^D,')
echo "generated in $((t_gen / 1000)) s: $lines bank lines, $((PAY_PER_BILLER * 4)) postings, $((INV_PER_BILLER * 4)) invoices"

# The ceiling: import the D lines into a table, join with every ledger.
join_once() {
  cat bank/*.csv | grep '^D,' >lines.csv
  sqlite3 <<'SQL' >join.out
CREATE TABLE b (rec, line_no, intent_id, key, terminal, biller, account, invoice, amount, currency, paid_at, channel);
.import --csv lines.csv b
ATTACH 'water.db' AS w; ATTACH 'power.db' AS p; ATTACH 'phone.db' AS ph; ATTACH 'net.db' AS n;
SELECT count(*), sum(CAST(replace(b.amount, '.', '') AS INTEGER) = x.amount_minor) FROM b JOIN (
  SELECT intent_id, amount_minor FROM w.postings UNION ALL SELECT intent_id, amount_minor FROM p.postings
  UNION ALL SELECT intent_id, amount_minor FROM ph.postings UNION ALL SELECT intent_id, amount_minor FROM n.postings
) x ON x.intent_id = b.intent_id;
SQL
}
# The stricter ceiling: the join alone, the lines already in a table.
cat bank/*.csv | grep '^D,' >lines.csv
sqlite3 lines.db <<'SQL'
CREATE TABLE b (rec, line_no, intent_id, key, terminal, biller, account, invoice, amount, currency, paid_at, channel);
.import --csv lines.csv b
SQL
join_only() {
  sqlite3 lines.db <<'SQL' >/dev/null
ATTACH 'water.db' AS w; ATTACH 'power.db' AS p; ATTACH 'phone.db' AS ph; ATTACH 'net.db' AS n;
SELECT count(*), sum(CAST(replace(b.amount, '.', '') AS INTEGER) = x.amount_minor) FROM b JOIN (
  SELECT intent_id, amount_minor FROM w.postings UNION ALL SELECT intent_id, amount_minor FROM p.postings
  UNION ALL SELECT intent_id, amount_minor FROM ph.postings UNION ALL SELECT intent_id, amount_minor FROM n.postings
) x ON x.intent_id = b.intent_id;
SQL
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
settle_ms=(); join_ms=(); only_ms=()
for r in $(seq 1 "$RUNS"); do
  t=$(now_ms); set +e; "$TASDID" settle -c bench.ini --date 2026-11-25 --quiet >settle.out; rc=$?; set -e
  settle_ms+=($(( $(now_ms) - t )))
  [ "$rc" = 3 ] || { echo "unexpected exit $rc" >&2; cat settle.out >&2; exit 1; }
  t=$(now_ms); join_once; join_ms+=($(( $(now_ms) - t )))
  t=$(now_ms); join_only; only_ms+=($(( $(now_ms) - t )))
  echo "run $r: settle ${settle_ms[-1]} ms, sqlite3 import+join ${join_ms[-1]} ms, join only ${only_ms[-1]} ms"
done
cat settle.out
echo "join result (lines, equal amounts): $(cat join.out)"
s=$(printf '%s\n' "${settle_ms[@]}" | median)
j=$(printf '%s\n' "${join_ms[@]}" | median)
o=$(printf '%s\n' "${only_ms[@]}" | median)
echo "median of $RUNS: settle $s ms; sqlite3 import+join $j ms (ratio $(awk "BEGIN {printf \"%.2f\", $s / $j}")); join only $o ms (ratio $(awk "BEGIN {printf \"%.2f\", $s / $o}"))"
