#!/usr/bin/env bash
# `tasdid terminal` against a real `tasdid intake` and `tasdid broker`:
#  1. the intake not started: payments spool, forward --once fails and
#     keeps them; the intake starts → every payment arrives;
#  2. the broker taken down (SIGUSR1) while payments spool → 503s, back-off,
#     broker up (SIGUSR2) → every payment arrives;
#  3. the forwarder SIGKILLed right after an answer and before recording it,
#     and again from outside mid-run → restart loses and duplicates nothing;
#  4. refusals (unknown biller, wrong currency) are kept as rejected with the
#     reason; a payment of another terminal (403) is retried, not rejected;
#  5. the receipt and its verification code, recomputed independently.
# Exactly once: the distinct intent ids in Kafka are exactly the spool's
# (a retry may put the same id in Kafka twice: the ledger absorbs it).
. "$(dirname "$0")/lib.sh"
TASDID=$1
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
setup_scratch
for t in kcat curl jq python3 sqlite3; do command -v $t >/dev/null || fail "$t is not installed"; done

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
"$FIX/intake-config.sh" "$SCRATCH" 127.0.0.1:1 "$PORT"
start_broker -c "$SCRATCH/tasdid.ini"
SPOOL=$SCRATCH/spool.db
echo tok-bnk1-t1 >"$SCRATCH/token"
q() { sqlite3 "$SPOOL" "$1"; }
pay() { # pay ACCOUNT AMOUNT [ARGS...]: prints the receipt number
  local acc=$1 amt=$2; shift 2
  "$TASDID" terminal pay --spool "$SPOOL" --bank BNK1 --terminal T1 --biller water \
    --account "$acc" --amount "$amt" --currency SYP "$@"
}
start_forwarder() {
  "$TASDID" terminal forward --spool "$SPOOL" --url "$URL" --token-file "$SCRATCH/token" \
    --backoff-base-ms 50 --backoff-max-ms 400 --timeout-ms 3000 "$@" 2>>"$SCRATCH/forward.err" &
  FWD_PID=$!
  PIDS+=("$FWD_PID")
}
start_intake() {
  "$TASDID" intake -c "$SCRATCH/tasdid.ini" -b "$BOOTSTRAP" >"$SCRATCH/intake.out" 2>>"$SCRATCH/intake.err" &
  PIDS+=($!)
  wait_for 20 curl -sf "$URL/readyz" -o /dev/null || { cat "$SCRATCH/intake.err" >&2; fail "intake not ready"; }
}
acked() { q "SELECT count(*) FROM spool WHERE state = 'acknowledged'"; }
all_acked() { [ "$(acked)" = "$1" ] && [ "$(q "SELECT count(*) FROM spool")" = "$1" ]; }
kafka_ids() { kcat -C -b "$BOOTSTRAP" -t it.intents.water -o beginning -e -q -f '%s\n' 2>/dev/null | jq -r .intent_id; }
# exactly_once N: N distinct ids in Kafka, the same set as the spool's, and
# each acknowledged entry's id from the intake equals the one derived at pay.
exactly_once() {
  kafka_ids | sort -u >"$SCRATCH/kafka.ids"
  q "SELECT intent_id FROM spool WHERE state = 'acknowledged' ORDER BY 1" | sort >"$SCRATCH/spool.ids"
  assert_eq "distinct intent ids in Kafka" "$1" "$(wc -l <"$SCRATCH/kafka.ids")"
  diff "$SCRATCH/kafka.ids" "$SCRATCH/spool.ids" >/dev/null || fail "Kafka ids differ from the spool's"
  assert_eq "intake ids = derived ids" 0 "$(q "SELECT count(*) FROM spool WHERE state = 'acknowledged' AND acked_intent_id <> intent_id")"
}

# --- 1. intake down: pay spools, forward --once fails and loses nothing
for i in $(seq 1 30); do
  r=$(pay "ACC-$i" "$i.50") || fail "pay $i"
  assert_eq "receipt number" "$i" "$r"
done
assert_eq "paid_at kept" 30 "$(q "SELECT count(*) FROM spool WHERE json_extract(body, '$.paid_at') = paid_at")"
PAID_BEFORE=$(q "SELECT group_concat(paid_at) FROM spool")
rc=0; "$TASDID" terminal forward --once --spool "$SPOOL" --url "$URL" --token-file "$SCRATCH/token" 2>/dev/null || rc=$?
assert_eq "forward --once with the intake down" 1 "$rc"
assert_eq "sent after a refused connection" 30 "$(q "SELECT count(*) FROM spool WHERE state = 'sent' AND attempts = 1 AND last_error LIKE 'connect%'")"
"$TASDID" terminal status --spool "$SPOOL" | grep -Eq '^sent +30 ' || fail "status does not list 30 sent"
start_forwarder
wait_for 10 bash -c "[ \$(sqlite3 '$SPOOL' \"SELECT max(attempts) FROM spool\") -ge 3 ]" || fail "forwarder does not retry"
start_intake
wait_for 20 all_acked 30 || fail "not all 30 acknowledged: $(acked)"
exactly_once 30
assert_eq "paid_at unchanged by forwarding" "$PAID_BEFORE" "$(q "SELECT group_concat(paid_at) FROM spool")"

