#!/usr/bin/env python3
"""Write the hand-made seed files of tests/fuzz/corpus/ (docs/fuzzing.md).

Run from the source root: python3 tests/fuzz/make-seeds.py
Seeds are named seed-*; files the fuzzer adds (scripts/fuzz.sh) are named
by their SHA-1, regression inputs crash-<target>-*. Re-running rewrites only
the seed-* files."""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def read(rel):
    with open(os.path.join(ROOT, rel), "rb") as f:
        return f.read()


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


TERMINAL = json.loads(read("schemas/examples/payment-intent.terminal.json"))
QUEUED = json.loads(read("schemas/examples/payment-intent.queued.json"))


def compact(o):
    return json.dumps(o, separators=(",", ":"), ensure_ascii=False)


def intent_seeds():
    put("intent", "terminal-example.json", read("schemas/examples/payment-intent.terminal.json"))
    put("intent", "queued-example.json", read("schemas/examples/payment-intent.queued.json"))
    put("intent", "terminal-compact.json", compact(TERMINAL))
    minimal = {k: v for k, v in TERMINAL.items() if k not in ("branch", "invoice")}
    put("intent", "terminal-minimal.json", compact(minimal))
    for cur, amt in (("JPY", "700"), ("USD", "20.5"), ("KWD", "0.001")):
        put("intent", "terminal-%s.json" % cur.lower(), compact(dict(TERMINAL, currency=cur, amount=amt)))
    for ch in ("atm", "agent", "mobile", "web"):
        put("intent", "channel-%s.json" % ch, compact(dict(TERMINAL, channel=ch)))
    put("intent", "paid-at-z.json", compact(dict(TERMINAL, paid_at="2026-11-25T07:15:00Z")))
    put("intent", "paid-at-1970.json", compact(dict(TERMINAL, paid_at="1970-01-01T00:00:00+00:01")))
    put("intent", "paid-at-nanos.json", compact(dict(TERMINAL, paid_at="2026-11-25T07:15:00.123456789-11:30")))
    put("intent", "amount-number.json", compact(dict(TERMINAL, amount=15000.5)))
    put("intent", "amount-huge.json", compact(dict(TERMINAL, amount="9223372036854775.807")))
    put("intent", "unknown-field.json", compact(dict(TERMINAL, extra="x")))
    put("intent", "version-2.json", compact(dict(TERMINAL, schema_version=2)))
    put("intent", "duplicate-key.json", '{"schema_version":1,"amount":"1","amount":"2"}')
    put("intent", "escaped-key.json", '{"b\\u0061nk":"A","bank":"B"}')
    put("intent", "nul-escape.json", '{"bank":"A\\u0000B"}')
    put("intent", "bad-utf8.json", b'{"bank":"\xc0\xaf"}')
    put("intent", "array.json", "[1,2,3]")
    put("intent", "nested.json", "[" * 200 + "]" * 200)
    put("intent", "wrong-id.json", compact(dict(QUEUED, intent_id="00000000-0000-8000-8000-000000000000")))
    put("intent", "arabic-account.json", compact(dict(TERMINAL, account="حساب-1")))
    put("intent", "long-key.json", compact(dict(TERMINAL, idempotency_key="K" * 65)))


def batch_seeds():
    # byte 0: bit 0 = JSON_ALLOW_NUL (the laxer parse).
    def doc(items, lax=False):
        return (b"\x01" if lax else b"\x00") + compact({"intents": items}).encode()
    put("intent-batch", "one.json", doc([TERMINAL]))
    put("intent-batch", "two.json", doc([TERMINAL, dict(TERMINAL, idempotency_key="T-0007:2026-11-25.43")]))
    put("intent-batch", "queued.json", doc([QUEUED]))
    put("intent-batch", "mixed.json", doc([TERMINAL, 1, "x", None, [], {}]))
    put("intent-batch", "empty.json", doc([]))
    put("intent-batch", "lax-nul.json", b"\x01" + b'{"intents":[{"schema_version":1,"bank":"BA\\u0000NK"}]}')
    put("intent-batch", "lax-nul-key.json", b"\x01" + b'{"intents":[{"schema_version":1,"ba\\u0000nk":"B"}]}')
    put("intent-batch", "not-array.json", b"\x00" + b'{"intents":{"a":1}}')
    put("intent-batch", "top-array.json", b"\x00" + compact([TERMINAL]).encode())


