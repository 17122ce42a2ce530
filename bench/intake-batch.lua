-- wrk script: batch POSTs of BATCH intents (env BATCH, default 1000), each
-- with a unique idempotency key.
local counter = 0
local tid = 0
local paid = os.date("!%Y-%m-%dT%H:%M:%SZ")
local n = tonumber(os.getenv("BATCH") or "1000")

function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer tok-bnk1-t1"
  prefix = string.format("b%d-%d-", tid, math.random(1, 1e9))
end

-- Bodies are built once per thread (building 1000 items per request in Lua
-- would eat the CPU the server needs); after BODIES requests a key repeats,
-- which the intake produces again like any retry.
local bodies = {}
local BODIES = 20
local next_body = 0

local function build()
  local items = {}
  for i = 1, n do
    counter = counter + 1
    items[i] = string.format('{"schema_version":1,"idempotency_key":"%s%d","bank":"BNK1",'
      .. '"terminal":"T1","biller":"water","account":"ACC-%d","amount":"1500.50",'
      .. '"currency":"SYP","paid_at":"%s","channel":"teller"}', prefix, counter, counter % 5000, paid)
  end
  return wrk.format(nil, "/v1/intents/batch", nil, '{"intents":[' .. table.concat(items, ",") .. ']}')
end

function request()
  if #bodies < BODIES then
    bodies[#bodies + 1] = build()
    return bodies[#bodies]
  end
  next_body = next_body % BODIES + 1
  return bodies[next_body]
end
