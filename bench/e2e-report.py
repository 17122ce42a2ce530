#!/usr/bin/env python3
"""bench/e2e-report.py ACCEPTED_JSONL LEDGER.db...

What happened to the intents a load run was answered 202 for: how many are
in a ledger, lost (answered 202, in no ledger), posted twice (one
bank/terminal/idempotency key in more than one posting, in any ledger),
and the accepted->posted latency of each (the ledger's posted_at_ms minus
the intake's received_at_ms, both stored in the posting row). Prints one
JSON object. Read-only; safe while `tasdid post` runs (WAL). Used by
bench/e2e-bench.sh; not a test.
"""
import json
import sqlite3
import sys


def main():
    accepted = set()
    for line in open(sys.argv[1]):
        if line.strip():
            accepted.add(json.loads(line)["intent_id"])
    lat, keys = [], {}
    posted = set()
    for path in sys.argv[2:]:
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
        for iid, bank, term, key, recv, post in db.execute(
                "SELECT intent_id, bank, terminal, idempotency_key,"
                " received_at_ms, posted_at_ms FROM postings"):
            k = (bank, term, key)
            keys[k] = keys.get(k, 0) + 1
            if iid in accepted:
                posted.add(iid)
                lat.append(post - recv)
        db.close()
    lat.sort()

    def pct(p):
        return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else None
    print(json.dumps({
        "accepted": len(accepted),
        "posted": len(posted),
        "lost": len(accepted - posted),
        "posted_twice": sum(1 for n in keys.values() if n > 1),
        "latency_ms_p50": pct(0.50), "latency_ms_p99": pct(0.99),
        "latency_ms_max": lat[-1] if lat else None,
    }))


if __name__ == "__main__":
    main()