def money_seeds():
    # byte 0: bits 0-4 currency index (table order in lib/money.c: AED BHD
    # EGP EUR GBP IQD JOD JPY KRW KWD LBP OMR QAR SAR SYP TND TRY USD),
    # bit 6 allow zero, bit 7 allow negative.
    idx = {c: i for i, c in enumerate("AED BHD EGP EUR GBP IQD JOD JPY KRW KWD LBP OMR QAR SAR SYP TND TRY USD".split())}
    Z, N = 0x40, 0x80
    cases = [
        ("jod-15000.500", "JOD", 0, "15000.500"),
        ("jod-1.5", "JOD", 0, "1.5"),
        ("usd-20", "USD", 0, "20"),
        ("usd-0.01", "USD", 0, "0.01"),
        ("usd-max", "USD", 0, "92233720368547758.07"),
        ("usd-over", "USD", 0, "92233720368547758.08"),
        ("usd-min-neg", "USD", N, "-92233720368547758.08"),
        ("usd-zero", "USD", Z, "0.00"),
        ("usd-neg-zero", "USD", Z | N, "-0"),
        ("jpy-700", "JPY", 0, "700"),
        ("jpy-fraction", "JPY", 0, "700.5"),
        ("krw-max", "KRW", 0, "9223372036854775807"),
        ("kwd-too-many", "KWD", 0, "1.0001"),
        ("eur-leading-zeros", "EUR", 0, "0000001.10"),
        ("bare-point", "USD", 0, "."),
        ("trailing-point", "USD", 0, "1."),
        ("leading-point", "USD", 0, ".5"),
        ("plus", "USD", 0, "+1"),
        ("exponent", "USD", 0, "1e3"),
        ("space", "USD", 0, " 1"),
        ("comma", "USD", 0, "1,000"),
        ("arabic-digits", "USD", 0, "\u0661\u0662"),
        ("long", "USD", 0, "1" * 41),
        ("nul", "USD", 0, "1\x002"),
    ]
    for name, cur, flags, text in cases:
        put("money", name, bytes([idx[cur] | flags]) + text.encode())


def config_seeds():
    put("config", "example.ini", read("etc/tasdid.example.ini"))
    put("config", "empty.ini", "")
    put("config", "comment.ini", "; nothing\n# nothing\n")
    put("config", "minimal.ini",
        "[kafka]\nbootstrap.servers = 127.0.0.1:9092\n\n"
        "[biller water]\nname = Water\ncurrency = JOD\ntopic = intents.water\nledger = ledgers/water.db\n\n"
        "[bank BNK1]\nname = Bank One\n\n"
        "[terminal BNK1/T-07]\ntoken_sha256 = " + "ab" * 32 + "\n")
    put("config", "unknown-section.ini", "[nope]\nx = 1\n")
    put("config", "unknown-key.ini", "[settle]\ntimezon = UTC\n")
    put("config", "terminal-no-bank.ini", "[terminal BNK9/T1]\ntoken_sha256 = " + "00" * 32 + "\n")
    put("config", "biller-missing.ini", "[biller water]\nname = Water\n")
    put("config", "bad-currency.ini", "[biller water]\nname = W\ncurrency = XXX\ntopic = t\nledger = l\n")
    put("config", "long-value.ini", "[kafka]\nclient.id = " + "v" * 600 + "\n")
    put("config", "no-equals.ini", "[kafka]\njust a line\n")
    put("config", "settle.ini", "[settle]\ntimezone = Asia/Amman\ncutoff = 23:00\nmatch_window_s = 600\n"
        "outage_events_min = 20\noutage_events_window_s = 300\n")
    put("config", "topics.ini", "[topics]\npartitions = 99999999999999999999999\n")
    put("config", "crlf.ini", "[bank BNK1]\r\nname = B\r\n")
    put("config", "utf8-bom.ini", "\ufeff[bank BNK1]\nname = بنك\nname_ar = بنك\n")


