#!/usr/bin/env bash
# `tasdid intake` as a real process against `tasdid broker`, driven with
# curl: happy path read back from Kafka byte for byte, retries, every auth
# failure, validation errors by field, a mixed batch, metrics, an outage
# (SIGUSR1 to the broker) with the 202/503 truth checked against Kafka, the
# events log and its forwarding, and a graceful stop with a request waiting.
. "$(dirname "$0")/lib.sh"
TASDID=$1
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
setup_scratch
for t in kcat curl jq python3; do command -v $t >/dev/null || fail "$t is not installed"; done

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
"$FIX/intake-config.sh" "$SCRATCH" 127.0.0.1:1 "$PORT"
start_broker -c "$SCRATCH/tasdid.ini"
start_intake() {
  "$TASDID" intake -c "$SCRATCH/tasdid.ini" -b "$BOOTSTRAP" >"$SCRATCH/intake.out" 2>>"$SCRATCH/intake.err" &
  INTAKE_PID=$!
  PIDS+=("$INTAKE_PID")
  wait_for 20 curl -sf "$URL/readyz" -o /dev/null || { cat "$SCRATCH/intake.err" >&2; fail "intake not ready"; }
}
start_intake

NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# intent KEY [FIELD=JSONVALUE...]: a valid BNK1/T1 water intent, fields overridden.
intent() {
  local key=$1; shift
  python3 - "$key" "$NOW" "$@" <<'PY'
import json, sys
d = {"schema_version": 1, "idempotency_key": sys.argv[1], "bank": "BNK1",
     "terminal": "T1", "biller": "water", "account": "ACC-1", "amount": "1500.50",
     "currency": "SYP", "paid_at": sys.argv[2], "channel": "teller"}
for a in sys.argv[3:]:
    k, v = a.split("=", 1)
    if v == "DELETE": del d[k]
    else: d[k] = json.loads(v)
print(json.dumps(d, separators=(",", ":")))
PY
}
# post PATH TOKEN BODY [CONTENT-TYPE]: sets CODE and BODY_OUT.
post() {
  local out
  out=$(curl -s -o "$SCRATCH/resp" -w '%{http_code}' -H "Authorization: Bearer $2" \
        -H "Content-Type: ${4:-application/json}" --data-binary "$3" "$URL$1")
  CODE=$out; BODY_OUT=$(cat "$SCRATCH/resp")
}
expect() { # expect CODE FIELD BODY...: a single post refused with CODE on FIELD
  local code=$1 field=$2; shift 2
  post /v1/intents tok-bnk1-t1 "$@"
  assert_eq "status for $*" "$code" "$CODE"
  assert_eq "field for $*" "$field" "$(echo "$BODY_OUT" | jq -r .error.field)"
}
# The id, computed independently of the C code (schemas/payment-intent.md).
intent_id() {
  python3 - "$@" <<'PY'
import hashlib, sys, uuid, datetime
bank, term, key, paid = sys.argv[1:]
ms = int(datetime.datetime.fromisoformat(paid.replace("Z", "+00:00")).timestamp() * 1000)
d = hashlib.sha256(f"{bank}\0{term}\0{key}".encode()).digest()
u = bytearray(ms.to_bytes(6, "big") + d[:10])
u[6] = 0x80 | (u[6] & 0x0f); u[8] = 0x80 | (u[8] & 0x3f)
print(uuid.UUID(bytes=bytes(u)))
PY
}
topic_dump() { kcat -C -b "$BOOTSTRAP" -t "$1" -o beginning -e -q -f '%k %s\n' 2>/dev/null; }

# --- happy path: 202 with the id, the exact JSON in Kafka, keyed by account
post /v1/intents tok-bnk1-t1 "$(intent happy-1)"
assert_eq "happy status" 202 "$CODE"
ID=$(echo "$BODY_OUT" | jq -r .intent_id)
RECV=$(echo "$BODY_OUT" | jq -r .received_at)
assert_eq "intent id" "$(intent_id BNK1 T1 happy-1 "$NOW")" "$ID"
want="ACC-1 {\"schema_version\":1,\"intent_id\":\"$ID\",\"idempotency_key\":\"happy-1\",\"bank\":\"BNK1\",\"terminal\":\"T1\",\"biller\":\"water\",\"account\":\"ACC-1\",\"amount\":\"1500.50\",\"currency\":\"SYP\",\"paid_at\":\"$NOW\",\"received_at\":\"$RECV\",\"channel\":\"teller\"}"
assert_eq "message in Kafka" "$want" "$(topic_dump it.intents.water)"

