-- wrk script: POST /v1/batch with 100 unique track messages per request (Segment wire format).
-- Each wrk thread numbers its own messages, so every messageId is new (no deduplication shortcut);
-- 20,000 users, so after a warm-up most messages belong to known profiles, as in production.
local counter = 0

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local events = {"Logged In", "Feature Used", "Report Exported", "Workflow Created", "Invited Teammate"}

function request()
  counter = counter + 1
  local parts = {}
  for j = 1, 100 do
    local n = counter * 100 + j
    local user = (n * 7919 + thread_id * 104729) % 20000
    parts[j] = string.format(
      '{"type":"track","messageId":"t%d-%d","userId":"user-%d","event":"%s","timestamp":"2026-11-20T10:%02d:%02d.123Z","properties":{"plan":"pro","n":%d},"context":{"library":{"name":"bench"}}}',
      thread_id, n, user, events[(n % 5) + 1], math.floor(n / 60) % 60, n % 60, j)
  end
  local body = '{"sentAt":"2026-11-20T10:59:59.000Z","batch":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/v1/batch", {["Content-Type"] = "application/json", ["Authorization"] = auth}, body)
end

function init(args)
  auth = args[1]
end

done = function(summary, latency, requests)
  io.write(string.format("wrk: %d requests, %d non-2xx/3xx, %d socket errors (connect %d, read %d, write %d, timeout %d)\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("wrk: latency p50 %.1f ms, p99 %.1f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
