#!/usr/bin/env bash
# End-to-end: a small generated day -> `tasdid settle` twice -> exact counts
# in summary.json, exit codes, byte-identical reports, the lock, a missing
# bank file (incomplete) and a refused file. Ledgers are built with the
# sqlite3 shell from the schema file (settle only reads them).
TASDID=$(realpath "$1")  # the test changes into its scratch folder
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
setup_scratch
cd "$SCRATCH"
mkdir bank
command -v sqlite3 >/dev/null || fail "sqlite3 shell not installed"

cat >tasdid.ini <<'INI'
[biller water]
name = Water Supply Authority
name_ar = المؤسسة العامة لمياه الشرب
currency = JOD
topic = t.water
ledger = water.db
grace_days = 10
late_fee = 2.500

[biller power]
name = Electricity
currency = JOD
topic = t.power
ledger = power.db
grace_days = 15
late_fee = 5

[bank BNK1]
name = Commercial Bank
name_ar = المصرف التجاري

[bank BNK2]
name = Savings Bank

[settle]
timezone = Asia/Amman
cutoff = 00:00
bank_files_dir = bank
reports_dir = reports
outage_margin_days = 2
match_window_s = 600
INI

# make_ledger BILLER: schema, identity, then the day's rows.
make_ledger() {
  { cat "$SRC"/schemas/ledger/[0-9][0-9][0-9]-*.sql # every version, in order
    echo "PRAGMA application_id = 1414743116; PRAGMA user_version = $(ls "$SRC"/schemas/ledger/[0-9][0-9][0-9]-*.sql | wc -l);"
    echo "INSERT INTO ledger_meta VALUES ('biller_id','$1'),('currency','JOD'),('created_at_ms','1');"
  } | sqlite3 "$1.db"
}
# posting DB ID KEY BANK TERMINAL ACCOUNT AMOUNT_MINOR PAID_AT_MS
posting() {
  sqlite3 "$1.db" "INSERT INTO postings VALUES ('$2','$3','$4',NULL,'$5','$6',NULL,$7,'JOD','x',$8,$8,$8,'teller','t',0,0,0,0,NULL);"
}
# ms -> the intent-id prefix "xxxxxxxx-xxxx" + a fixed tail
id_of() { printf '%08x-%04x-8000-8000-%012x' $(($1 >> 16)) $(($1 & 65535)) "$2"; }

make_ledger water
make_ledger power
# 2026-11-25 in Asia/Amman (UTC+3): 2026-11-24T21:00Z .. 2026-11-25T21:00Z
T0=1795554000000            # 2026-11-25T00:00:00+03:00
I1=$(id_of $((T0 + 3600000)) 1)   # matched
I2=$(id_of $((T0 + 7200000)) 2)   # amount mismatch (ledger 5.000, bank 6.000)
I3=$(id_of $((T0 + 9000000)) 3)   # ledger only (BNK1)
I4=$(id_of $((T0 + 9500000)) 4)   # bank only
I5=$(id_of $((T0 + 10000000)) 5)  # legacy line, matched by key
I6=$(id_of $((T0 + 11000000)) 6)  # legacy line, matched by account+amount
I7=$(id_of $((T0 + 12000000)) 7)  # power, matched
I8=$(id_of $((T0 - 1000)) 8)      # 23:59:59 the day before: not in window
posting water "$I1" k1 BNK1 T-1 ACC-1 10000 $((T0 + 3600000))
posting water "$I2" k2 BNK1 T-1 ACC-2 5000 $((T0 + 7200000))
posting water "$I3" k3 BNK1 T-1 ACC-3 7000 $((T0 + 9000000))
posting water "$I5" k5 BNK1 T-2 ACC-5 3000 $((T0 + 10000000))
posting water "$I6" k6x BNK1 T-2 ACC-6 4000 $((T0 + 11000000))
posting water "$I8" k8 BNK1 T-1 ACC-8 1000 $((T0 - 1000))
posting power "$I7" k7 BNK2 T-9 PWR-1 20000 $((T0 + 12000000))
sqlite3 water.db "INSERT INTO invoices VALUES
 ('W-1','ACC-1','=cmd|evil',NULL,NULL,'2026-11-01',10000,0,'JOD',1),
 ('W-4','ACC-4','ليلى',NULL,NULL,'2026-11-10',8000,0,'JOD',1),
 ('W-9','ACC-9','Old',NULL,NULL,'2026-10-01',8000,3000,'JOD',1),
 ('W-10','ACC-10',NULL,NULL,NULL,'2026-11-30',8000,0,'JOD',1);"

