-- wrk script: single-intent POSTs, each with a unique idempotency key
-- (thread id + counter), BNK1/T1 as in tests/fixtures/intake-config.sh.
local counter = 0
local tid = 0
local paid = os.date("!%Y-%m-%dT%H:%M:%SZ")
local threads = {}

function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer tok-bnk1-t1"
  prefix = string.format("w%d-%d-", tid, math.random(1, 1e9))
end

function request()
  counter = counter + 1
  local body = string.format('{"schema_version":1,"idempotency_key":"%s%d","bank":"BNK1",'
    .. '"terminal":"T1","biller":"water","account":"ACC-%d","amount":"1500.50",'
    .. '"currency":"SYP","paid_at":"%s","channel":"teller"}', prefix, counter, counter % 5000, paid)
  return wrk.format(nil, "/v1/intents", nil, body)
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  -- per-thread status counts are not visible here; wrk's own "Non-2xx"
  -- line reports the 503s.
end