def rfc3339_seeds():
    for name, text in [
        ("z", "2026-11-25T07:15:00Z"),
        ("offset", "2026-11-25T10:15:00+03:00"),
        ("neg-offset", "2026-11-25T10:15:00-11:30"),
        ("millis", "2026-11-25T07:15:00.123Z"),
        ("nanos", "2026-11-25T07:15:00.123456789+03:00"),
        ("ten-digits", "2026-11-25T07:15:00.1234567890Z"),
        ("lower", "2026-11-25t07:15:00z"),
        ("epoch", "1970-01-01T00:00:00Z"),
        ("before-epoch-utc", "1970-01-01T00:00:00+00:01"),
        ("leap-day", "2024-02-29T23:59:59Z"),
        ("not-leap", "2100-02-29T00:00:00Z"),
        ("year-9999", "9999-12-31T23:59:59.999-23:59"),
        ("leap-second", "2016-12-31T23:59:60Z"),
        ("no-zone", "2026-11-25T07:15:00"),
        ("space", "2026-11-25 07:15:00Z"),
        ("bad-offset", "2026-11-25T07:15:00+24:00"),
        ("empty-fraction", "2026-11-25T07:15:00.Z"),
    ]:
        put("rfc3339", name, text)


def bankfile_seeds():
    ex = read("schemas/examples/bank-BNK1-2026-11-25.csv")
    put("bankfile", "example.csv", ex)
    lines = ex.split(b"\n")
    put("bankfile", "crlf.csv", ex.replace(b"\n", b"\r\n"))
    put("bankfile", "bom.csv", b"\xef\xbb\xbf" + ex)
    put("bankfile", "truncated.csv", b"\n".join(lines[:3]) + b"\n")
    put("bankfile", "no-final-newline.csv", ex.rstrip(b"\n"))
    put("bankfile", "header-only.csv", lines[0] + b"\n")
    put("bankfile", "empty.csv", b"")
    put("bankfile", "header-trailer.csv", lines[0] + b"\nT,0\n")
    put("bankfile", "quoted-newline.csv", ex.replace(b'"INV-11/2026, part 1"', b'"INV-11/2026,\npart 1"'))
    put("bankfile", "unterminated-quote.csv", ex.replace(b'"INV-11/2026, part 1"', b'"INV-11/2026, part 1'))
    put("bankfile", "bad-amount.csv", ex.replace(b"21.035", b"21.0350"))
    put("bankfile", "nul.csv", ex.replace(b"T-07", b"T\x0007", 1))
    # Variants ([bankfile BNK1] mappings of fuzz/fuzz-bankfile.c): byte 0
    # 0x01 = ';', decimal comma, HDR/DTL/TRL, reordered; 0x02 = reordered
    # without invoice_no. Same cases as tests/test-bankfile.c.
    id1 = b"01a2114c-1eb8-8f5a-84d2-c63a9eae9cbe"
    m1h = b"HDR;1;BNK1;2026-11-25;2026-11-26T01:05:12+03:00\n"
    m1d1 = b"DTL;21,035;JOD;branch 7;1;water;ACC-1;T-07;k1;2026-11-25T09:02:11+03:00;teller;" + id1 + b";W-1;x\n"
    m1d2 = b'DTL;7,2;JOD;"a;b";2;water;ACC-2;ATM-3;k2;2026-11-25T11:15:00+03:00;atm;;;\n'
    m1t = b"TRL;2;JOD;28,235\n"
    put("bankfile", "variant1.csv", b"\x01" + m1h + m1d1 + m1d2 + m1t)
    put("bankfile", "variant1-point.csv", b"\x01" + m1h + m1d1.replace(b"21,035", b"21.035") + m1t)
    put("bankfile", "variant1-no-trailer.csv", b"\x01" + m1h + m1d1)
    put("bankfile", "variant1-standard.csv", b"\x01" + ex)
    m2d1 = b"D,1,x,21.035,JOD," + id1 + b",k1,T-07,water,ACC-1,2026-11-25T09:02:11+03:00,teller\n"
    put("bankfile", "variant2.csv", b"\x02" + lines[0] + b"\n" + m2d1 + b"T,1,JOD,21.035\n")
    put("bankfile", "variant2-12-fields.csv", b"\x02" + lines[0] + b"\n" + m2d1.replace(b"\n", b",x\n") + b"T,1,JOD,21.035\n")


