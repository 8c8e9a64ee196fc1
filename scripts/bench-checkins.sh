#!/usr/bin/env bash
# Check-in ingest over HTTP on loopback: 1,000-event batches (events/s, p99 batch latency) and single events
# beside a Hummingbird hello-world POST, in one run. SQLite by default; DATABASE=postgres://… for PostgreSQL.
# Usage: scripts/bench-checkins.sh [seconds, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
source scripts/bench-lib.sh
build_binaries
DB=${DATABASE:-sqlite://$DIR/bench.sqlite}
start_servers 18290 18291 "$DB"
ADMIN=$(demo_token 18290 demo-admin)
export TOKENS=$(approved_venue_tokens 18290 "$ADMIN")

measure() { # label url batch connections
  local out rps p99
  out=$(BATCH=$3 AUTH=${AUTH:-} wrk -t2 -c"$4" -d"${DURATION}s" --latency -s scripts/checkins.lua "$2")
  rps=$(wrk_stat "$out" rps)
  p99=$(wrk_stat "$out" p99)
  non2xx=$(wrk_stat "$out" non2xx)
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$rps" "$(python3 -c "print(round($rps * $3))")" "$p99" "${non2xx:-0}"
}
echo "| load | requests/s | events/s | p99 latency | non-2xx |"
echo "|---|---|---|---|---|"
AUTH=$ADMIN measure "Sentinel POST /api/v1/checkins, 1,000-event batches, 4 connections" http://127.0.0.1:18290/api/v1/checkins 1000 4
measure "Hummingbird hello-world POST /echo (reference), one event" http://127.0.0.1:18291/echo 1 32
measure "Sentinel POST /api/v1/checkins, single events" http://127.0.0.1:18290/api/v1/checkins 1 32
echo
echo "database: ${DB%%://*}; wrk -t2, ${DURATION}s per row; server and wrk share the 2-core machine"
echo "server RSS after the run: $(ps -o rss= -p "${PIDS[0]}" | awk '{printf "%.0f MB", $1/1024}')"
# The raw insert rate of the same kind of rows into the same table, indexes and database, same run (issue 3's
# reference): the server is stopped first so that it has the file and the cores to itself.
if [ "${DB%%://*}" = sqlite ]; then
  kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true
  echo "raw insert, python sqlite3, 1,000 rows a transaction, same table and database: $(python3 scripts/checkin_raw_reference.py "${DB#sqlite://}" "${RAW_ROWS:-200000}") rows/s"
fi
