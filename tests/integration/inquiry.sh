#!/usr/bin/env bash
# `tasdid inquiry` as a real process on a ledger made with the sqlite3 shell:
# exact JSON for a partly paid account (past-due grace_until, not-yet-due),
# a fully paid one and an unknown one; unknown biller; a biller whose ledger
# is missing; who may ask (401 without or with a wrong token, any terminal
# of any bank may ask about any account; /healthz open); and a posting
# writer holding an open write transaction neither blocks the inquiry nor
# is blocked by it (WAL); rows of the unfolded journal count once, before
# and after a fold.
. "$(dirname "$0")/lib.sh"
TASDID=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
setup_scratch
for t in curl python3 sqlite3; do command -v $t >/dev/null || fail "$t is not installed"; done
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
"$FIX/intake-config.sh" "$SCRATCH" 127.0.0.1:1 0 "[inquiry]" "port = $PORT"
cd "$SCRATCH"
{ cat "$SRC"/schemas/ledger/[0-9][0-9][0-9]-*.sql # every version, in order
  echo "PRAGMA application_id = 1414743116; PRAGMA user_version = $(ls "$SRC"/schemas/ledger/[0-9][0-9][0-9]-*.sql | wc -l); PRAGMA journal_mode = WAL;"
  echo "INSERT INTO ledger_meta VALUES ('biller_id','water'),('currency','SYP'),('created_at_ms','1');"
  echo "INSERT INTO invoices (invoice_no, account, period, due_on, amount_due_minor, amount_paid_minor, currency, imported_at_ms) VALUES
    ('W-1', 'ACC-PART', '2019-12', '2020-01-10', 150000, 50000, 'SYP', 1),
    ('W-2', 'ACC-PART', NULL, '2099-01-10', 20050, 0, 'SYP', 1),
    ('W-0', 'ACC-PART', '2019-11', '2019-12-10', 1000, 1000, 'SYP', 1),
    ('W-3', 'ACC-PAID', '2026-10', '2026-11-10', 99900, 99900, 'SYP', 1),
    ('W-4', 'ACC-OTHER', '2026-10', '2026-11-10', 5, 0, 'SYP', 1);"
} | sqlite3 water.db >/dev/null
"$TASDID" inquiry -c tasdid.ini 2>inquiry.err &
PIDS+=($!); INQ_PID=$!
wait_for 20 curl -sf "$URL/healthz" -o /dev/null || { cat inquiry.err >&2; fail "inquiry not up"; }

