-- wrk script: every request asks for PAGE with a query string never asked before, so the
-- portal's page cache cannot answer and each request renders the page (what a signed-in
-- member, a filtered list or a crawler gets).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local i = 0
local page = os.getenv("PAGE") or "/"
function request()
  i = i + 1
  return wrk.format("GET", page .. "?r=" .. tid .. "-" .. i)
end
