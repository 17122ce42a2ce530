#!/usr/bin/env bash
# A stored offset Kafka no longer has is never skipped: the ledger has
# posted 40 messages, then the embedded broker is restarted (its in-memory
# topics come back empty, as after a retention purge or a recreated
# topic). `tasdid post` must stop those partitions, say loudly which range
# is missing, post nothing, report it in the stats file, and exit with
# status 3 on SIGTERM.
. "$(dirname "$0")/lib.sh"
TASDID=$(realpath "$1")
setup_scratch
command -v kcat >/dev/null || fail "kcat is not installed (./run installs it)"
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed (./run installs it)"
cat >"$SCRATCH/t.ini" <<INI
[topics]
partitions = 4
dead_letter = it.dead-letter

[post]
batch_wait_ms = 50
stats_interval_ms = 100
stats_file = post-stats.json

[biller water]
name = Water
currency = JOD
topic = it.intents.water
ledger = water.db
INI
cd "$SCRATCH"
"$TASDID" gen-intents -c t.ini --biller water --count 40 --dup-permille 0 \
  --poison-permille 0 --intents in.txt --summary sum.sh
"$TASDID" ledger init --biller water -c t.ini >/dev/null
stored() { sqlite3 water.db 'SELECT coalesce(sum(next_offset), 0) FROM kafka_offsets'; }
stored_is() { [ "$(stored)" = "$1" ]; }

start_broker -c t.ini
kcat -P -b "$BOOTSTRAP" -t it.intents.water -K '\t' -l in.txt
"$TASDID" post -c t.ini -b "$BOOTSTRAP" 2>post1.err & P=$!; PIDS+=("$P")
wait_for 30 stored_is 40 || fail "first run did not post 40"
kill -TERM "$P"; rc=0; wait "$P" || rc=$?
assert_eq "first run exit status" 0 "$rc"

kill -TERM "$BROKER_PID"; wait "$BROKER_PID" || true
rm -f "$SCRATCH/bootstrap"
start_broker -c t.ini
"$TASDID" post -c t.ini -b "$BOOTSTRAP" 2>post2.err & P=$!; PIDS+=("$P")
missing() { grep -q 'DATA MISSING: it.intents.water\[[0-9]*\]: the ledger has posted up to offset [0-9]* but the partition ends at 0' post2.err; }
wait_for 30 missing || { cat post2.err >&2; fail "no DATA MISSING log line"; }
stalled() { grep -q '"partitions_missing_data":[1-9]' post-stats.json; }
wait_for 10 stalled || fail "stats file does not show the stalled partitions"
kill -TERM "$P"; rc=0; wait "$P" || rc=$?
assert_eq "exit status with missing data" 3 "$rc"
assert_eq "nothing skipped: stored offsets unchanged" 40 "$(stored)"
assert_eq "postings unchanged" 40 "$(sqlite3 water.db 'SELECT count(*) FROM postings')"
echo "post-gap: ok"
