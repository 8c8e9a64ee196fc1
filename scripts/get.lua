-- wrk: GET one path, signed in, and print p95 (wrk --latency prints 50/75/90/99 only).
-- Env: AUTH (bearer token, for the API) or COOKIE (a web session cookie, for pages); TARGET (path with query).
wrk.method = "GET"
if os.getenv("AUTH") then wrk.headers["Authorization"] = "Bearer " .. os.getenv("AUTH") end
if os.getenv("COOKIE") then wrk.headers["Cookie"] = os.getenv("COOKIE") end
local target = os.getenv("TARGET")
request = function() return wrk.format("GET", target) end
done = function(summary, latency, requests)
  io.write(string.format("p95 %.1f ms\n", latency:percentile(95) / 1000))
end
