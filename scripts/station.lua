-- wrk script: a sampling station's save — a person scanned (an ID number, known or new) and a fresh tube barcode —
-- as the station page sends it, each with its own client id. Set AUTH (a sampler's bearer token) in the environment.
local auth = os.getenv("AUTH")
local counter, prefix = 0, ""

-- setup runs in wrk's main Lua state, request in each thread's own: each thread is numbered, seeds itself, and its
-- tubes carry its number (two threads never make the same tube).
local threads = 0
function setup(thread) threads = threads + 1; thread:set("thread_number", threads) end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_number or 0) * 7919)
  prefix = string.format("%d%05x", thread_number or 0, math.random(0, 0xfffff))
end

request = function()
  counter = counter + 1
  local person = math.random(1, 200000)
  local body = string.format('{"tubeBarcode":"ST%s-%d","people":[{"idNumber":"0752%08d","name":"Nguoi %d"}],"method":"rt_pcr",'
    .. '"specimenType":"np_swab","communeCode":"25993","clientId":"st-%s-%d"}', prefix, counter, person, person, prefix, counter)
  return wrk.format("POST", wrk.path, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. auth }, body)
end
