#!/usr/bin/env bash
# bench/statement-rss.sh [N...] — peak RSS and time of reading a camt.053
# file of N entries (one statement, one TxDtls each, as banks send
# payments), next to the same N payments as a csv format (b) file and as
# MT940, all through `tasdid statement show` (settle's readers; output to
# /dev/null). Shows that the camt reader's memory follows the lines kept
# for reconciliation, not the file size: the XML is streamed. Run under
# flock /work/bench.lock; SMOKE=1 uses tiny sizes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tasdid=${TASDID:-$root/build/cli/tasdid}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
[ "${SMOKE:-0}" = 1 ] && sizes=(200 2000)
work=$(mktemp -d)
mkdir "$work/padded"
trap 'rm -rf "$work"' EXIT
cat >"$work/t.ini" <<'INI'
[biller water]
name = W
currency = SYP
topic = t
ledger = w.db
[bank BNK3]
name = B3
[bank BNK4]
name = B4
[bankfile BNK3]
format = camt053
biller_accounts = water:0300-112233-01
account_pattern = (ACC-[0-9]+)
[bankfile BNK4]
format = mt940
biller_accounts = water:0300-112233-01
INI
gen() { # N: writes the three files
  python3 - "$1" "$work" <<'PY'
import sys
n, d = int(sys.argv[1]), sys.argv[2]
amt = lambda i: 100 + (i % 997)          # minor units
total = sum(amt(i) for i in range(n))
uid = lambda i: "%08x-0000-8000-8000-%012x" % (0x19abcdef, i)
fmt = lambda m: "%d.%02d" % (m // 100, m % 100)
with open(d + "/bank-BNK3-2026-11-25.xml", "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-26T01:00:00Z</CreDtTm></GrpHdr>\n<Stmt><Id>S1</Id><FrToDt><FrDtTm>2026-11-25T00:00:00Z</FrDtTm><ToDtTm>2026-11-25T23:59:59Z</ToDtTm></FrToDt><Acct><Id><Othr><Id>0300-112233-01</Id></Othr></Id></Acct>\n')
    f.write('<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="SYP">0</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="SYP">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n' % fmt(total))
    for i in range(n):
        f.write('<Ntry><Amt Ccy="SYP">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-25</Dt></BookgDt><ValDt><Dt>2026-11-25</Dt></ValDt><AcctSvcrRef>R%d</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId></Refs><RmtInf><Ustrd>WATER ACC-%d</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n' % (fmt(amt(i)), i, uid(i), i))
    f.write('</Stmt></BkToCstmrStmt></Document>\n')
# The same entries, each padded with 2 KB the reader skips (SplmtryData):
# a bigger file, the same lines kept.
pad = "<SplmtryData><Envlp><x:Pad xmlns:x=\"urn:x\">" + "p" * 2048 + "</x:Pad></Envlp></SplmtryData>"
with open(d + "/bank-BNK3-2026-11-25.xml") as src, open(d + "/padded/bank-BNK3-2026-11-25.xml", "w") as f:
    for line in src:
        f.write(line.replace("</NtryDtls></Ntry>", "</NtryDtls>" + pad + "</Ntry>"))
with open(d + "/bank-BNK1-2026-11-25.csv", "w") as f:
    f.write("H,1,BNK1,2026-11-25,2026-11-26T01:00:00Z\n")
    for i in range(n):
        f.write("D,%d,%s,k%d,T-1,water,ACC-%d,,%s,SYP,2026-11-25T10:00:00Z,teller\n" % (i + 1, uid(i), i, i, fmt(amt(i))))
    f.write("T,%d,SYP,%s\n" % (n, fmt(total)))
with open(d + "/bank-BNK4-2026-11-25.sta", "w") as f:
    f.write(":20:S1\r\n:25:0300-112233-01\r\n:28C:1/1\r\n:60F:C261125SYP0,\r\n")
    for i in range(n):
        f.write(":61:2611251125C%s,%02dNTRFNONREF//R%d\r\n:86:?20EREF+%s?21WATER ACC-%d\r\n" % (amt(i) // 100, amt(i) % 100, i, uid(i), i))
    f.write(":62F:C261125SYP%s\r\n-\r\n" % fmt(total).replace(".", ","))
PY
}
measure() { # LABEL FILE [ARGS]: "label entries MB s MB"
  local label=$1 file=$2; shift 2
  local out
  out=$( { /usr/bin/time -f '%e %M' "$tasdid" statement show "$file" "$@" >/dev/null; } 2>&1 | tail -1)
  printf '%-8s %9s %9.1f %7s %9.1f\n' "$label" "$n" "$(($(stat -c %s "$file"))).0e-6" \
    "${out% *}" "$(echo "${out#* } / 1024" | bc -l)" | awk '{printf "%-8s %9s %9.1f %7s %9.1f\n", $1, $2, $3 * 1, $4, $5}'
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %9s %9s %7s %9s\n' format entries file_MB time_s peak_RSS_MB
for n in "${sizes[@]}"; do
  gen "$n"
  measure csv "$work/bank-BNK1-2026-11-25.csv"
  measure camt053 "$work/bank-BNK3-2026-11-25.xml" -c "$work/t.ini"
  measure camt+pad "$work/padded/bank-BNK3-2026-11-25.xml" -c "$work/t.ini"
  measure mt940 "$work/bank-BNK4-2026-11-25.sta" -c "$work/t.ini"
done