cat >bank/bank-BNK1-2026-11-25.csv <<CSV
H,1,BNK1,2026-11-25,2026-11-26T01:05:12+03:00
D,1,$I1,k1,T-1,water,ACC-1,,10.000,JOD,2026-11-25T01:00:00+03:00,teller
D,2,$I2,k2,T-1,water,ACC-2,,6.000,JOD,2026-11-25T02:00:00+03:00,teller
D,3,$I4,k4,T-1,water,ACC-4,,8.000,JOD,2026-11-25T02:38:20+03:00,teller
D,4,,k5,T-2,water,ACC-5,,3.000,JOD,2026-11-25T02:46:40+03:00,atm
D,5,,other,T-2,water,ACC-6,,4.000,JOD,2026-11-25T03:05:00+03:00,atm
D,6,$I1,k1,T-1,water,ACC-1,,10.000,JOD,2026-11-25T01:00:00+03:00,teller
D,7,$(id_of $T0 99),k99,T-1,gas,G-1,,1.000,JOD,2026-11-25T00:00:00+03:00,web
T,7,JOD,42.000
CSV
printf 'H,1,BNK2,2026-11-25,2026-11-26T01:00:00+03:00\r\nD,1,%s,k7,T-9,power,PWR-1,"INV, 1",20.000,JOD,2026-11-25T03:20:00+03:00,mobile\r\nT,1,JOD,20.000\r\n' "$I7" >bank/bank-BNK2-2026-11-25.csv

run_settle() { set +e; "$TASDID" settle -c tasdid.ini --date 2026-11-25 "$@" >out.txt 2>err.txt; RC=$?; set -e; }
json() { python3 -c "import json,sys; d=json.load(open('reports/2026-11-25/summary.json')); print($1)"; }

run_settle
[ "$RC" = 3 ] || { cat out.txt err.txt >&2; fail "first run: exit $RC, expected 3"; }
assert_eq status discrepancies "$(json "d['status']")"
assert_eq complete True "$(json "d['complete']")"
assert_eq matched 2 "$(json "d['counts']['matched']")"
assert_eq matched_by_rule 2 "$(json "d['counts']['matched_by_rule']")"
assert_eq bank_only 1 "$(json "d['counts']['bank_only']")"
assert_eq ledger_only 1 "$(json "d['counts']['ledger_only']")"
assert_eq amount_mismatch 1 "$(json "d['counts']['amount_mismatch']")"
assert_eq duplicate_line 1 "$(json "d['counts']['duplicate_line']")"
assert_eq unknown_biller 1 "$(json "d['counts']['unknown_biller']")"
assert_eq discrepancies 5 "$(json "d['discrepancies']")"
assert_eq grace_rows 3 "$(json "d['grace']['rows']")"
assert_eq grace_missing 1 "$(json "d['grace']['by_reason']['bank_reported_missing']")"
assert_eq grace_partly 1 "$(json "d['grace']['by_reason']['partly_paid']")"
assert_eq grace_unpaid 1 "$(json "d['grace']['by_reason']['unpaid']")"
assert_eq follow_up 2 "$(json "d['grace']['follow_up']")"
# settlement: BNK1 owes water 10+6+8+3+4 = 31.000, agreed 10+3+4 = 17.000
grep -q '^2026-11-25,BNK1,water,JOD,differences,5,31.000,17.000,14.000' reports/2026-11-25/settlement.csv \
  || { cat reports/2026-11-25/settlement.csv >&2; fail "settlement row"; }
