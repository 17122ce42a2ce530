#!/usr/bin/env bash
# `tasdid demo` (what ./run demo runs) succeeds and reports exact figures.
. "$(dirname "$0")/lib.sh"
TASDID=$1
out=$("$TASDID" demo --count 3000 --seed 42 2>/dev/null)
echo "$out"
echo "$out" | grep -q "produced  3000 intents (acks=all, idempotent), 0 failed, 0 undelivered" || fail "produce line"
echo "$out" | grep -q "read back 3000 messages, 3000 decoded as valid intents" || fail "read-back line"
echo "$out" | grep -q "OK: every intent came back exactly" || fail "no OK"