def outage_seeds():
    put("outage", "two-windows.csv",
        "start,end,description\n2026-11-08T09:00:00Z,2026-11-08T10:00:00Z,power\n"
        "2026-11-09T10:00:00+03:00,2026-11-09T12:00:00+03:00,\"a, b\"\n")
    put("outage", "bom-crlf.csv", "\ufeffstart,end,description\r\n2026-11-08T09:00:00Z,2026-11-08T10:00:00Z,\r\n")
    put("outage", "header-only.csv", "start,end,description\n")
    put("outage", "empty.csv", "")
    put("outage", "bad-header.csv", "begin,end,description\n")
    put("outage", "end-before-start.csv", "start,end,description\n2026-11-09T10:00:00Z,2026-11-09T09:00:00Z,x\n")
    put("outage", "open-quote.csv", "start,end,description\n2026-11-08T09:00:00Z,2026-11-08T10:00:00Z,\"open\n")
    put("outage", "long-description.csv", "start,end,description\n2026-11-08T09:00:00Z,2026-11-08T10:00:00Z," + "d" * 201 + "\n")
    put("outage", "quoted-quote.csv", "start,end,description\n2026-11-08T09:00:00Z,2026-11-08T09:00:00Z,\"say \"\"hi\"\"\"\n")

    put("outage-events", "burst.jsonl",
        '{"ts_ms":1000,"why":"shed"}\n{"ts_ms":2000}\n{"ts_ms":3000}\n{"ts_ms":900000}\n')
    put("outage-events", "unsorted.jsonl", '{"ts_ms":50000}\n{"ts_ms":1}\n{"ts_ms":20000}\n')
    put("outage-events", "empty.jsonl", "")
    put("outage-events", "negative.jsonl", '{"ts_ms":-1}\n')
    put("outage-events", "real.jsonl", '{"ts_ms":1.5}\n')
    put("outage-events", "not-object.jsonl", "[1]\n")
    put("outage-events", "no-newline.jsonl", '{"ts_ms":1}\n{"ts_ms":2}')
    put("outage-events", "huge.jsonl", '{"ts_ms":9223372036854775807}\n{"ts_ms":9223372036854775806}\n')
    put("outage-events", "duplicate.jsonl", '{"ts_ms":1,"ts_ms":2}\n')


def invoices_seeds():
    # The ledger holds F-1 (ACC-1, 2026-11-30, 18.750 JOD) and F-2 (ACC-2,
    # 2026-12-15, 3.000 JOD) before each input (fuzz/fuzz-invoices.c).
    ex = read("schemas/examples/invoices-water.csv")
    hdr = b"invoice_no,account,customer_name,period,issued_on,due_on,amount,currency\n"
    put("invoices", "example.csv", ex)
    put("invoices", "crlf.csv", ex.replace(b"\n", b"\r\n"))
    put("invoices", "header-only.csv", hdr)
    put("invoices", "reimport-fixed.csv", hdr + b"F-1,ACC-1,x,2026-11,2026-11-01,2026-11-30,18.750,JOD\n")
    put("invoices", "conflict-fixed.csv", hdr + b"F-2,ACC-2,,,,2026-12-15,3.001,JOD\n")
    put("invoices", "empty.csv", b"")
    put("invoices", "bad-header.csv", hdr.replace(b"amount", b"amt"))
    put("invoices", "blank-line.csv", hdr + b"\n" + b"I-1,A-1,,,,2026-11-30,1,JOD\n")
    put("invoices", "bad-utf8.csv", hdr + b"I-1,A-1,\xc0\xaf,,,2026-11-30,1,JOD\n")
    put("invoices", "bare-cr.csv", hdr + b"I-1,A-1,,,,2026-11-30,1,JOD\r")
    put("invoices", "open-quote.csv", hdr + b'I-1,A-1,"open,,,2026-11-30,1,JOD\n')
    put("invoices", "seven-fields.csv", hdr + b"I-1,A-1,,,2026-11-30,1,JOD\n")
    put("invoices", "zero-amount.csv", hdr + b"I-1,A-1,,,,2026-11-30,0,JOD\n")
    put("invoices", "usd.csv", hdr + b"I-1,A-1,,,,2026-11-30,1,USD\n")
    put("invoices", "feb-30.csv", hdr + b"I-1,A-1,,,,2026-02-30,1,JOD\n")
    put("invoices", "bad-period.csv", hdr + b"I-1,A-1,,2026-13,,2026-11-30,1,JOD\n")
    put("invoices", "issued-after-due.csv", hdr + b"I-1,A-1,,,2026-12-01,2026-11-30,1,JOD\n")
    put("invoices", "twice.csv", hdr + b"I-1,A-1,,,,2026-11-30,1,JOD\nI-1,A-1,,,,2026-11-30,1,JOD\n")
    put("invoices", "bad-invoice-no.csv", hdr + b"I 1,A-1,,,,2026-11-30,1,JOD\n")
    put("invoices", "control-char.csv", hdr + b"I-1,A-1,a\x01b,,,2026-11-30,1,JOD\n")
    put("invoices", "long-name.csv", hdr + b"I-1,A-1," + b"n" * 257 + b",,,2026-11-30,1,JOD\n")
    put("invoices", "multiline-name.csv", hdr + b'I-1,A-1,"two\nlines",,,2026-11-30,1,JOD\n')


