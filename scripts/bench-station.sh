#!/usr/bin/env bash
# Sampling-station saves over HTTP on loopback (issue 5: < 50 ms p99 under 20 concurrent stations): 20
# connections each posting a person and a new tube as the station page does, beside a Hummingbird hello-world
# POST under the same load, in one run. SQLite by default; DATABASE=postgres://… for PostgreSQL.
# Usage: scripts/bench-station.sh [seconds, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
source scripts/bench-lib.sh
build_binaries
DB=${DATABASE:-sqlite://$DIR/bench.sqlite}
start_servers 18295 18296 "$DB"
# The demo sampler works in Biên Hòa (731); the saves are in its commune 25993.
export AUTH=$(demo_token 18295 demo-sampler)

row() { # label url
  local out
  out=$(wrk -t2 -c20 -d"${DURATION}s" --latency -s scripts/station.lua "$2")
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$(wrk_stat "$out" rps)" "$(wrk_stat "$out" p50)" \
    "$(wrk_stat "$out" p99)" "$(wrk_stat "$out" non2xx | grep . || echo 0)"
}
echo "| load (20 connections) | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
row "Hummingbird hello-world POST /echo (reference)" http://127.0.0.1:18296/echo
row "Sentinel POST /api/v1/samples (person by ID number + new tube)" http://127.0.0.1:18295/api/v1/samples
echo
echo "database: ${DB%%://*}; wrk -t2 -c20, ${DURATION}s per row; server and wrk share the 2-core machine"
echo "server RSS after the run: $(ps -o rss= -p "${PIDS[0]}" | awk '{printf "%.0f MB", $1/1024}')"
