#!/usr/bin/env bash
# `tasdid submit` against a real intake: a batch file with BOM and CRLF,
# good rows for two billers, a bad amount, a row of another terminal, one
# key twice with different content (409 both), a quoted field; the per-line
# report and FILE.rejects.csv; a re-run gives the same intent ids (no
# duplicates); a clean file exits 0; the intake down → bounded retries, exit
# 1; a wrong header refuses the file before anything is sent.
. "$(dirname "$0")/lib.sh"
TASDID=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
setup_scratch
for t in kcat curl jq python3; do command -v $t >/dev/null || fail "$t is not installed"; done
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
"$FIX/intake-config.sh" "$SCRATCH" 127.0.0.1:1 "$PORT"
cd "$SCRATCH"
echo tok-bnk1-t1 >token
sub() { "$TASDID" submit "$@" -c tasdid.ini --bank BNK1 --terminal T1 --token-file token --url "$URL" --attempts 2 --timeout-ms 3000; }
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
printf '\xef\xbb\xbfidempotency_key,branch,terminal,biller,account,invoice,amount,currency,paid_at,channel\r\n' >batch.csv
printf 'k1,BR-1,T1,water,ACC-1,W-1,1500.50,SYP,%s,teller\r\n' "$NOW" >>batch.csv
printf 'k2,,T1,power,ACC-2,,12.5,JOD,%s,teller\r\n' "$NOW" >>batch.csv
printf 'k3,,T1,water,ACC-3,,-4,SYP,%s,teller\r\n' "$NOW" >>batch.csv
printf 'k4,,T2,water,ACC-4,,4,SYP,%s,teller\r\n' "$NOW" >>batch.csv
printf 'k5,,T1,water,ACC-5,,5,SYP,%s,teller\r\n' "$NOW" >>batch.csv
printf 'k5,,T1,water,ACC-5,,6,SYP,%s,teller\r\n' "$NOW" >>batch.csv
printf 'k6,,T1,water,"ACC-6",W-6,6,SYP,%s,atm\r\n' "$NOW" >>batch.csv

# --- the intake down: bounded retries, nothing accepted, exit 1
rc=0; sub batch.csv >out 2>err || rc=$?
assert_eq "intake down exit" 1 "$rc"
grep -q 'attempt 2: connect' err || fail "no retry on connection errors: $(cat err)"
assert_eq "intake down: k1 not delivered" "2 rejected \$: not delivered, send the file again" "$(sed -n 1p out)"

start_broker -c tasdid.ini
"$TASDID" intake -c tasdid.ini -b "$BOOTSTRAP" >intake.out 2>intake.err &
PIDS+=($!)
wait_for 20 curl -sf "$URL/readyz" -o /dev/null || { cat intake.err >&2; fail "intake not ready"; }

rc=0; sub batch.csv >out 2>err || rc=$?
assert_eq "mixed file exit" 1 "$rc"
assert_eq "report lines" "2 accepted
3 accepted
4 rejected amount
5 rejected terminal
6 rejected idempotency_key
7 rejected idempotency_key
8 accepted" "$(awk '{print $1, $2, ($2 == "rejected" ? $3 : "")}' out | sed 's/:$//; s/ $//')"
assert_eq "rejects header" "line,idempotency_key,field,reason" "$(head -1 batch.csv.rejects.csv | tr -d '\r')"
# The report writers' cells (lib/csvout): quoted only when needed.
assert_eq "rejects rows" '4,k3,amount
5,k4,terminal
6,k5,idempotency_key
7,k5,idempotency_key' "$(tail -n +2 batch.csv.rejects.csv | tr -d '\r' | cut -d, -f1-3)"
grep -q '^5,k4,terminal,not the submitting terminal' batch.csv.rejects.csv || fail "reject reason"
grep 'accepted' out | sort >ids1
# The ids are the intake's derivation of (bank, terminal, key, paid_at).
k1=$(python3 - "$NOW" <<'PY'
import hashlib, sys, uuid, datetime
ms = int(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp() * 1000)
d = hashlib.sha256(b"BNK1\0T1\0k1").digest()
u = bytearray(ms.to_bytes(6, "big") + d[:10]); u[6] = 0x80 | (u[6] & 0x0f); u[8] = 0x80 | (u[8] & 0x3f)
print(uuid.UUID(bytes=bytes(u)))
PY
)
assert_eq "k1 id" "2 accepted $k1" "$(sed -n 1p ids1)"

# --- a re-run: the same ids, nothing new in the ledger's eyes
rc=0; sub batch.csv >out2 2>/dev/null || rc=$?
assert_eq "re-run exit" 1 "$rc"
grep 'accepted' out2 | sort >ids2
diff ids1 ids2 >/dev/null || fail "re-run gave other ids: $(diff ids1 ids2)"
dump() { kcat -C -b "$BOOTSTRAP" -t "$1" -o beginning -e -q -f '%s\n' 2>/dev/null | jq -r .intent_id; }
assert_eq "distinct water ids in Kafka" 2 "$(dump it.intents.water | sort -u | wc -l)"
assert_eq "distinct power ids in Kafka" 1 "$(dump it.intents.power | sort -u | wc -l)"

# --- a clean file (LF, no BOM): exit 0, no rejects file left
{ echo "idempotency_key,branch,terminal,biller,account,invoice,amount,currency,paid_at,channel"
  printf 'c1,,T1,water,ACC-9,,9,SYP,%s,teller\n' "$NOW"
  printf 'c2,,T1,water,ACC-9,,10,SYP,%s,teller' "$NOW"; } >clean.csv
touch clean.csv.rejects.csv
rc=0; sub clean.csv >out3 2>/dev/null || rc=$?
assert_eq "clean exit" 0 "$rc"
assert_eq "clean accepted" 2 "$(grep -c accepted out3)"
[ ! -e clean.csv.rejects.csv ] || fail "stale rejects file kept"

# --- the file refused as a whole: nothing sent
printf 'idempotency_key,terminal,branch,biller,account,invoice,amount,currency,paid_at,channel\nx,T1,,water,A,,1,SYP,%s,teller\n' "$NOW" >bad.csv
rc=0; sub bad.csv >/dev/null 2>err || rc=$?
assert_eq "bad header exit" 1 "$rc"
grep -q 'bad.csv:1: header is not exactly' err || fail "bad header message: $(cat err)"
echo "submit integration: ok"
