-- wrk script: rotates through search queries (English, Hindi, phrases, filters, a typo).
-- SEARCH_FILTERS=1 adds the member's filters in turn: "worked for at least one unit"
-- (&worked=yes), "my communities" (&mine=1), and none.
local queries = {
  "coke", "cupola%20furnace", "child%20labour", "%22effluent%20treatment%22", "weavers%20savings",
  "theme%3Achild-labour%20stitching", "cupla", "%E0%A4%AC%E0%A4%BE%E0%A4%B2", "biogas", "tailors%20training",
}
local filters = { "" }
if os.getenv("SEARCH_FILTERS") == "1" then
  filters = { "&worked=yes", "&mine=1", "" }
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/search?q=" .. queries[(i % #queries) + 1] .. filters[(i % #filters) + 1])
end