# Pair statuses say the outcome (docs/settlement.md): BNK1 x water has
# findings and bank 31.000 against ledger 10+5+7+3+4 = 29.000; the other
# pairs agree (BNK1 x power and BNK2 x water: nothing on either side).
pairs() { python3 -c "import csv,sys; print(' '.join(r['bank']+'/'+r['biller']+':'+r['status']+':'+r['difference'] for r in csv.DictReader(open('reports/2026-11-25/reconciliation.csv'))))"; }
assert_eq "pair statuses" "BNK1/power:balanced:0.000 BNK1/water:differences:2.000 BNK2/power:balanced:0.000 BNK2/water:balanced:0.000" "$(pairs)"
assert_eq "json pair status" differences "$(json "[p for p in d['reconciliation'] if p['bank']=='BNK1' and p['biller']=='water'][0]['status']")"
assert_eq "json pair difference" 2.000 "$(json "[p for p in d['reconciliation'] if p['bank']=='BNK1' and p['biller']=='water'][0]['difference']")"
assert_eq "json pair disputed" 14.000 "$(json "[p for p in d['reconciliation'] if p['bank']=='BNK1' and p['biller']=='water'][0]['disputed_amount']")"
grep -q '<td data-label="Status" class="st-differences"><span>differences</span></td><td data-label="Bank count" class=n><span>5</span></td><td data-label="Bank amount" class=n><span>31.000&nbsp;JOD</span></td><td data-label="Ledger count" class=n><span>5</span></td><td data-label="Ledger amount" class=n><span>29.000&nbsp;JOD</span></td><td data-label="Difference" class=n><span>2.000&nbsp;JOD</span></td>' reports/2026-11-25/summary.html \
  || fail "summary.html: BNK1 x water row (status, amounts, difference)"
grep -q 'reconciled<' reports/2026-11-25/summary.html && fail "summary.html still says reconciled"
grep -q "'=cmd|evil" reports/2026-11-25/grace.csv || fail "formula cell not neutralised"
grep -q '<bdi dir="rtl" lang="ar">المصرف التجاري</bdi>' reports/2026-11-25/summary.html || fail "Arabic name not isolated"
grep -q 'BNK1,water,bank-BNK1-2026-11-25.csv,4,,ACC-5' reports/2026-11-25/discrepancies.csv && fail "matched legacy line listed"
cp -r reports/2026-11-25 first

# Re-run: same bytes, old folder replaced, no temp folders left.
run_settle
assert_eq "second exit" 3 "$RC"
for f in reconciliation.csv discrepancies.csv settlement.csv grace.csv summary.json summary.html; do
  cmp "first/$f" "reports/2026-11-25/$f" || fail "$f differs between runs"
done
assert_eq "folders" "2026-11-25" "$(ls reports)"
# Leftovers of a crashed run are removed under the lock.
mkdir reports/2026-11-25.tmp-999999 && touch reports/2026-11-25.tmp-999999/x
run_settle
assert_eq "third exit" 3 "$RC"
assert_eq "leftovers removed" "2026-11-25" "$(ls reports)"
cmp first/grace.csv reports/2026-11-25/grace.csv || fail "grace.csv differs after leftovers"

# An outage file and a dead-letter export change grace reasons: ACC-9
# (due 2026-10-01, partly paid) falls in an outage window + margin, ACC-1
# (unpaid) has a dead-lettered payment.
printf 'start,end,description\r\n2026-09-28T10:00:00+03:00,2026-09-29T12:00:00+03:00,"broker down, 2 days"\r\n' >outages.csv
echo '{"intent":{"biller":"water","account":"ACC-1"},"error":"x"}' >dead.jsonl
run_settle --outage-file outages.csv --dead-letter dead.jsonl
assert_eq "outage exit" 3 "$RC"
assert_eq grace_outage 1 "$(json "d['grace']['by_reason']['outage']")"
assert_eq grace_stuck 1 "$(json "d['grace']['by_reason']['payment_stuck']")"
assert_eq grace_unpaid_now 0 "$(json "d['grace']['by_reason']['unpaid']")"
assert_eq fees_waived 3 "$(json "d['grace']['fees_waived']")"
grep -q '^2026-11-25,water,ACC-1,W-1,'"'"'=cmd|evil,10.000,JOD,2026-11-01,payment_stuck,2026-12-05,2.500,yes,payment_stuck,no' reports/2026-11-25/grace.csv \
  || { cat reports/2026-11-25/grace.csv >&2; fail "payment_stuck grace row"; }