get() { # get PATH [TOKEN]: sets CODE and BODY
  local auth=(); [ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2")
  CODE=$(curl -s -o resp -D head -w '%{http_code}' "${auth[@]}" "$URL$1"); BODY=$(cat resp)
}

# --- partly paid: the paid invoice is left out; grace only when past due
get /v1/bills/water/ACC-PART tok-bnk1-t1
assert_eq "partly paid status" 200 "$CODE"
assert_eq "partly paid body" '{"biller":"water","account":"ACC-PART","currency":"SYP","invoices":[{"invoice_no":"W-1","period":"2019-12","amount_due":"1500.00","amount_paid":"500.00","amount_open":"1000.00","currency":"SYP","due_on":"2020-01-10","grace_until":"2020-01-25"},{"invoice_no":"W-2","amount_due":"200.50","amount_paid":"0.00","amount_open":"200.50","currency":"SYP","due_on":"2099-01-10"}],"total_open":"1200.50","truncated":false}' "$BODY"
grep -qi '^Content-Type: application/json' head || fail "content type"
# --- fully paid: known account, nothing open
get /v1/bills/water/ACC-PAID tok-bnk2-t1
assert_eq "paid status (another bank's terminal may ask)" 200 "$CODE"
assert_eq "paid body" '{"biller":"water","account":"ACC-PAID","currency":"SYP","invoices":[],"total_open":"0.00","truncated":false}' "$BODY"
# --- unknown account, unknown biller, missing ledger, bad paths
get /v1/bills/water/ACC-NONE tok-bnk1-t2
assert_eq "unknown account" "404 {\"error\":{\"field\":\"account\",\"reason\":\"no invoices for this account at biller water\"}}" "$CODE $BODY"
get /v1/bills/gas/ACC-PART tok-bnk1-t1
assert_eq "unknown biller" "404 {\"error\":{\"field\":\"biller\",\"reason\":\"unknown biller 'gas'\"}}" "$CODE $BODY"
get /v1/bills/power/ACC-1 tok-bnk1-t1
assert_eq "missing ledger" "503 {\"error\":{\"field\":\"\$\",\"reason\":\"ledger unavailable\"}}" "$CODE $BODY"
for p in /v1/bills/water /v1/bills/water/ /v1/bills/water/A/B /v1/intents /; do
  get "$p" tok-bnk1-t1; assert_eq "path $p" 404 "$CODE"
done
get "/v1/bills/water/$(printf 'A%.0s' $(seq 33))" tok-bnk1-t1; assert_eq "account too long" 404 "$CODE"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer tok-bnk1-t1' "$URL/v1/bills/water/ACC-PART")
assert_eq "POST" 405 "$CODE"

# --- authorisation: a token is needed for everything but /healthz
get /v1/bills/water/ACC-PART
assert_eq "no token" "401 {\"error\":{\"field\":\"\$\",\"reason\":\"a terminal's bearer token is required\"}}" "$CODE $BODY"
grep -qi '^WWW-Authenticate: Bearer' head || fail "401 without WWW-Authenticate"
get /v1/bills/water/ACC-PART wrong-token; assert_eq "wrong token" 401 "$CODE"
get /v1/bills/gas/x wrong-token; assert_eq "no biller list without a token" 401 "$CODE"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Basic dG9rLWJuazEtdDE=' "$URL/v1/bills/water/ACC-PART")
assert_eq "basic auth" 401 "$CODE"
# Two Authorization headers, the valid one first or last: refused either way.
for order in "tok-bnk1-t1 wrong-token" "wrong-token tok-bnk1-t1"; do
  set -- $order
  CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" -H "authorization: Bearer $2" "$URL/v1/bills/water/ACC-PART")
  assert_eq "two Authorization headers ($order)" 400 "$CODE"
done
get /healthz; assert_eq "healthz open" 200 "$CODE"

# --- WAL: a writer's open transaction does not block the inquiry, which
# sees the last committed state; after the commit it sees the new one.
python3 - water.db <<'PY' &
import sqlite3, sys, os, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE invoices SET amount_paid_minor = 150000 WHERE invoice_no = 'W-1'")
open("writing", "w").close()
deadline = time.time() + 20
while not os.path.exists("go") and time.time() < deadline:
    time.sleep(0.02)
db.execute("COMMIT")
open("committed", "w").close()
PY
PIDS+=($!)
wait_for 10 test -e writing || fail "writer did not start"
start=$(date +%s%N)
get /v1/bills/water/ACC-PART tok-bnk1-t1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
assert_eq "read during a write" "200 1200.50" "$CODE $(echo "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_open"])')"
[ "$ms" -lt 1000 ] || fail "inquiry waited ${ms} ms for the writer"
touch go
wait_for 10 test -e committed || fail "writer could not commit"
get /v1/bills/water/ACC-PART tok-bnk1-t1
assert_eq "after the commit" "200 200.50" "$CODE $(echo "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_open"])')"

# --- the unfolded journal (schema 003): allocations above folded_seq with
# invoice_updated = 0 count as paid, without counting twice after a fold;
# invoice_updated = 1 rows are already in the invoice.
open_of() { get /v1/bills/water/ACC-PART tok-bnk1-t1; echo "$CODE $(echo "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_open"])')"; }
P=01a2114c-1eb8-8f5a-84d2-c63a9eae9cbe
sqlite3 water.db "INSERT INTO postings (intent_id, idempotency_key, bank, terminal, account, amount_minor, currency, paid_at, paid_at_ms, received_at_ms, posted_at_ms, channel, kafka_topic, kafka_partition, kafka_offset) VALUES ('$P', 'k', 'bnk1', 't1', 'ACC-PART', 6000, 'SYP', 'x', 1, 1, 1, 'teller', 't', 0, 0);
  INSERT INTO allocations (intent_id, invoice_no, amount_minor) VALUES ('$P', 'W-2', 5000);"
assert_eq "journal row counted" "200 150.50" "$(open_of)"
sqlite3 water.db "BEGIN; UPDATE invoices SET amount_paid_minor = amount_paid_minor + u.s FROM (SELECT invoice_no, sum(amount_minor) AS s FROM allocations WHERE seq > (SELECT folded_seq FROM allocations_fold) AND invoice_updated = 0 GROUP BY invoice_no) AS u WHERE invoices.invoice_no = u.invoice_no;
  UPDATE allocations_fold SET folded_seq = (SELECT max(seq) FROM allocations); COMMIT;"
assert_eq "after a fold, not twice" "200 150.50" "$(open_of)"
sqlite3 water.db "BEGIN; UPDATE invoices SET amount_paid_minor = amount_paid_minor + 1000 WHERE invoice_no = 'W-2';
  INSERT INTO allocations (intent_id, invoice_no, amount_minor, invoice_updated) VALUES ('$P', 'W-2', 1000, 1); COMMIT;"
assert_eq "invoice_updated row once" "200 140.50" "$(open_of)"

kill -TERM "$INQ_PID"; rc=0; wait "$INQ_PID" || rc=$?
assert_eq "inquiry exit on SIGTERM" 0 "$rc"
echo "inquiry integration: ok"
