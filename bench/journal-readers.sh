#!/usr/bin/env bash
# bench/journal-readers.sh BUILD_DIR: what a full allocations_unfolded
# journal (65,536 rows, the fold bound) costs readers, on a ledger of
# 500,000 invoices: 2000 account lookups (4000 invoices) through the
# invoices_current view as inquiry does, and `tasdid ledger check` (it
# exits 1 here: the journal rows have no allocations behind them; only
# its time matters). Each with the index allocations_unfolded_invoice
# (schema 002) and with it dropped (as the journal was before). Run by
# hand.
set -euo pipefail
T=$(cd "${1:?usage: journal-readers.sh BUILD_DIR}" && pwd)/cli/tasdid
SRC=$(cd "$(dirname "$0")/.." && pwd)
D=$(mktemp -d /tmp/post2-journal-XXXX); trap 'rm -rf $D' EXIT
$SRC/tests/fixtures/intake-config.sh $D 127.0.0.1:1 0
M=($SRC/schemas/ledger/[0-9][0-9][0-9]-*.sql)
{ cat "${M[@]}"
  echo "PRAGMA application_id = 1414743116; PRAGMA user_version = ${#M[@]}; PRAGMA journal_mode = WAL;"
  echo "INSERT INTO ledger_meta VALUES ('biller_id','water'),('currency','SYP'),('created_at_ms','1');"
  echo "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 499999)
        INSERT INTO invoices (invoice_no, account, period, due_on, amount_due_minor, amount_paid_minor, currency, imported_at_ms)
        SELECT printf('W-%08d', i), printf('ACC-%07d', i / 2), '2026-10', '2026-10-15', 100000, 0, 'SYP', 1 FROM n;"
  echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 65536)
        INSERT INTO allocations_unfolded (invoice_no, amount_minor) SELECT printf('W-%08d', (i * 7919) % 500000), 1 FROM n;"
} | sqlite3 $D/water.db >/dev/null
cp $D/water.db $D/noidx.db; sqlite3 $D/noidx.db "DROP INDEX allocations_unfolded_invoice"
Q="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
   SELECT sum(c.amount_paid_minor) FROM n, invoices_current AS c WHERE c.account = printf('ACC-%07d', (n.i * 104729) % 250000);"
for db in water noidx; do
  echo "== $db: 2000 accounts looked up (4000 invoices) through invoices_current"
  /usr/bin/time -f "%e s" sqlite3 $D/$db.db "$Q"
done
echo "== tasdid ledger check (index)"; /usr/bin/time -f "%e s" $T ledger check -c $D/tasdid.ini --biller water 2>&1 | tail -3 || true
cp $D/noidx.db $D/water.db
echo "== tasdid ledger check (no index)"; /usr/bin/time -f "%e s" $T ledger check -c $D/tasdid.ini --biller water 2>&1 | tail -3 || true
