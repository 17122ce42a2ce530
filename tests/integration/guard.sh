#!/usr/bin/env bash
# The backlog guard (issue #14; docs/intake.md "The backlog guard"). The
# embedded broker keeps 5 MiB per partition and silently drops the oldest
# data. One partition, 25,000 intents (~9 MiB in Kafka):
#  1. guard on (auto, the default): the posting consumer stopped, `tasdid
#     load` until the intake sheds (503 backlog_full), then the consumer
#     started: the load generator retries every 503 with the same key until
#     it is accepted, and every intent answered 202 is in the ledger, once;
#     no partition misses data.
#  2. guard off (--guard off) on the embedded broker: allowed (benchmarks)
#     but warned loudly at start, and the same run really loses data: the
#     consumer stops with DATA MISSING. This is what happened before.
. "$(dirname "$0")/lib.sh"
TASDID=$(realpath "$1")
setup_scratch
for t in curl jq python3 sqlite3; do command -v $t >/dev/null || fail "$t is not installed"; done
COUNT=25000
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
h() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
cat >"$SCRATCH/t.ini" <<INI
[topics]
partitions = 1
events = it.intake-events
dead_letter = it.dead-letter
[intake]
listen = 127.0.0.1
port = $PORT
events_log = intake-events.jsonl
[post]
batch_wait_ms = 50
stats_interval_ms = 100
stats_file = post-stats.json
[biller water]
name = Water
currency = SYP
topic = it.intents.water
ledger = water.db
[bank BNK1]
name = Bank One
[terminal BNK1/T1]
token_sha256 = $(h tok-1)
[terminal BNK1/T2]
token_sha256 = $(h tok-2)
INI
printf 'BNK1,T1,tok-1\nBNK1,T2,tok-2\n' >"$SCRATCH/terminals.csv"
cd "$SCRATCH"

metric() { curl -sf "$URL/metrics" | awk -v k="$1" '$1 == k {print $2}'; }
shed_backlog() { metric 'tasdid_intake_intents_shed_total{reason="backlog_full"}'; }
sheds_seen() { [ "$(shed_backlog)" -gt 0 ]; }
postings() { sqlite3 water.db 'SELECT count(*) FROM postings'; }
postings_are() { [ "$(postings)" = "$1" ]; }
start_intake() {
  "$TASDID" intake -c t.ini -b "$BOOTSTRAP" "$@" 2>intake.err & INTAKE_PID=$!
  PIDS+=("$INTAKE_PID")
  wait_for 20 curl -sf "$URL/readyz" -o /dev/null || { cat intake.err >&2; fail "intake not ready"; }
}
start_load() {
  "$TASDID" load -c t.ini --terminals terminals.csv --url "$URL" --connections 4 \
    --batch 100 --count $COUNT --attempts 0 --accepted-log accepted.jsonl \
    --json load.json --quiet & LOAD_PID=$!
  PIDS+=("$LOAD_PID")
}
stop() { kill -TERM "$1"; STOP_RC=0; wait "$1" || STOP_RC=$?; }
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

# --- 1. guard on: shed, retry, nothing lost
"$TASDID" ledger init --biller water -c t.ini >/dev/null
start_broker -c t.ini
start_intake
grep -q 'backlog guard on (auto, embedded broker)' intake.err || { cat intake.err >&2; fail "guard not on"; }
assert_eq "readyz shows the guard" on "$(curl -sf "$URL/readyz" | jq -r .backlog_guard)"
start_load
wait_for 60 sheds_seen || fail "the intake never shed backlog_full"
kill -0 "$LOAD_PID" || fail "load finished without the consumer: nothing was held back"
"$TASDID" post -c t.ini -b "$BOOTSTRAP" 2>post.err & POST_PID=$!; PIDS+=("$POST_PID")
rc=0; wait "$LOAD_PID" || rc=$?
assert_eq "load exit status" 0 "$rc"
assert_eq "generated" $COUNT "$(json load.json intents_generated)"
assert_eq "accepted" $COUNT "$(json load.json intents_accepted)"
assert_eq "given up" 0 "$(json load.json intents_gave_up)"
assert_eq "rejected" 0 "$(json load.json intents_rejected)"
[ "$(json load.json retries)" -gt 0 ] || fail "no 503 was retried"
# Every intent shed was retried by the load generator: the intake's count
# of intents answered 503, over all reasons, is the generator's retries.
shed_total=$(curl -sf "$URL/metrics" | awk -F'[{}" ]' '/^tasdid_intake_intents_shed_total/ && $3 != "late_delivered" && $3 != "possibly_persisted" {s += $NF} END {print s}')
assert_eq "every 503 retried" "$shed_total" "$(json load.json retries)"
assert_eq "accepted log lines" $COUNT "$(wc -l <accepted.jsonl)"
wait_for 60 postings_are $COUNT || fail "posted $(postings) of $COUNT"
python3 - accepted.jsonl <<'PY' >accepted.ids
import json, sys
for line in open(sys.argv[1]): print(json.loads(line)["intent_id"])
PY
sqlite3 water.db 'SELECT intent_id FROM postings' >posted.ids
assert_eq "distinct accepted intents" $COUNT "$(sort -u accepted.ids | wc -l)"
assert_eq "accepted but not posted" 0 "$(sort accepted.ids | comm -23 - <(sort posted.ids) | wc -l)"
wait_for 10 grep -q '"partitions_missing_data":0' post-stats.json || fail "post stats: $(cat post-stats.json)"
grep -q 'DATA MISSING' post.err && fail "post reported missing data"
stop "$POST_PID"; assert_eq "post exit status" 0 "$STOP_RC"
stop "$INTAKE_PID"; assert_eq "intake exit status" 0 "$STOP_RC"
grep -q '"reason":"backlog_full"' intake-events.jsonl || fail "no backlog_full event"
echo "guard on: $(json load.json retries) retries; nothing lost"

# --- 2. guard off on the embedded broker: warned loudly, and data is lost
kill -TERM "$BROKER_PID"; wait "$BROKER_PID" || true
rm -f bootstrap water.db* accepted.jsonl post-stats.json
"$TASDID" ledger init --biller water -c t.ini >/dev/null
start_broker -c t.ini
start_intake --guard off
loud() { grep -q 'BACKLOG GUARD OFF ON THE EMBEDDED BROKER' intake.err; }
wait_for 10 loud || { cat intake.err >&2; fail "no loud warning with the guard off"; }
assert_eq "readyz shows the guard off" off "$(curl -sf "$URL/readyz" | jq -r .backlog_guard)"
start_load
rc=0; wait "$LOAD_PID" || rc=$?
assert_eq "guard off: load exit status" 0 "$rc"
assert_eq "guard off: all accepted without a consumer" $COUNT "$(json load.json intents_accepted)"
assert_eq "guard off: no retries" 0 "$(json load.json retries)"
"$TASDID" post -c t.ini -b "$BOOTSTRAP" 2>post.err & POST_PID=$!; PIDS+=("$POST_PID")
stalled() { grep -q '"partitions_missing_data":1' post-stats.json; }
wait_for 30 stalled || fail "guard off: the consumer did not find data missing"
grep -q 'DATA MISSING: it.intents.water\[0\]' post.err || fail "guard off: no DATA MISSING line"
stop "$POST_PID"; assert_eq "guard off: post exit status" 3 "$STOP_RC"
echo "guard: ok"