# --- a retry of the same key: the same id
post /v1/intents tok-bnk1-t1 "$(intent happy-1)"
assert_eq "retry status" 202 "$CODE"
assert_eq "retry id" "$ID" "$(echo "$BODY_OUT" | jq -r .intent_id)"

# --- authentication
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$(intent a1)" "$URL/v1/intents")
assert_eq "no token" 401 "$code"
post /v1/intents wrong-token "$(intent a2)"; assert_eq "wrong token" 401 "$CODE"
post /v1/intents tok-bnk1-t2 "$(intent a3)"; assert_eq "other terminal" 403 "$CODE"
assert_eq "other terminal field" terminal "$(echo "$BODY_OUT" | jq -r .error.field)"
post /v1/intents tok-bnk2-t1 "$(intent a4)"; assert_eq "other bank" 403 "$CODE"
assert_eq "other bank field" bank "$(echo "$BODY_OUT" | jq -r .error.field)"

# --- validation: status and field for each kind of bad input
expect 400 '$' '{"schema_version":1,'
expect 400 '$' '[1,2]'
expect 400 '$' "$(printf '{"schema_version":1,"bank":"\xff"}')"
expect 422 colour "$(intent v1 colour='"red"')"
expect 422 amount "$(intent v2 amount=DELETE)"
expect 422 amount "$(intent v3 amount=1500.5)"
expect 422 amount "$(intent v4 amount='"-5"')"
expect 422 amount "$(intent v5 amount='"0"')"
expect 422 amount "$(intent v6 amount='"99999999999999999999"')"
expect 422 amount "$(intent v7 amount='"1.234"')"
expect 422 channel "$(intent v8 channel='"fax"')"
expect 422 biller "$(intent v9 biller='"gas"')"
expect 422 currency "$(intent v10 currency='"JOD"')"
expect 422 currency "$(intent v11 currency='"XYZ"')"
expect 422 paid_at "$(intent v12 paid_at='"2020-01-01T00:00:00Z"')"
expect 422 paid_at "$(intent v13 paid_at='"2099-01-01T00:00:00Z"')"
expect 422 intent_id "$(intent v14 intent_id='"01a2118e-c99b-87cc-bb24-3c2ad4b0b704"')"
# A member given twice is refused, never resolved (a proxy or an audit log
# may read the first one, jansson would keep the last): on the fast path
# (plain keys) and on jansson's (an escaped spelling of the same key).
D=$(intent d1); expect 422 amount "${D%\}},\"amount\":\"9.00\"}"
D=$(intent d2); expect 400 '$' "${D%\}},\"b\\u0061nk\":\"BNK1\"}"
post /v1/intents tok-bnk1-t1 "$(intent v15)" text/plain; assert_eq "content type" 415 "$CODE"
post /v1/intents tok-bnk1-t1 "$(intent v16 invoice="\"$(printf 'x%.0s' $(seq 3000))\"")"
assert_eq "oversize" 413 "$CODE"
# Only happy-1 and its retry (the same id twice: the ledger keeps one).
assert_eq "ids in Kafka" "$ID $ID" "$(topic_dump it.intents.water | sed 's/^[^ ]* //' | jq -r .intent_id | tr '\n' ' ' | sed 's/ $//')"

