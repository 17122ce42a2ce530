#!/usr/bin/env python3
"""bench/e2e-lookups.py URL TERMINALS_CSV ACCOUNTS RATE SECONDS OUT_JSON

Bill inquiries at a steady RATE per second for SECONDS, as terminals ask
before a payment: GET /v1/bills/{biller}/{account} for a random account of
the demo world (scenario accounts are 8-digit numbers from 10000000), on
one keep-alive connection, with a terminal's bearer token. Open loop: each
request has its planned time; a slow answer delays the next ones, and the
achieved rate says so. Writes counts and latency percentiles as JSON.
Used by bench/e2e-bench.sh; not a test.
"""
import http.client
import json
import random
import sys
import time
import urllib.parse

BILLERS = ["water", "electricity", "phone", "internet"]


def main():
    url, terminals, accounts, rate, secs, out = sys.argv[1:7]
    accounts, rate, secs = int(accounts), float(rate), float(secs)
    tokens = [l.split(",")[2].strip() for l in open(terminals)
              if l.strip() and not l.startswith("#")]
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    rng = random.Random(7)
    codes, lat_ms = {}, []
    start = time.monotonic()
    n = 0
    while rate > 0:
        due = start + n / rate
        if due - start >= secs:
            break
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        path = "/v1/bills/%s/%d" % (rng.choice(BILLERS),
                                    10000000 + rng.randrange(accounts))
        t0 = time.monotonic()
        try:
            conn.request("GET", path, headers={
                "Authorization": "Bearer " + rng.choice(tokens)})
            r = conn.getresponse()
            r.read()
            code = str(r.status)
        except (OSError, http.client.HTTPException):
            code = "error"
            conn.close()
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        lat_ms.append((time.monotonic() - t0) * 1000)
        codes[code] = codes.get(code, 0) + 1
        n += 1
    elapsed = time.monotonic() - start
    lat_ms.sort()

    def pct(p):
        return round(lat_ms[min(len(lat_ms) - 1, int(p * len(lat_ms)))], 2) \
            if lat_ms else None
    json.dump({"requests": n, "rate_per_s": round(n / elapsed, 1) if elapsed else 0,
               "codes": codes, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
               "max_ms": round(lat_ms[-1], 2) if lat_ms else None},
              open(out, "w"))


if __name__ == "__main__":
    main()