# --- 2. broker down while paying: 503s, back-off, then everything arrives
kill -USR1 "$BROKER_PID"
down() { curl -s "$URL/metrics" | grep -qx 'tasdid_intake_brokers_down 1'; }
wait_for 10 down || fail "intake did not notice the outage"
for i in $(seq 31 50); do pay "ACC-$i" 7 >/dev/null || fail "pay $i"; done
wait_for 10 bash -c "[ \$(sqlite3 '$SPOOL' \"SELECT count(*) FROM spool WHERE last_status = 503\") -ge 1 ]" || fail "no 503 seen"
assert_eq "nothing new acknowledged while down" 30 "$(acked)"
kill -USR2 "$BROKER_PID"
wait_for 30 all_acked 50 || fail "not all 50 acknowledged: $(acked)"
exactly_once 50
kill -TERM "$FWD_PID"; rc=0; wait "$FWD_PID" || rc=$?
assert_eq "forwarder exit on SIGTERM" 0 "$rc"

# --- 3a. killed between receiving an answer and recording it
for i in $(seq 51 90); do pay "ACC-$i" 3 >/dev/null || fail "pay $i"; done
rc=0; "$TASDID" terminal forward --spool "$SPOOL" --url "$URL" --token-file "$SCRATCH/token" \
  --batch 5 --testing-only-kill-after-answers 3 2>>"$SCRATCH/forward.err" || rc=$?
assert_eq "forwarder killed" 137 "$rc"
# Batches 1 and 2 recorded; batch 3 is in Kafka but the spool still says sent.
assert_eq "acknowledged before the kill" 60 "$(acked)"
assert_eq "sent, answer lost with the process" 5 "$(q "SELECT count(*) FROM spool WHERE state = 'sent'")"
# --- 3b. killed from outside while forwarding one per request
start_forwarder --batch 1
wait_for 20 bash -c "[ \$(sqlite3 '$SPOOL' \"SELECT count(*) FROM spool WHERE state = 'acknowledged'\") -ge 70 ]" || fail "no progress"
kill -KILL "$FWD_PID"; wait "$FWD_PID" 2>/dev/null || true
n=$(acked); [ "$n" -lt 90 ] || echo "note: the forwarder had finished before SIGKILL" >&2
rc=0; "$TASDID" terminal forward --once --spool "$SPOOL" --url "$URL" --token-file "$SCRATCH/token" 2>>"$SCRATCH/forward.err" || rc=$?
assert_eq "forward --once after the kills" 0 "$rc"
assert_eq "all acknowledged after restart" 90 "$(acked)"
exactly_once 90
total=$(kafka_ids | wc -l)
[ "$total" -ge 95 ] || fail "the 5 re-sent after the kill should be in Kafka twice ($total messages)"

# --- 4. refusals are kept with the reason; 403 is retried, not rejected
r_gas=$(pay ACC-G 1 --biller gas)
r_cur=$(pay ACC-C 1 --currency JOD)
rc=0; "$TASDID" terminal forward --once --spool "$SPOOL" --url "$URL" --token-file "$SCRATCH/token" 2>>"$SCRATCH/forward.err" || rc=$?
assert_eq "forward --once with refusals" 0 "$rc"
assert_eq "gas rejected" "rejected|422|422 biller: unknown biller 'gas'" "$(q "SELECT state, last_status, last_error FROM spool WHERE receipt_no = $r_gas")"
assert_eq "currency rejected" "rejected|422" "$(q "SELECT state, last_status FROM spool WHERE receipt_no = $r_cur")"
"$TASDID" terminal status --spool "$SPOOL" | grep -Eq '^rejected +2 ' || fail "status: rejected"
r_t2=$("$TASDID" terminal pay --spool "$SPOOL" --bank BNK1 --terminal T2 --biller water --account ACC-X --amount 1 --currency SYP)
rc=0; "$TASDID" terminal forward --once --spool "$SPOOL" --url "$URL" --token-file "$SCRATCH/token" 2>>"$SCRATCH/forward.err" || rc=$?
assert_eq "forward --once with a 403" 1 "$rc"
assert_eq "403 stays to be retried" "sent|403" "$(q "SELECT state, last_status FROM spool WHERE receipt_no = $r_t2")"
exactly_once 90

# --- 5. the receipt, its code recomputed from the canonical text
"$TASDID" terminal receipt 7 --spool "$SPOOL" >"$SCRATCH/receipt"
grep -qx 'amount:       7.50 SYP' "$SCRATCH/receipt" || fail "receipt amount: $(cat "$SCRATCH/receipt")"
grep -qx 'account:      ACC-7' "$SCRATCH/receipt" || fail "receipt account"
IFS='|' read -r id paid key <<<"$(q "SELECT intent_id, paid_at, idempotency_key FROM spool WHERE receipt_no = 7")"
code=$(printf 'tasdid-receipt-1\n7\nBNK1\nT1\nwater\nACC-7\n\n7.50\nSYP\n%s\n%s' "$paid" "$id" | sha256sum | cut -c1-12)
grep -qx "verification: $code" "$SCRATCH/receipt" || fail "verification code: want $code, $(cat "$SCRATCH/receipt")"
grep -qx "paid at:      $paid" "$SCRATCH/receipt" || fail "receipt paid_at"
rc=0; "$TASDID" terminal receipt 999 --spool "$SPOOL" 2>/dev/null || rc=$?
assert_eq "unknown receipt" 1 "$rc"
echo "terminal integration: ok"
