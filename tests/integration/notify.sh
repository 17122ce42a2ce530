#!/usr/bin/env bash
# Type=notify as systemd sees it (lib/svcnotify.c): a datagram socket
# stands in for systemd's NOTIFY_SOCKET, WATCHDOG_USEC asks for pings.
# The intake sends READY=1 only once Kafka has every biller's topic (not
# while the broker is unreachable, though its listener answers), the
# posting consumer only once it has its partitions; both ping the
# watchdog from their main loops and say STOPPING=1 on SIGTERM.
. "$(dirname "$0")/lib.sh"
TASDID=$(realpath "$1")
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
setup_scratch
for t in curl python3; do command -v $t >/dev/null || fail "$t is not installed"; done
cd "$SCRATCH"

# listen NAME: a notify socket NAME.sock whose datagrams go to NAME.log,
# one per line.
listen() {
  python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        f.write(s.recv(4096).decode() + "\n")
' "$SCRATCH/$1.sock" "$SCRATCH/$1.log" &
  PIDS+=("$!")
  wait_for 10 test -S "$SCRATCH/$1.sock" || fail "notify socket $1 not bound"
  touch "$1.log"
}
count() { grep -cx "$2" "$1.log" || true; }
at_least() { [ "$(count "$1" "$2")" -ge "$3" ]; }
# run NAME ARGS...: tasdid ARGS with NAME's socket; 200 ms watchdog, so a
# ping every 50 ms.
run() {
  local name=$1; shift
  NOTIFY_SOCKET=$SCRATCH/$name.sock WATCHDOG_USEC=200000 \
    "$TASDID" "$@" 2>"$name.err" &
  LAST=$!
  PIDS+=("$LAST")
}
stop() { # stop NAME PID: SIGTERM, exit 0, STOPPING=1 the last message
  kill -TERM "$2"; local rc=0; wait "$2" || rc=$?
  assert_eq "$1 exit status" 0 "$rc"
  assert_eq "$1 last message" STOPPING=1 "$(tail -n1 "$1.log")"
}

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$FIX/intake-config.sh" "$SCRATCH" 127.0.0.1:1 "$PORT"
for b in water power; do "$TASDID" ledger init --biller $b -c tasdid.ini >/dev/null; done

# No broker (127.0.0.1:1): listening, pinging, but not ready.
listen intake-down
run intake-down intake -c tasdid.ini; P=$LAST
readyz() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz"; }
not_ready() { [ "$(readyz)" = 503 ]; }
wait_for 20 not_ready || { cat intake-down.err >&2; fail "intake listener not up"; }
wait_for 10 at_least intake-down WATCHDOG=1 5 || fail "intake: no watchdog pings"
assert_eq "intake READY=1 without Kafka" 0 "$(count intake-down READY=1)"
stop intake-down "$P"

# The broker up: READY=1 once, and /readyz agrees by then.
start_broker -c tasdid.ini
listen intake
run intake intake -c tasdid.ini -b "$BOOTSTRAP"; P=$LAST
wait_for 20 at_least intake READY=1 1 || { cat intake.err >&2; fail "intake: no READY=1"; }
assert_eq "/readyz once READY=1 was sent" 200 "$(readyz)"
n=$(count intake WATCHDOG=1)
wait_for 10 at_least intake WATCHDOG=1 $((n + 5)) || fail "intake: pings stopped after READY=1"
assert_eq "intake READY=1 count" 1 "$(count intake READY=1)"
stop intake "$P"

# The posting consumer: no broker, no partitions, no READY=1 ...
listen post-down
run post-down post -c tasdid.ini; P=$LAST
wait_for 20 at_least post-down WATCHDOG=1 5 || { cat post-down.err >&2; fail "post: no watchdog pings"; }
assert_eq "post READY=1 without partitions" 0 "$(count post-down READY=1)"
grep -q 'assigned' post-down.err && fail "post was assigned partitions without a broker"
stop post-down "$P"
# ... and with it, READY=1 after the assignment was logged.
listen post
run post post -c tasdid.ini -b "$BOOTSTRAP"; P=$LAST
wait_for 30 at_least post READY=1 1 || { cat post.err >&2; fail "post: no READY=1"; }
grep -q 'assigned 8 partitions' post.err || { cat post.err >&2; fail "post: READY=1 before its assignment"; }
n=$(count post WATCHDOG=1)
wait_for 10 at_least post WATCHDOG=1 $((n + 5)) || fail "post: pings stopped after READY=1"
assert_eq "post READY=1 count" 1 "$(count post READY=1)"
stop post "$P"
echo "notify: ok"
