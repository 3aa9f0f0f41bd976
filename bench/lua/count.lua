-- count.lua -- wrk script for the ceilings that write (bench/bench.py):
-- one static request, its method (and body) from the arguments, and a
-- response() that counts statuses, so that every 201 can be held against
-- a row. done() prints the same XJRESULT line as xj.lua.
--   wrk ... -s count.lua URL -- METHOD [BODY]
local threads = {}
counts = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = args[1] or "GET"
  if args[2] then
    wrk.body = args[2]
    wrk.headers["Content-Type"] = "application/json"
  end
end

function response(st, headers, body)
  local key = tostring(st)
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local agg = {}
  for _, t in ipairs(threads) do
    for st, n in pairs(t:get("counts")) do agg[st] = (agg[st] or 0) + n end
  end
  local parts = {}
  for st, n in pairs(agg) do table.insert(parts, string.format('"%s":%d', st, n)) end
  local e = summary.errors
  io.write(string.format('XJRESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status_errors":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,' ..
    '"max_us":%d,"exhausted":0,"statuses":{%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.max, table.concat(parts, ",")))
end