# --- a batch with good, bad, conflicting and repeated items, in order
B="{\"intents\":[$(intent b-1),$(intent b-2 amount='"-1"'),$(intent b-3 biller='"power"' currency='"JOD"' amount='"2.5"'),$(intent b-4),$(intent b-4 amount='"9"'),$(intent b-5),$(intent b-5),$(intent b-6 bank='"BNK2"')]}"
post /v1/intents/batch tok-bnk1-t1 "$B"
assert_eq "batch status" 200 "$CODE"
assert_eq "batch item statuses" "202 422 202 409 409 202 202 403" "$(echo "$BODY_OUT" | jq -r '[.results[].status]|join(" ")')"
assert_eq "batch indexes" "0 1 2 3 4 5 6 7" "$(echo "$BODY_OUT" | jq -r '[.results[].index]|join(" ")')"
assert_eq "batch item 1 field" amount "$(echo "$BODY_OUT" | jq -r '.results[1].error.field')"
assert_eq "batch repeated key, same id" "$(echo "$BODY_OUT" | jq -r '.results[5].intent_id')" "$(echo "$BODY_OUT" | jq -r '.results[6].intent_id')"
assert_eq "batch item 2 id" "$(intent_id BNK1 T1 b-3 "$NOW")" "$(echo "$BODY_OUT" | jq -r '.results[2].intent_id')"
assert_eq "power topic" "b-3" "$(topic_dump it.intents.power | sed 's/^[^ ]* //' | jq -r .idempotency_key)"
# Twice in a batch item, or the envelope twice: the whole body is refused
# and nothing of it reaches Kafka (checked below by the accepted count).
D=$(intent bd-1); post /v1/intents/batch tok-bnk1-t1 "{\"intents\":[$(intent bd-0),${D%\}},\"amount\":\"9.00\"}]}"
assert_eq "batch item member twice" 422 "$CODE"
assert_eq "batch item member twice, field" amount "$(echo "$BODY_OUT" | jq -r .error.field)"
post /v1/intents/batch tok-bnk1-t1 "{\"intents\":[$(intent bd-2)],\"intents\":[$(intent bd-3)]}"
assert_eq "batch envelope twice" 422 "$CODE"
assert_eq "batch envelope twice, field" intents "$(echo "$BODY_OUT" | jq -r .error.field)"
post /v1/intents/batch tok-bnk1-t1 '{"intents":[]}'; assert_eq "empty batch" 422 "$CODE"
post /v1/intents/batch tok-bnk1-t1 '{"items":[]}'; assert_eq "bad envelope" 400 "$CODE"

# --- metrics
M=$(curl -s "$URL/metrics")
echo "$M" | grep -qx 'tasdid_intake_auth_failures_total{status="401"} 2' || fail "401 count: $M"
echo "$M" | grep -qx 'tasdid_intake_auth_failures_total{status="403"} 3' || fail "403 count"
echo "$M" | grep -qx 'tasdid_intake_intents_accepted_total 6' || fail "accepted count"
# By reason: the empty batch's 422 is "invalid", the bad envelope's 400
# "malformed", as the answers said.
assert_eq "rejected by reason" "malformed 5 invalid 19 forbidden 3 conflict 2" \
  "$(echo "$M" | sed -n 's/^tasdid_intake_intents_rejected_total{reason="\([a-z]*\)"} /\1 /p' | tr '\n' ' ' | sed 's/ $//')"
echo "$M" | grep -q '^tasdid_intake_produce_latency_ms_bucket{le="+Inf"} 5$' || fail "latency histogram"
assert_eq "healthz" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")"

# --- outage: every answer within the deadline; 202 means in Kafka, 503 not
kill -USR1 "$BROKER_PID"
sleep_until_down() { curl -s "$URL/metrics" | grep -qx 'tasdid_intake_brokers_down 1'; }
wait_for 10 sleep_until_down || fail "intake did not notice the outage"
for i in $(seq 1 30); do
  ( out=$(curl -s -o "$SCRATCH/o$i" -D "$SCRATCH/h$i" -w '%{http_code} %{time_total}' -H 'Authorization: Bearer tok-bnk1-t1' \
       -H 'Content-Type: application/json' --data-binary "$(intent out-$i)" "$URL/v1/intents")
    echo "out-$i $out" >>"$SCRATCH/outage" ) &