echo 'not json' >dead.jsonl
run_settle --dead-letter dead.jsonl
assert_eq "bad dead-letter exit" 1 "$RC"
grep -q 'dead.jsonl:1:' err.txt || fail "dead-letter error names file and line"
run_settle

# The lock: a held lock makes a second run exit 5 at once.
exec 9>reports/.settle.lock
flock -n 9 || fail "could not take the lock for the test"
run_settle
assert_eq "locked exit" 5 "$RC"
grep -q "another settle run holds it" err.txt || fail "lock message"
exec 9>&-

# A missing bank file: incomplete (exit 4), named in the report.
mv bank/bank-BNK2-2026-11-25.csv bank2.saved
run_settle --quiet
assert_eq "missing exit" 4 "$RC"
assert_eq status incomplete "$(json "d['status']")"
assert_eq complete False "$(json "d['complete']")"
grep -q '^2026-11-25,missing_file,BNK2,' reports/2026-11-25/discrepancies.csv || fail "missing file not reported"
grep -q 'INCOMPLETE' out.txt || fail "summary line does not say incomplete"
assert_eq power_no_file_ledger_only 0 "$(json "[p for p in d['reconciliation'] if p['bank']=='BNK2' and p['biller']=='power'][0]['ledger_only']")"
assert_eq "pair statuses, BNK2 missing" "BNK1/power:balanced:0.000 BNK1/water:differences:2.000 BNK2/power:no_file:-20.000 BNK2/water:no_file:0.000" "$(pairs)"
grep -q '<td data-label="Status" class="st-no_file"><span>no file</span></td>' reports/2026-11-25/summary.html || fail "summary.html: no file"

# A truncated file (no trailer): refused with its line, still incomplete.
head -n 1 bank2.saved >bank/bank-BNK2-2026-11-25.csv
run_settle
assert_eq "truncated exit" 4 "$RC"
grep -q 'file_refused,BNK2,,bank-BNK2-2026-11-25.csv,1,.*truncated' reports/2026-11-25/discrepancies.csv \
  || { cat reports/2026-11-25/discrepancies.csv >&2; fail "truncated file not reported"; }

# Balanced: only the matching lines, no ledger-only posting left.
cp bank2.saved bank/bank-BNK2-2026-11-25.csv
cat >bank/bank-BNK1-2026-11-25.csv <<CSV
H,1,BNK1,2026-11-25,2026-11-26T01:05:12+03:00
D,1,$I1,k1,T-1,water,ACC-1,,10.000,JOD,2026-11-25T01:00:00+03:00,teller
D,2,$I2,k2,T-1,water,ACC-2,,5.000,JOD,2026-11-25T02:00:00+03:00,teller
D,3,$I3,k3,T-1,water,ACC-3,,7.000,JOD,2026-11-25T02:30:00+03:00,teller
D,4,,k5,T-2,water,ACC-5,,3.000,JOD,2026-11-25T02:46:40+03:00,atm
D,5,$I6,k6x,T-2,water,ACC-6,,4.000,JOD,2026-11-25T03:05:00+03:00,atm
T,5,JOD,29.000
CSV
run_settle
[ "$RC" = 0 ] || { cat out.txt err.txt reports/2026-11-25/discrepancies.csv >&2; fail "balanced run: exit $RC"; }
assert_eq status balanced "$(json "d['status']")"
grep -q 'balanced' out.txt || fail "summary paragraph"
assert_eq "pair statuses, balanced" "BNK1/power:balanced:0.000 BNK1/water:balanced:0.000 BNK2/power:balanced:0.000 BNK2/water:balanced:0.000" "$(pairs)"
cp -r reports/2026-11-25 balanced

