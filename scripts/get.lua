-- wrk: GET one path with a bearer token and print p95 (wrk --latency prints 50/75/90/99 only).
-- Env: AUTH (token), TARGET (path with query).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("AUTH")
local target = os.getenv("TARGET")
request = function() return wrk.format("GET", target) end
done = function(summary, latency, requests)
  io.write(string.format("p95 %.1f ms\n", latency:percentile(95) / 1000))
end
