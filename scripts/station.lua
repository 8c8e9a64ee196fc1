-- wrk script: a sampling station's save — a person scanned (an ID number, known or new) and a fresh tube barcode —
-- as the station page sends it, each with its own client id. Set AUTH (a sampler's bearer token) in the environment.
local auth = os.getenv("AUTH")
local counter, prefix = 0, ""

function setup(thread)
  math.randomseed(os.time() + tonumber(tostring(thread):match("0x(%x+)") or "0", 16))
end

function init(args)
  prefix = string.format("%06x", math.random(0, 0xffffff))
end

request = function()
  counter = counter + 1
  local person = math.random(1, 200000)
  local body = string.format('{"tubeBarcode":"ST%s-%d","people":[{"idNumber":"0752%08d","name":"Nguoi %d"}],"method":"rt_pcr",'
    .. '"specimenType":"np_swab","communeCode":"25993","clientId":"st-%s-%d"}', prefix, counter, person, person, prefix, counter)
  return wrk.format("POST", wrk.path, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. auth }, body)
end