def batchfile_seeds():
    ex = read("schemas/examples/terminal-batch.csv")
    hdr = ex.split(b"\n")[0] + b"\n"
    row = b"000184,AMM-01,T-07,water,ACC-100231,W-2026-10-000977,21.035,JOD,2026-11-25T09:02:11+03:00,teller\n"
    put("batchfile", "example.csv", ex)
    put("batchfile", "crlf-bom.csv", b"\xef\xbb\xbf" + ex.replace(b"\n", b"\r\n"))
    put("batchfile", "no-final-newline.csv", ex.rstrip(b"\n"))
    put("batchfile", "quoted.csv", hdr + b'"000184","AMM-01",T-07,water,ACC-100231,,"21.035",JOD,2026-11-25T09:02:11Z,atm\n')
    put("batchfile", "quoted-newline.csv", hdr + b'000184,"AMM\n01",T-07,water,ACC-1,,1,JOD,2026-11-25T09:02:11Z,atm\n' + row)
    put("batchfile", "empty.csv", b"")
    put("batchfile", "header-only.csv", hdr)
    put("batchfile", "bad-header.csv", hdr.replace(b"amount", b"amt") + row)
    put("batchfile", "blank-line.csv", hdr + b"\n" + row)
    put("batchfile", "bad-utf8.csv", hdr + row.replace(b"AMM-01", b"\xc0\xaf"))
    put("batchfile", "open-quote.csv", hdr + row.replace(b"AMM-01", b'"AMM-01'))
    put("batchfile", "nine-fields.csv", hdr + row.replace(b"AMM-01,", b""))
    put("batchfile", "bad-amount.csv", hdr + row.replace(b"21.035", b"21.0351"))
    put("batchfile", "bad-currency.csv", hdr + row.replace(b"JOD", b"XXX"))
    put("batchfile", "bad-channel.csv", hdr + row.replace(b"teller", b"pigeon"))
    put("batchfile", "bad-paid-at.csv", hdr + row.replace(b"+03:00", b""))
    put("batchfile", "nul.csv", hdr + row.replace(b"AMM-01", b"AMM\x0001"))
    put("batchfile", "long-branch.csv", hdr + row.replace(b"AMM-01", "ب".encode() * 200))
    put("batchfile", "bare-cr.csv", hdr + row.replace(b"AMM-01", b"AMM\r01"))
    put("batchfile", "1001-rows.csv", hdr + b"x\n" * 1001)


