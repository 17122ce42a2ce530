#!/usr/bin/env bash
# `tasdid demo` (what ./run demo runs), small: the whole day end to end with
# real processes — rush, broker outage, re-sends, catch-up, bank files with
# planted discrepancies, settlement — and the exact figures.
. "$(dirname "$0")/lib.sh"
TASDID=$1
setup_scratch
"$TASDID" demo --dir "$SCRATCH/demo" --seed 7 --count 2000 --banks 2 --terminals 5 \
  --accounts 500 --resend 100 --connections 16 --outage-ms 1500 \
  --json "$SCRATCH/summary.json" > "$SCRATCH/demo.out" 2>&1 \
  || { cat "$SCRATCH/demo.out"; fail "demo exited $?"; }
j() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$SCRATCH/summary.json" "$1"; }
assert_eq "intents sent" 2000 "$(j intents_sent)"
assert_eq "accepted" 2000 "$(j accepted)"
assert_eq "rejected" 0 "$(j rejected)"
assert_eq "given up" 0 "$(j given_up)"
assert_eq "distinct accepted" 2000 "$(j accepted_distinct)"
assert_eq "postings (one per distinct intent)" 2000 "$(j postings)"
assert_eq "re-sent" 100 "$(j resent)"
assert_eq "re-sent and accepted again" 100 "$(j resent_accepted)"
assert_eq "lost" 0 "$(j lost)"
assert_eq "planted" 3 "$(j planted)"
assert_eq "ledger only found" 1 "$(j found_ledger_only)"
assert_eq "amount mismatch found" 1 "$(j found_amount_mismatch)"
assert_eq "bank only found" 1 "$(j found_bank_only)"
assert_eq "other discrepancies" 0 "$(j found_other)"
dups=$(j duplicates_absorbed)
# Every re-send is a duplicate; a 503 whose message Kafka kept anyway
# (late delivery) and was then retried adds one more, never fewer.
[ "$dups" -ge 100 ] || fail "duplicates absorbed: $dups < 100"
[ "$(j shed_503)" -gt 0 ] || fail "the outage shed nothing"
grep -q "^OK: nothing accepted was lost" "$SCRATCH/demo.out" || fail "no OK line"
# BNK01 sent camt.053, BNK02 MT940 (sim/bankgen.c): both read and used.
used=$(python3 -c 'import json,glob,sys; d=json.load(open(glob.glob(sys.argv[1] + "/reports/*/summary.json")[0])); print(" ".join(sorted(f["bank"] + f["file"][-4:] + ":" + f["status"] for f in d["files"])))' "$SCRATCH/demo")
assert_eq "statement files used" "BNK01.xml:used BNK02.sta:used" "$used"
# summary.html for people: every pair's amounts grouped ("1,202,170.50 SYP",
# Python's own grouping as the oracle), its status the outcome: balanced
# exactly where nothing differs.
python3 - "$SCRATCH/demo" <<'PY' || fail "summary.html pairs"
import decimal, glob, json, sys
rep = glob.glob(sys.argv[1] + "/reports/*/")[0]
d = json.load(open(rep + "summary.json"))
page = open(rep + "summary.html", encoding="utf-8").read()
kinds = ("bank_only", "ledger_only", "amount_mismatch", "duplicate_line", "wrong_currency")
differing = 0
for p in d["reconciliation"]:
    for key in ("bank_amount", "ledger_amount", "difference"):
        text = "{:,}".format(decimal.Decimal(p[key])) + "&nbsp;" + p["currency"]
        assert text in page, (p["bank"], p["biller"], key, text)
    odd = any(p[k] for k in kinds) or decimal.Decimal(p["difference"]) != 0
    want = "differences" if odd else "balanced"
    assert p["status"] == want, (p["bank"], p["biller"], p["status"], want)
    differing += odd
assert 1 <= differing <= 3, differing  # three planted discrepancies
assert page.count('class="st-differences"') == differing, differing
PY
echo "demo end to end: ok ($(j shed_503) shed, $dups duplicates absorbed)"
