-- ceil.lua -- wrk script for the ceilings (bench/bench.py): wrk's own
-- static request (no request()/response() in Lua, so wrk runs at full
-- speed); done() prints the same XJRESULT line as xj.lua.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('XJRESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status_errors":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,' ..
    '"max_us":%d,"exhausted":0,"statuses":{}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
