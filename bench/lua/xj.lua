-- xj.lua -- wrk script for bench/bench.py (docs/benchmarks.md).
-- MODE: register, status, login, login_code, mixed; NTHREADS: wrk's -t.
--   wrk ... -s xj.lua URL -- DATAFILE MODE NTHREADS
-- DATAFILE (written by bench.py) defines SESSIONS = {{c=cookie, t=csrf,
-- n=prereg}, ...}, PRINTABLE (the sessions whose registration's form
-- prints), CHILDREN = {json body, ...}, PHONES = {...}, PASSWORD and
-- CODES = {{p=phone, c=code}, ...} (live sign-in codes planted by bench/gen
-- codes: each is used once, so like children they run out).
-- Each wrk thread takes every nthreads-th child, so every registration is
-- a distinct child; when a thread runs out it stops (bench.py reports it
-- as "exhausted": the pool was too small for the run, not an error).
-- Statuses are counted per thread and summed in done(), which prints one
-- JSON line prefixed "XJRESULT ".
local threads = {}
local mode
local k, nchild, seq = 0, 0, 0
counts = {}
exhausted = 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  dofile(args[1])
  mode = args[2]
  NTHREADS = tonumber(args[3] or "1")
  tid = tid or 0
  seq = tid
end

local function sess()
  seq = seq + 1
  return SESSIONS[(seq % #SESSIONS) + 1]
end

local function auth_headers(s, post)
  local h = { ["Cookie"] = "__Host-xj_parent=" .. s.c, ["Accept"] = "application/json" }
  if post then
    h["X-CSRF-Token"] = s.t
    h["Content-Type"] = "application/json"
  end
  return h
end

local function register()
  local i = tid + 1 + k * NTHREADS
  k = k + 1
  if i > #CHILDREN then
    -- no distinct child left: stop, and send nothing that writes
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/bench/static")
  end
  return wrk.format("POST", "/api/parent/v1/registrations", auth_headers(sess(), true), CHILDREN[i])
end

local function status(suffix, list)
  seq = seq + 1
  local s = list[(seq % #list) + 1]
  return wrk.format("GET", "/api/parent/v1/registrations/" .. s.n .. suffix, auth_headers(s, false))
end

local function login()
  seq = seq + 1
  local p = PHONES[(seq % #PHONES) + 1]
  return wrk.format("POST", "/api/parent/v1/session",
    { ["Content-Type"] = "application/json", ["Accept"] = "application/json" },
    '{"phone":"' .. p .. '","password":"' .. PASSWORD .. '"}')
end

-- issue 16: sign-in by a one-time SMS code (no password hash)
local kc = 0
local function login_code()
  local i = tid + 1 + kc * NTHREADS
  kc = kc + 1
  if i > #CODES then
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/bench/static")
  end
  local x = CODES[i]
  return wrk.format("POST", "/api/parent/v1/session",
    { ["Content-Type"] = "application/json", ["Accept"] = "application/json" },
    '{"phone":"' .. x.p .. '","code":"' .. x.c .. '"}')
end

local mix = 0
function request()
  if mode == "register" then return register() end
  if mode == "status" then return status("/status", SESSIONS) end
  if mode == "login" then return login() end
  if mode == "login_code" then return login_code() end
  -- mixed first morning: 60% status, 25% registration, 10% login, 5% form
  mix = mix + 1
  local r = mix % 20
  if r < 12 then return status("/status", SESSIONS) end
  if r < 17 then return register() end
  if r < 19 then return login() end
  return status("/form", PRINTABLE)
end

function response(st, headers, body)
  local key = tostring(st)
  if st == 409 and body and body:find("duplicate_child", 1, true) then key = "409dup" end
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local agg, ex = {}, 0
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for st, n in pairs(c) do agg[st] = (agg[st] or 0) + n end
    ex = ex + (t:get("exhausted") or 0)
  end
  local parts = {}
  for st, n in pairs(agg) do table.insert(parts, string.format('"%s":%d', st, n)) end
  local e = summary.errors
  io.write(string.format('XJRESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status_errors":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,' ..
    '"max_us":%d,"exhausted":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.max, ex, table.concat(parts, ",")))
end
