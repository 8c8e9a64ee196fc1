-- wrk script: POSTs check-in events with fresh UUIDs. Set BATCH (events per request; 1 = a single JSON object)
-- and TOKENS (comma-separated venue tokens) in the environment.
local batch = tonumber(os.getenv("BATCH") or "1000")
local tokens = {}
for t in string.gmatch(os.getenv("TOKENS") or "", "[^,]+") do tokens[#tokens + 1] = t end
local auth = os.getenv("AUTH")
if auth == "" then auth = nil end
local counter = 0

local function uuid()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

local function event()
  counter = counter + 1
  local person = math.random(1, 300000)
  local ago = math.random(60, 20 * 86400)
  local at = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - ago)
  return string.format('{"eventId":"%s","venueToken":"%s","person":{"idNumber":"075%09d","name":"Nguoi %d"},"checkedInAt":"%s"}',
    uuid(), tokens[math.random(1, #tokens)], person, person, at)
end

-- setup runs in wrk's main Lua state and request in each thread's own: a seed set in setup never reached the
-- threads, which drew the same "random" events (half of a 2-thread run were duplicates). Each thread seeds itself.
local threads = 0
function setup(thread) threads = threads + 1; thread:set("thread_number", threads) end
function init(args) math.randomseed(os.time() * 1000 + (thread_number or 0) * 7919 + math.floor(os.clock() * 1e6)) end

request = function()
  local body
  if batch == 1 then
    body = event()
  else
    local parts = {}
    for i = 1, batch do parts[i] = event() end
    body = "[" .. table.concat(parts, ",") .. "]"
  end
  local headers = { ["Content-Type"] = "application/json" }
  if auth then headers["Authorization"] = "Bearer " .. auth end
  return wrk.format("POST", wrk.path, headers, body)
end
