-- wrk script: traces the F0 cases in CASES (comma-separated ids) in turn over the window FROM..TO, as AUTH.
local cases = {}
for id in string.gmatch(os.getenv("CASES") or "", "[^,]+") do cases[#cases + 1] = id end
local body = string.format('{"from":"%s","to":"%s"}', os.getenv("FROM"), os.getenv("TO"))
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. (os.getenv("AUTH") or "") }
local i = 0
request = function()
  i = i % #cases + 1
  return wrk.format("POST", "/api/v1/cases/" .. cases[i] .. "/trace", headers, body)
end
