#!/usr/bin/env bash
# `tasdid load` against a stub intake that refuses every intent's first
# attempt with 503: every intent must be retried exactly once with the same
# key and then accepted, in single and batch mode; the accepted log holds
# each intent once.
. "$(dirname "$0")/lib.sh"
TASDID=$1
setup_scratch
src=$(cd "$(dirname "$0")/.." && pwd)
python3 "$src/fixtures/stub_intake.py" "$SCRATCH/port" &
PIDS+=($!)
wait_for 20 test -s "$SCRATCH/port" || fail "stub intake did not start"
PORT=$(cat "$SCRATCH/port")
printf '# bank,terminal,token\nBNK1,T0001,tok-a\nBNK2,T0002,tok-b\n' > "$SCRATCH/terminals.csv"

for mode in single batch; do
  batch=0; [ $mode = batch ] && batch=25
  rm -f "$SCRATCH/accepted.jsonl"
  "$TASDID" load -c "$src/../etc/tasdid.example.ini" --terminals "$SCRATCH/terminals.csv" \
    --url "http://127.0.0.1:$PORT" --connections 8 --count 500 --batch $batch \
    --seed 1$batch --accepted-log "$SCRATCH/accepted.jsonl" --json "$SCRATCH/r.json" --quiet
  read -r gen acc rej gave retries r503 <<<"$(python3 -c '
import json,sys; r=json.load(open(sys.argv[1]))
print(r["intents_generated"], r["intents_accepted"], r["intents_rejected"], r["intents_gave_up"], r["retries"], r["responses_503"])' "$SCRATCH/r.json")"
  assert_eq "$mode generated" 500 "$gen"
  assert_eq "$mode accepted" 500 "$acc"
  assert_eq "$mode rejected" 0 "$rej"
  assert_eq "$mode given up" 0 "$gave"
  assert_eq "$mode retries" 500 "$retries"
  if [ $mode = single ]; then assert_eq "503 responses" 500 "$r503"; fi
  assert_eq "$mode accepted log lines" 500 "$(wc -l < "$SCRATCH/accepted.jsonl")"
  assert_eq "$mode distinct intents" 500 "$(python3 -c '
import json,sys; print(len({json.loads(l)["intent_id"] for l in open(sys.argv[1])}))' "$SCRATCH/accepted.jsonl")"
done
echo "load integration: ok"