def reqhead_seeds():
    # fuzz/fuzz-reqhead.c: tokens tok-a (BANK_01/TERM.07), tok-b (BANK_02/T1);
    # billers water_co (JOD), phone (USD); clock 2026-11-25T07:15:00Z.
    one = dict(TERMINAL, paid_at="2026-11-25T07:14:00Z")
    body = compact(one).encode()
    ok = b"Authorization: Bearer tok-a\r\nContent-Type: application/json\r\n"

    def req(method=b"POST", url=b"/v1/intents", headers=ok, body=body):
        return method + b" " + url + b" HTTP/1.1\r\n" + headers + b"\r\n" + body
    put("reqhead", "single.http", req())
    put("reqhead", "single-lf.http", b"POST /v1/intents\n" + ok.replace(b"\r", b"") + b"\n" + body)
    two = [one, dict(one, idempotency_key="k2"), one, dict(one, idempotency_key="k2", amount="1")]
    put("reqhead", "batch.http", req(url=b"/v1/intents/batch", body=compact({"intents": two}).encode()))
    put("reqhead", "batch-envelope.http", req(url=b"/v1/intents/batch", body=b'{"intents":[],"x":1}'))
    put("reqhead", "get-healthz.http", req(b"GET", b"/healthz", b"", b""))
    put("reqhead", "get-intents.http", req(b"GET", b"/v1/intents", ok, b""))
    put("reqhead", "not-found.http", req(url=b"/v2/intents"))
    put("reqhead", "no-auth.http", req(headers=b"Content-Type: application/json\r\n"))
    put("reqhead", "basic-auth.http", req(headers=ok.replace(b"Bearer tok-a", b"Basic dG9rLWE=")))
    put("reqhead", "unknown-token.http", req(headers=ok.replace(b"tok-a", b"tok-c")))
    put("reqhead", "two-auth.http", req(headers=ok + b"authorization: Bearer tok-b\r\n"))
    put("reqhead", "two-length.http", req(headers=ok + b"Content-Length: 10\r\nContent-Length: 20\r\n"))
    put("reqhead", "length-and-chunked.http", req(headers=ok + b"Content-Length: 10\r\nTransfer-Encoding: chunked\r\n"))
    put("reqhead", "text-plain.http", req(headers=ok.replace(b"application/json", b"text/plain")))
    put("reqhead", "json-charset.http", req(headers=ok.replace(b"application/json", b"Application/JSON; charset=utf-8")))
    put("reqhead", "too-long.http", req(headers=ok + b"Content-Length: 2049\r\n"))
    put("reqhead", "negative-length.http", req(headers=ok + b"Content-Length: -1\r\n"))
    put("reqhead", "body-over.http", req(body=b" " * 2049))
    put("reqhead", "other-bank.http", req(headers=ok.replace(b"tok-a", b"tok-b")))
    put("reqhead", "wrong-currency.http", req(body=compact(dict(one, biller="phone")).encode()))
    put("reqhead", "stale.http", req(body=compact(dict(one, paid_at="2026-01-01T00:00:00Z")).encode()))
    put("reqhead", "bad-json.http", req(body=b"{"))
    put("reqhead", "nul-in-header.http", req(headers=ok.replace(b"tok-a", b"tok-a\x00x")))


def httpc_seeds():
    body = b'{"intent_id":"0b0e9c52-6f5a-5d47-8d2c-5b8f36a2c5c1","status":"accepted"}'
    def resp(status=b"202 Accepted", headers=None, body=body):
        if headers is None:
            headers = b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        return b"HTTP/1.1 " + status + b"\r\n" + headers + b"\r\n" + body
    put("httpc", "202.http", resp())
    put("httpc", "503-retry.http", resp(b"503 Service Unavailable", b"Retry-After: 2\r\nContent-Length: 2\r\n", b"{}"))
    put("httpc", "retry-date.http", resp(b"503 X", b"Retry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\nContent-Length: 0\r\n", b""))
    put("httpc", "until-close.http", resp(headers=b"Connection: close\r\n"))
    put("httpc", "http10.http", b"HTTP/1.0 200 OK\r\n\r\nhello")
    put("httpc", "no-reason.http", b"HTTP/1.1 204\r\nContent-Length: 0\r\n\r\n")
    put("httpc", "extra-after-body.http", resp() + b"HTTP/1.1 200 OK\r\n\r\n")
    put("httpc", "cut-body.http", resp()[:-5])
    put("httpc", "chunked.http", resp(headers=b"Transfer-Encoding: chunked\r\n", body=b"5\r\nhello\r\n0\r\n\r\n"))
    put("httpc", "bad-length.http", resp(headers=b"Content-Length: 1x\r\n"))
    put("httpc", "huge-length.http", resp(headers=b"Content-Length: 99999999999999999999\r\n"))
    put("httpc", "length-over-max.http", resp(headers=b"Content-Length: 4194305\r\n"))
    put("httpc", "bad-status.http", b"HTTP/2 200 OK\r\n\r\n")
    put("httpc", "status-99.http", b"HTTP/1.1 099 X\r\n\r\n")
    put("httpc", "lf-only.http", b"HTTP/1.1 200 OK\nContent-Length: 0\n\n")
    put("httpc", "cut-head.http", b"HTTP/1.1 200 OK\r\nContent-Len")
    put("httpc", "folded.http", resp(headers=b"X: a\r\n Content-Length: 3\r\nContent-Length:  5 \r\n", body=b"abcde"))
    put("httpc", "empty.http", b"")


