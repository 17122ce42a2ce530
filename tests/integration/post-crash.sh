#!/usr/bin/env bash
# The posting consumer killed with SIGKILL at random moments (issue 4, item
# 7): 100,000 distinct intents with re-sent duplicates and poison messages
# mixed in go through the embedded broker (16 partitions, so the mock's
# ~5 MiB per partition is never reached); `tasdid post` runs as a real
# process and is killed -9 several times after random progress, half of
# the messages still being produced, and restarted. At the end the ledger
# must hold exactly one posting per distinct valid intent, the totals must
# equal the generator's, every poison message must be in the dead-letter
# topic, every duplicate counted exactly once, and the ledger must balance.
. "$(dirname "$0")/lib.sh"
TASDID=$(realpath "$1")
setup_scratch
command -v kcat >/dev/null || fail "kcat is not installed (./run installs it)"
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed (./run installs it)"
COUNT=${POST_CRASH_COUNT:-100000}
KILLS=${POST_CRASH_KILLS:-4}

cat >"$SCRATCH/t.ini" <<INI
[kafka]
bootstrap.servers = 127.0.0.1:1

[topics]
partitions = 16
dead_letter = it.dead-letter

[post]
batch_max = 2000
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

"$TASDID" gen-intents -c t.ini --biller water --count "$COUNT" \
  --accounts 20000 --seed "$RANDOM" --dup-permille 20 --poison-permille 5 \
  --intents in.txt --invoices inv.csv --summary sum.sh
. ./sum.sh
"$TASDID" invoices import inv.csv --biller water -c t.ini >/dev/null \
  || fail "invoice import"
half=$(( $(wc -l <in.txt) / 2 ))
head -n "$half" in.txt >in1.txt
tail -n +"$((half + 1))" in.txt >in2.txt

start_broker -c t.ini
kcat -P -b "$BOOTSTRAP" -t it.intents.water -K '\t' -l in1.txt \
  || fail "produce first half"

# Messages whose offsets the ledger has stored (= read and posted or
# dead-lettered), read from the file while the consumer writes it (WAL).
stored() {
  sqlite3 -cmd '.timeout 2000' water.db \
    'SELECT coalesce(sum(next_offset), 0) FROM kafka_offsets' 2>/dev/null || echo 0
}
stored_at_least() { [ "$(stored)" -ge "$1" ]; }

# A member killed with -9 stays in its group until its session times out,
# and the embedded broker then holds every rejoin for that long. Each run
# therefore joins a group of its own: the offsets that matter are the
# ledger's, so a new group resumes exactly where the killed one stopped
# (which this test proves too); Kafka's committed offsets are advisory.
RUN=0
start_post() {
  RUN=$((RUN + 1))
  "$TASDID" post -c t.ini -b "$BOOTSTRAP" --group "crash-$RUN" \
    >>post.out 2>>post.err &
  POST_PID=$!
  PIDS+=("$POST_PID")
}

for k in $(seq 1 "$KILLS"); do
  [ "$k" -eq 2 ] && { kcat -P -b "$BOOTSTRAP" -t it.intents.water -K '\t' \
    -l in2.txt & PRODUCER_PID=$!; }
  before=$(stored)
  start_post
  # random progress: 4 to 20 % of the messages more this round
  target=$(( before + GEN_MESSAGES * (4 + RANDOM % 17) / 100 ))
  [ "$target" -lt "$GEN_MESSAGES" ] || target=$(( GEN_MESSAGES - 1 ))
  wait_for 40 stored_at_least "$target" || { tail -20 post.err >&2; fail "no progress in round $k"; }
  # Not a wait: a random 0-300 ms more, so the kill lands anywhere in
  # the next batch (decode, dead letters, transaction, commit).
  sleep "0.$((RANDOM % 4))"
  kill -KILL "$POST_PID"
  wait "$POST_PID" 2>/dev/null || true
  echo "round $k: killed at $(stored) of $GEN_MESSAGES messages"
done
wait "$PRODUCER_PID" || fail "produce second half"

# The stats file of this run, not of a killed one: it is written only once
# the process runs (signal handlers installed), so SIGTERM below cannot hit
# a consumer still starting up (it did, on a loaded machine: exit 143).
rm -f post-stats.json
start_post
wait_for 60 stored_at_least "$GEN_MESSAGES" || { tail -20 post.err >&2; fail "consumer did not catch up: $(stored) of $GEN_MESSAGES"; }
wait_for 10 test -s post-stats.json || fail "no stats file"
kill -TERM "$POST_PID"
rc=0; wait "$POST_PID" || rc=$?
assert_eq "post exit status after SIGTERM" 0 "$rc"

q() { sqlite3 water.db "$1"; }
assert_eq "stored offsets" "$GEN_MESSAGES" "$(stored)"
assert_eq "postings (one per distinct valid intent)" "$GEN_VALID" "$(q 'SELECT count(*) FROM postings')"
assert_eq "sum of postings" "$GEN_TOTAL_MINOR" "$(q 'SELECT sum(amount_minor) FROM postings')"
assert_eq "duplicates counted once each" "$GEN_DUPLICATES" "$(q 'SELECT sum(duplicates_count) FROM posting_stats')"
assert_eq "postings counted once each" "$GEN_VALID" "$(q 'SELECT sum(postings_count) FROM posting_stats')"
dead=$(kcat -C -b "$BOOTSTRAP" -t it.dead-letter -o beginning -e -q -f '%h\n' |
  sed -n 's/.*tasdid\.partition=\([0-9]*\),tasdid\.offset=\([0-9]*\).*/\1 \2/p' | sort -u | wc -l)
assert_eq "distinct poison messages in the dead-letter topic" "$GEN_POISON" "$dead"
"$TASDID" ledger check -c t.ini >check.out || { cat check.out >&2; fail "ledger check"; }
grep -q BALANCED check.out || fail "check output"
echo "post-crash: $GEN_VALID postings, $GEN_DUPLICATES duplicates, $GEN_POISON dead letters, $KILLS kills: ok"
