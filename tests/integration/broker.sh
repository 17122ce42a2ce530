#!/usr/bin/env bash
# `tasdid broker` as a real process: an independent client (kcat) sees its
# topics through the fixed port, produces and reads back; SIGTERM stops it
# with exit status 0.
. "$(dirname "$0")/lib.sh"
TASDID=$1
setup_scratch
command -v kcat >/dev/null || fail "kcat is not installed (./run installs it)"

# A free port: let the kernel choose, then reuse it.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_broker --port "$PORT" -t it.one -t it.two --partitions 3
assert_eq "bootstrap address" "127.0.0.1:$PORT" "$BOOTSTRAP"
grep -q "bootstrap.servers=127.0.0.1:$PORT" "$SCRATCH/broker.out" || fail "address not printed"
grep -q "IN MEMORY ONLY" "$SCRATCH/broker.err" || fail "no in-memory warning"

meta=$(kcat -L -b "$BOOTSTRAP" -m 10)
echo "$meta" | grep -q 'topic "it.one" with 3 partitions' || fail "it.one missing: $meta"
echo "$meta" | grep -q 'topic "it.two" with 3 partitions' || fail "it.two missing"

printf 'a\nb\nc\n' | kcat -P -b "$BOOTSTRAP" -t it.one -p 1
got=$(kcat -C -b "$BOOTSTRAP" -t it.one -p 1 -o beginning -e -q -m 10 | tr '\n' ,)
assert_eq "messages read back" "a,b,c," "$got"

kill -TERM "$BROKER_PID"
rc=0; wait "$BROKER_PID" || rc=$?
assert_eq "broker exit status" 0 "$rc"
echo "broker integration: ok"
