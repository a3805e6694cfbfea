-- wrk script: every request asks for PAGE (or, with PATHS naming a file of addresses one a
-- line, the next address of that file in turn) with a query string never asked before, so the
-- portal's page cache cannot answer and each request renders the page (what a signed-in
-- member, a filtered list or a crawler gets).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local i = 0
local pages = {}
local list = os.getenv("PATHS")
if list and list ~= "" then
  for line in io.lines(list) do
    if line ~= "" then pages[#pages + 1] = line end
  end
else
  pages[1] = os.getenv("PAGE") or "/"
end
function request()
  i = i + 1
  local page = pages[(i % #pages) + 1]
  local sep = page:find("?", 1, true) and "&" or "?"
  return wrk.format("GET", page .. sep .. "r=" .. tid .. "-" .. i)
end
