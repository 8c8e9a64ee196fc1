#!/usr/bin/env bash
# HTTP throughput and p99 latency of Sentinel beside a minimal Hummingbird server, in one run, on loopback.
# Usage: scripts/bench-http.sh [seconds per run, default 10] [connections, default 32]
# Needs wrk (Debian: apt-get install wrk). Prints a Markdown table for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-32}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }

source scripts/bench-lib.sh
build_binaries
start_servers 18280 18281 "sqlite://$DIR/bench.sqlite"
TOKEN=$(demo_token 18280 demo-leader)

run() { # name url [header]
  local out
  if [ $# -ge 3 ]; then out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$3" "$2"); else out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$2"); fi
  local rps p99 errors
  rps=$(wrk_stat "$out" rps)
  p99=$(wrk_stat "$out" p99)
  errors=$(wrk_stat "$out" non2xx)
  printf '| %s | %s | %s | %s |\n' "$1" "$rps" "$p99" "${errors:-0}"
  echo "$rps" >"$DIR/$4.rps"
}

echo "| endpoint | requests/s | p99 latency | non-2xx |"
echo "|---|---|---|---|"
run "Hummingbird hello-world GET /healthz (reference)" http://127.0.0.1:18281/healthz "X-Bench: 1" hello
run "Sentinel GET /healthz" http://127.0.0.1:18280/healthz "X-Bench: 1" healthz
run "Sentinel GET /api/v1/areas/731 (bearer token)" http://127.0.0.1:18280/api/v1/areas/731 "Authorization: Bearer $TOKEN" area
python3 - "$DIR" <<'PY'
import sys
d = sys.argv[1]
r = {k: float(open(f"{d}/{k}.rps").read()) for k in ("hello", "healthz", "area")}
print()
print(f"Sentinel /healthz / hello-world: {r['healthz'] / r['hello']:.2f}; "
      f"/api/v1/areas/731 / hello-world: {r['area'] / r['hello']:.3f}")
PY
echo "machine: $(nproc) cores; wrk -t2 -c$CONNECTIONS -d${DURATION}s; server and wrk share the machine"