# A per-bank variant ([bankfile BNK2]): the same payments in BNK2's own
# layout (';', decimal comma, its tags, other column order, an extra
# column) reconcile exactly like the standard file: same reports, only
# the file's SHA-256 in summary.json differs.
cp tasdid.ini std.ini
cat >>tasdid.ini <<'INI'

[bankfile BNK2]
delimiter = semicolon
decimal_separator = comma
header_tag = HDR
detail_tag = DTL
trailer_tag = TRL
detail_columns = line_no, amount, currency, -, intent_id, idempotency_key, terminal, biller, account, invoice_no, paid_at, channel
INI
printf 'HDR;1;BNK2;2026-11-25;2026-11-26T01:00:00+03:00\r\nDTL;1;20,000;JOD;"Branch 3; Amman";%s;k7;T-9;power;PWR-1;INV, 1;2026-11-25T03:20:00+03:00;mobile\r\nTRL;1;JOD;20,000\r\n' "$I7" >bank/bank-BNK2-2026-11-25.csv
run_settle
[ "$RC" = 0 ] || { cat out.txt err.txt reports/2026-11-25/discrepancies.csv >&2; fail "mapped run: exit $RC"; }
for f in reconciliation.csv discrepancies.csv settlement.csv grace.csv; do
  cmp "balanced/$f" "reports/2026-11-25/$f" || fail "mapped BNK2: $f differs from the standard file's"
done
strip_sha='import json,sys; d=json.load(open(sys.argv[1])); [f.pop("sha256") for f in d["files"]]; print(json.dumps(d, sort_keys=True))'
assert_eq "mapped summary" "$(python3 -c "$strip_sha" balanced/summary.json)" \
  "$(python3 -c "$strip_sha" reports/2026-11-25/summary.json)"
# The standard file for a bank with a variant is refused, with its line.
cp bank2.saved bank/bank-BNK2-2026-11-25.csv
run_settle
assert_eq "standard file, mapped bank exit" 4 "$RC"
grep -q "file_refused,BNK2,,bank-BNK2-2026-11-25.csv,1,.*not an HDR header" reports/2026-11-25/discrepancies.csv \
  || { cat reports/2026-11-25/discrepancies.csv >&2; fail "standard file not refused for the mapped bank"; }
# A variant with an unknown column refuses the config at load: FILE:LINE.
sed -i 's/^detail_columns = line_no, amount,/detail_columns = line_no, amt,/' tasdid.ini
run_settle
assert_eq "bad variant exit" 1 "$RC"
grep -q "tasdid.ini:$(grep -n '^detail_columns' tasdid.ini | cut -d: -f1): \[bankfile BNK2\] detail_columns: unknown column 'amt'" err.txt \
  || { cat err.txt >&2; fail "bad variant not refused with FILE:LINE"; }
cp std.ini tasdid.ini

# The same payments as bank statements: BNK1 sends camt.053, BNK2 MT940
# ([bankfile BANK] format). They feed the same reconciliation: the same
# reconciliation.csv and settlement.csv as the balanced csv run, exit 0;
# the camt statement's fee (a debit) is reported as not_a_payment, which
# is not a discrepancy. The legacy line (no intent id) matches by rule on
# the account found in the remittance text.
mkdir csv.saved && mv bank/bank-BNK1-2026-11-25.csv bank/bank-BNK2-2026-11-25.csv csv.saved/
cat >>tasdid.ini <<'INI'

[bankfile BNK1]
format = camt053
biller_accounts = water:JO-WATER-1
account_pattern = (ACC-[0-9]+)

