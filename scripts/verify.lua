-- wrk script: POST the same certificate to the verify endpoint (body prepared by bench-certificates.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local file = io.open(os.getenv("VERIFY_BODY"), "r")
wrk.body = file:read("*a")
file:close()