done
wait_jobs() { [ "$(wc -l <"$SCRATCH/outage" 2>/dev/null || echo 0)" -eq 30 ]; }
wait_for 20 wait_jobs || fail "outage requests not all answered"
kill -USR2 "$BROKER_PID"
n503=$(awk '$2 == 503' "$SCRATCH/outage" | wc -l)
[ "$n503" -ge 1 ] || fail "no 503 during the outage: $(cat "$SCRATCH/outage")"
awk '$2 != 202 && $2 != 503 { exit 1 }' "$SCRATCH/outage" || fail "not 202/503: $(cat "$SCRATCH/outage")"
awk '$3 > 1.5 { exit 1 }' "$SCRATCH/outage" || fail "an answer took over 1.5 s: $(cat "$SCRATCH/outage")"
first503=$(awk '$2 == 503 { sub("out-", "", $1); print $1; exit }' "$SCRATCH/outage")
grep -qi '^Retry-After: 1' "$SCRATCH/h$first503" || fail "503 without Retry-After"
ready_again() { post /v1/intents tok-bnk1-t1 "$(intent back-$RANDOM)"; [ "$CODE" = 202 ]; }
wait_for 20 ready_again || fail "no 202 after the brokers came back"
# Let late delivery reports (if any) reach the events log.
wait_for 10 bash -c "! curl -s '$URL/metrics' | grep -qx 'tasdid_intake_inflight [1-9].*'"
DUMP=$(topic_dump it.intents.water)
while read -r key code _; do
  msg=$(echo "$DUMP" | sed 's/^[^ ]* //' | jq -c "select(.idempotency_key == \"$key\")")
  if [ "$code" = 202 ]; then
    [ -n "$msg" ] || fail "$key got 202 but is not in Kafka"
  elif [ -n "$msg" ]; then
    # In Kafka after a 503: only if the intake said so in its events log.
    id=$(echo "$msg" | jq -r .intent_id)
    grep -q "\"intent_id\":\"$id\"" "$SCRATCH/intake-events.jsonl" \
      || fail "$key got 503, is in Kafka, and no event says it may be"
  fi
done <"$SCRATCH/outage"

# --- events: the log records the 503s, and is forwarded to the topic
EV=$(head -1 "$SCRATCH/intake-events.jsonl")
assert_eq "event keys" "at bank intents reason terminal ts_ms" "$(echo "$EV" | jq -r 'keys|join(" ")')"
assert_eq "event who" "BNK1 T1" "$(echo "$EV" | jq -r '.bank + " " + .terminal')"
echo "$EV" | jq -e '.reason | test("^(kafka_timeout|brokers_down|kafka_error|queue_full|possibly_persisted)$")' >/dev/null || fail "event reason: $EV"
forwarded() { [ "$(topic_dump it.intake-events | wc -l)" -ge "$(wc -l <"$SCRATCH/intake-events.jsonl")" ]; }
wait_for 20 forwarded || fail "events not forwarded to Kafka"

# --- graceful stop: a request waiting on a down broker is answered, exit 0
kill -USR1 "$BROKER_PID"
wait_for 10 sleep_until_down || fail "outage 2 not noticed"
sleep 0.3 # past the probe interval, so this request is produced and waits
curl -s -o /dev/null -w '%{http_code}\n' -H 'Authorization: Bearer tok-bnk1-t1' -H 'Content-Type: application/json' \
  --data-binary "$(intent stop-1)" "$URL/v1/intents" >"$SCRATCH/stop-code" &
CURL_PID=$!
# The request is being served (waiting for Kafka) or already answered; a
# connection not yet accepted when the listener closes would get no answer.
in_flight() { [ -s "$SCRATCH/stop-code" ] || curl -s "$URL/metrics" | grep -qx 'tasdid_intake_inflight [1-9][0-9]*'; }
wait_for 10 in_flight || fail "the request during stop never arrived"
kill -TERM "$INTAKE_PID"
rc=0; wait "$INTAKE_PID" || rc=$?
assert_eq "intake exit status" 0 "$rc"
wait "$CURL_PID" || true
assert_eq "request during stop" 503 "$(cat "$SCRATCH/stop-code")"
echo "intake integration: ok"
