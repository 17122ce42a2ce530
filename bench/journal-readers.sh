#!/usr/bin/env bash
# bench/journal-readers.sh BUILD_DIR [JOURNAL_ROWS]: what a long journal
# (schema 003: allocations above allocations_fold.folded_seq; default
# 1,048,576 rows, the fold bound ALLOC_FOLD_ROWS) costs the readers that
# sum it through invoices_current, on a ledger of 500,000 invoices: one
# report over every invoice (what the grace report and `ledger check` do),
# `tasdid ledger check` itself (it exits 1 here: the journal rows have no
# postings behind them; only its time matters), and one account looked up
# through the view, which is why inquiry keeps a running sum instead
# (bench/inquiry-bench.sh UNFOLDED=N measures inquiry). Each also with an
# empty journal, as the baseline. Run by hand. SMOKE=1: 1,000 invoices
# and 1,000 journal rows — to show the script still works (bench/smoke.sh).
set -euo pipefail
T=$(cd "${1:?usage: journal-readers.sh BUILD_DIR [JOURNAL_ROWS]}" && pwd)/cli/tasdid
ROWS=${2:-1048576}; INVOICES=500000
if [ -n "${SMOKE:-}" ]; then ROWS=1000; INVOICES=1000; fi
SRC=$(cd "$(dirname "$0")/.." && pwd)
D=$(mktemp -d /tmp/journal-readers-XXXX); trap 'rm -rf $D' EXIT
$SRC/tests/fixtures/intake-config.sh $D 127.0.0.1:1 0
M=($SRC/schemas/ledger/[0-9][0-9][0-9]-*.sql)
{ cat "${M[@]}"
  echo "PRAGMA application_id = 1414743116; PRAGMA user_version = ${#M[@]}; PRAGMA journal_mode = WAL;"
  echo "INSERT INTO ledger_meta VALUES ('biller_id','water'),('currency','SYP'),('created_at_ms','1');"
  echo "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $((INVOICES - 1)))
        INSERT INTO invoices (invoice_no, account, period, due_on, amount_due_minor, amount_paid_minor, currency, imported_at_ms)
        SELECT printf('W-%08d', i), printf('ACC-%07d', i / 2), '2026-10', '2026-10-15', 100000000, 0, 'SYP', 1 FROM n;"
} | sqlite3 $D/empty.db >/dev/null
cp $D/empty.db $D/full.db
sqlite3 $D/full.db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
  INSERT INTO allocations (intent_id, invoice_no, amount_minor)
  SELECT printf('%036d', i), printf('W-%08d', (i * 7919) % $INVOICES), 1 FROM n;" >/dev/null
REPORT="SELECT count(*), sum(amount_paid_minor) FROM invoices_current;"
ONE="SELECT sum(amount_paid_minor) FROM invoices_current WHERE account = printf('ACC-%07d', $INVOICES / 4);"
for db in empty full; do
  cp $D/$db.db $D/water.db # the ledger the config names
  echo "== $db journal: $(sqlite3 $D/water.db 'SELECT count(*) FROM allocations') rows"
  echo "-- every invoice through invoices_current (a report)"
  /usr/bin/time -f "%e s" sqlite3 $D/water.db "$REPORT"
  echo "-- one account through invoices_current"
  /usr/bin/time -f "%e s" sqlite3 $D/water.db "$ONE"
  echo "-- tasdid ledger check"
  /usr/bin/time -f "%e s" $T ledger check -c $D/tasdid.ini --biller water 2>&1 | tail -1 || true
done