def kafka_props_seeds():
    put("kafka-props", "client.properties",
        "# librdkafka client\nbootstrap.servers=127.0.0.1:9092\n! also a comment\n\n"
        "security.protocol = plaintext\r\nmessage.timeout.ms=5000\nsasl.password=a=b#c\n")
    put("kafka-props", "empty.properties", "")
    put("kafka-props", "no-newline.properties", "linger.ms=5")
    put("kafka-props", "empty-value.properties", "client.id=\n")
    put("kafka-props", "no-equals.properties", "linger.ms 5\n")
    put("kafka-props", "empty-key.properties", " = 5\n")
    put("kafka-props", "long-line.properties", "k=" + "v" * 1100 + "\n")
    put("kafka-props", "line-1023.properties", "k=" + "v" * 1020 + "\nk2=1\n")
    put("kafka-props", "too-many.properties", "".join("k%d=1\n" % i for i in range(130)))
    put("kafka-props", "nul.properties", b"a=b\x00c\nd=e\n")
    put("kafka-props", "tabs.properties", "\tkey\t=\tvalue\t\n")


def deadletter_seeds():
    # fuzz/fuzz-deadletter.c configures billers water and phone.
    q = compact(dict(QUEUED, biller="water", account="ACC-1"))
    put("deadletter", "two.jsonl", '{"biller":"water","account":"ACC-100231"}\n{"intent":%s}\n' % q)
    put("deadletter", "no-newline.jsonl", '{"biller":"phone","account":"PH-1"}')
    put("deadletter", "empty.jsonl", "")
    put("deadletter", "intent-not-object.jsonl", '{"intent":1,"biller":"water","account":"A"}\n')
    put("deadletter", "unknown-biller.jsonl", '{"biller":"gas","account":"A"}\n')
    put("deadletter", "no-account.jsonl", '{"biller":"water"}\n')
    put("deadletter", "account-number.jsonl", '{"biller":"water","account":7}\n')
    put("deadletter", "empty-account.jsonl", '{"biller":"water","account":""}\n')
    put("deadletter", "long-account.jsonl", '{"biller":"water","account":"%s"}\n' % ("A" * 33))
    put("deadletter", "blank-line.jsonl", '{"biller":"water","account":"A"}\n\n')
    put("deadletter", "not-json.jsonl", "water,ACC-1\n")
    put("deadletter", "nul.jsonl", b'{"biller":"water","account":"A\\u0000B"}\n')