[bankfile BNK2]
format = mt940
biller_accounts = power:PWR-ACC-9
INI
ntry() { # AMOUNT CDTDBT ENDTOENDID USTRD
  printf '<Ntry><Amt Ccy="JOD">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-25</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId></Refs><RmtInf><Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n' "$@"
}
{ echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-26T01:00:00+03:00</CreDtTm></GrpHdr>'
  echo '<Stmt><Id>S-1125</Id><FrToDt><FrDtTm>2026-11-25T00:00:00+03:00</FrDtTm><ToDtTm>2026-11-26T00:00:00+03:00</ToDtTm></FrToDt><Acct><Id><Othr><Id>JO-WATER-1</Id></Othr></Id></Acct>'
  echo '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="JOD">100.000</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>'
  echo '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="JOD">128.750</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>'
  ntry 10.000 CRDT "$I1" "water ACC-1"
  ntry 5.000 CRDT "$I2" "water ACC-2"
  ntry 7.000 CRDT "$I3" "water ACC-3"
  ntry 3.000 CRDT NOTPROVIDED "water ACC-5"
  ntry 4.000 CRDT "$I6" "water ACC-6"
  ntry 0.250 DBIT NOTPROVIDED "fees"
  echo '</Stmt></BkToCstmrStmt></Document>'
} >bank/bank-BNK1-2026-11-25.xml
printf ':20:P1125\r\n:25:PWR-ACC-9\r\n:28C:1/1\r\n:60F:C261124JOD0,\r\n:61:2611251125C20,000NTRFNONREF//B2-1\r\n:86:?20EREF+%s?21INV, 1\r\n:62F:C261125JOD20,000\r\n-' "$I7" >bank/bank-BNK2-2026-11-25.sta
run_settle
[ "$RC" = 0 ] || { cat out.txt err.txt reports/2026-11-25/discrepancies.csv >&2; fail "statement run: exit $RC"; }
for f in reconciliation.csv settlement.csv grace.csv; do
  cmp "balanced/$f" "reports/2026-11-25/$f" || fail "statements: $f differs from the csv files'"
done
assert_eq "statements: not_a_payment" 1 "$(json "d['counts']['not_a_payment']")"
assert_eq "statements: matched_by_rule" 1 "$(json "d['counts']['matched_by_rule']")"
grep -q '^2026-11-25,not_a_payment,BNK1,water,bank-BNK1-2026-11-25.xml,' reports/2026-11-25/discrepancies.csv \
  || { cat reports/2026-11-25/discrepancies.csv >&2; fail "fee not reported as not_a_payment"; }
# statement show: what was read and every check; a bad balance is refused (4).
"$TASDID" statement show -c tasdid.ini bank/bank-BNK1-2026-11-25.xml --json >show.json
assert_eq "show: entries" 6 "$(python3 -c "import json; print(len(json.load(open('show.json'))['entries']))")"
assert_eq "show: intent" "$I7" "$("$TASDID" statement show -c tasdid.ini bank/bank-BNK2-2026-11-25.sta --json | python3 -c "import json,sys; print(json.load(sys.stdin)['entries'][0]['intent_id'])")"
sed -i 's/128.750/128.751/' bank/bank-BNK1-2026-11-25.xml
set +e; "$TASDID" statement show -c tasdid.ini bank/bank-BNK1-2026-11-25.xml >show.txt; RC=$?; set -e
assert_eq "show: refused exit" 4 "$RC"
grep -q 'refused: line 3: statement S-1125: /Document/BkToCstmrStmt/Stmt\[1\]: balance JOD: opening 100.000 + credits 29.000 - debits 0.250 = 128.750, but the closing balance (CLBD) is 128.751' show.txt \
  || { cat show.txt >&2; fail "show: refusal reason"; }
run_settle
assert_eq "statements: refused camt exit" 4 "$RC"
# A csv file for a bank that sends camt.053 is refused, naming the suffix.
cp csv.saved/bank-BNK1-2026-11-25.csv bank/
run_settle
grep -q 'file_refused,BNK1,,bank-BNK1-2026-11-25.csv,0,,,,,,"the bank.s format is camt053, whose files end in .xml' reports/2026-11-25/discrepancies.csv \
  || { cat reports/2026-11-25/discrepancies.csv >&2; fail "csv file of a camt bank"; }
rm bank/bank-BNK1-2026-11-25.xml bank/bank-BNK2-2026-11-25.sta
mv csv.saved/* bank/
cp std.ini tasdid.ini

# Usage errors.
set +e; "$TASDID" settle -c tasdid.ini --date 2026-13-01 2>/dev/null; RC=$?; set -e
assert_eq "bad date exit" 2 "$RC"
"$TASDID" settle --help | grep -q 'usage: tasdid settle' || fail "--help"
echo "settle: ok"
