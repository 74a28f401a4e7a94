-- wrk script: GET /api/v1/support/lookup for random customers of the 1M-profile store, by email,
-- phone or user id (the demo generator's users are 10001 to 1010000; bench/lookup.sh gave each a
-- phone +1 555 followed by the user number on 7 digits). Prints the latency percentiles.
--   wrk -s bench/lookup.lua URL -- TOKEN KIND   (KIND: email, phone, user_id or health)
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  auth = "Bearer " .. args[1]
  kind = args[2]
  math.randomseed(id * 7919)
end

function request()
  local n = math.random(10001, 1010000)
  local path
  if kind == "email" then path = string.format("/api/v1/support/lookup?email=USER%d@Example.com", n)
  elseif kind == "phone" then path = string.format("/api/v1/support/lookup?phone=%%2B1%%20555%%20%07d", n)
  elseif kind == "user_id" then path = string.format("/api/v1/support/lookup?user_id=%d", n)
  else path = "/health" end
  return wrk.format("GET", path, {["Authorization"] = auth})
end

function done(summary, latency, requests)
  io.write(string.format("requests %7d  errors %d (non-2xx %d)  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  max %7.2f ms  %.0f req/s\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests / (summary.duration / 1e6)))
end