def batchscan_seeds():
    # byte 0: bit 7 set = batch_max 1 + (bits 0-3), else 1000 (the default).
    D, M2 = b"\x00", b"\x81"  # default; batch_max 2
    def body(items, prefix=D, **kw):
        return prefix + json.dumps({"intents": items}, ensure_ascii=False, **kw).encode()
    t = compact(TERMINAL).encode()
    minimal = {k: v for k, v in TERMINAL.items() if k not in ("branch", "invoice")}
    second = dict(TERMINAL, idempotency_key="T-0007:2026-11-25.43")
    put("batchscan", "one.json", body([TERMINAL], separators=(",", ":")))
    put("batchscan", "one-pretty.json", body([TERMINAL], indent=2))
    put("batchscan", "two.json", body([TERMINAL, second], separators=(",", ":")))
    put("batchscan", "three-minimal.json", body([minimal, second, TERMINAL], separators=(",", ":")))
    for cur, amt in (("JPY", "700"), ("KWD", "0.001"), ("USD", "20.5")):
        put("batchscan", "currency-%s.json" % cur.lower(),
            body([dict(TERMINAL, currency=cur, amount=amt)], separators=(",", ":")))
    # Good and refused items together (every refusal the scanner answers
    # itself: a bad value, a missing field, an id from a terminal).
    mixed = [TERMINAL, dict(TERMINAL, amount="0"), dict(TERMINAL, currency="XXX"),
             {"schema_version": 1}, {}, dict(TERMINAL, schema_version=2),
             dict(TERMINAL, paid_at="1969-12-31T23:59:59Z"), QUEUED,
             dict(TERMINAL, channel="pigeon"), dict(TERMINAL, amount=15000),
             dict(TERMINAL, idempotency_key="K" * 65), second]
    put("batchscan", "mixed.json", body(mixed, separators=(",", ":")))
    put("batchscan", "mixed-max2.json", body(mixed[:2], M2, separators=(",", ":")))
    put("batchscan", "over-max2.json", body([TERMINAL, second, minimal], M2, separators=(",", ":")))
    put("batchscan", "max1.json", b"\x80" + body([TERMINAL])[1:])
    # The slow path's cases: the scanner must decline each.
    put("batchscan", "dup-envelope.json", D + b'{"intents":[' + t + b'],"intents":[' + t + b"]}")
    put("batchscan", "extra-key.json", D + b'{"intents":[' + t + b'],"x":1}')
    put("batchscan", "key-first.json", D + b'{"x":1,"intents":[' + t + b"]}")
    put("batchscan", "escaped-envelope.json", D + b'{"int\\u0065nts":[' + t + b"]}")
    put("batchscan", "empty.json", D + b'{"intents":[]}')
    put("batchscan", "trailing-comma.json", D + b'{"intents":[' + t + b",]}")
    put("batchscan", "no-comma.json", D + b'{"intents":[' + t + b" " + t + b"]}")
    put("batchscan", "after.json", D + b'{"intents":[' + t + b"]} {}")
    put("batchscan", "nul-after.json", D + b'{"intents":[' + t + b"]}\x00")
    put("batchscan", "bom.json", D + b"\xef\xbb\xbf" + body([TERMINAL])[1:])
    put("batchscan", "top-array.json", D + b"[" + t + b"]")
    put("batchscan", "not-array.json", D + b'{"intents":' + t + b"}")
    put("batchscan", "cut.json", D + b'{"intents":[' + t + b"," + t[:40])
    put("batchscan", "ws.json", D + b' \r\n{ "intents" :\t[ ' + t + b" ,\n" + t + b"\t] }\n ")
    put("batchscan", "formfeed.json", D + b'{"intents":[' + t + b"]}\x0c")
    put("batchscan", "nested.json", D + b'{"intents":[' + b"[" * 100 + b"]" * 100 + b"]}")
    put("batchscan", "nested-object.json", D + b'{"intents":[{"bank":{"a":{"b":[1]}}}]}')
    put("batchscan", "brace-in-string.json", D + b'{"intents":[' + compact(dict(TERMINAL, account="{{{")).encode() + b"]}")
    put("batchscan", "escape-in-item.json", D + b'{"intents":[{"schema_version":1,"bank":"B\\u0031"}]}')
    put("batchscan", "unknown-field.json", D + b'{"intents":[' + compact(dict(TERMINAL, extra="x")).encode() + b"]}")
    put("batchscan", "dup-item-key.json", D + b'{"intents":[{"schema_version":1,"bank":"A","bank":"B"}]}')
    put("batchscan", "bad-utf8.json", D + b'{"intents":[{"schema_version":1,"bank":"\xc0\xaf"}]}')
    put("batchscan", "numbers.json", D + b'{"intents":[{"schema_version":1.0},{"schema_version":-0},'
        b'{"schema_version":1e0},{"schema_version":0001},{"schema_version":123456789012345678901}]}')


intent_seeds()
batch_seeds()
money_seeds()
config_seeds()
rfc3339_seeds()
bankfile_seeds()
outage_seeds()
invoices_seeds()
batchfile_seeds()
reqhead_seeds()
httpc_seeds()
kafka_props_seeds()
deadletter_seeds()
batchscan_seeds()
