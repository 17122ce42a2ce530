-- wrk script for bench/inquiry-bench.sh: GET a random account's bill.
-- ACCOUNTS (from the environment; default 1,000,000) is the number of
-- accounts the bench ledger holds.
local ACCOUNTS = tonumber(os.getenv("ACCOUNTS") or "1000000")
math.randomseed(os.time())
request = function()
  local path = string.format("/v1/bills/water/ACC-%07d", math.random(0, ACCOUNTS - 1))
  return wrk.format("GET", path, {["Authorization"] = "Bearer tok-bnk1-t1"})
end
