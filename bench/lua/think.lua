-- think.lua -- xj.lua with think time: after each answer a connection
-- waits THINK milliseconds before its next request, so 64 connections
-- offer at most 64 / (THINK + latency) requests a second: parents who
-- read the page before they click, at a stated load, instead of the
-- saturating closed loop of xj.lua alone (docs/benchmarks.md).
--   wrk ... -s think.lua URL -- DATAFILE MODE NTHREADS THINK_MS
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "xj.lua")

local base_init = init
function init(args)
  base_init(args)
  THINK = tonumber(args[4] or "0")
end

function delay()
  return THINK
end
