-- wrk script: each connection waits INTERVAL_MS between requests, so C connections offer
-- about C * 1000 / INTERVAL_MS requests a second. wrk stays closed-loop per connection: a
-- response slower than the interval delays that connection's next request, so the achieved
-- rate (wrk's Requests/sec) must be read beside the latencies.
local interval = tonumber(os.getenv("INTERVAL_MS") or "10")
local paths = {}
for p in string.gmatch(os.getenv("PATHS") or "/", "[^ ]+") do paths[#paths + 1] = p end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
delay = function()
  return interval
end
