#!/usr/bin/env bash
# Tracing on a synthetic province (3.1 M people, ~100 M check-ins by default), in one run on one database:
#  1. in-process: the engine beside the best single hand-written SQL query for the same answer (sentinel bench-tracing);
#  2. through the API: POST /api/v1/cases/{id}/trace for the seeded F0 cases (wrk, one connection, latency percentiles).
# The province is simulated into $PROVINCE (kept between runs; the simulation resumes if interrupted).
# Usage: scripts/bench-tracing.sh [seconds, default 30]   DATABASE=postgres://… for PostgreSQL, SCALE=small for a quick run.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30}
SCALE=${SCALE:-province}
DAYS=${DAYS:-21}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
source scripts/bench-lib.sh
build_binaries
mkdir -p .bench
DB=${DATABASE:-sqlite://$PWD/.bench/$SCALE.sqlite}
echo "== simulate ($SCALE) into ${DB%%\?*}"
/usr/bin/time -v "$SENTINEL" simulate --scale "$SCALE" --database "$DB" 2> >(grep -E 'Maximum resident|Elapsed \(wall' >&2) | tail -n 9
echo
echo "== in-process, same database, same run"
"$SENTINEL" bench-tracing --database "$DB" --people 200 --rounds 3 --days "$DAYS"
echo
echo "== through the API"
export SENTINEL_CHECKIN_RETENTION_DAYS=60   # the purge must not delete the oldest simulated day mid-run
start_servers 18390 18391 "$DB"
TOKEN=$(demo_token 18390 demo-epidemiologist)
export AUTH=$TOKEN
export CASES=$(curl -fs -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:18390/api/v1/cases?classification=F0&limit=200' \
  | python3 -c 'import json,sys; print(",".join(str(c["id"]) for c in json.load(sys.stdin)["items"]))')
# The same window as the in-process run: DAYS days up to the last check-in.
read -r FROM TO < <(python3 - "$DB" "$DAYS" <<'PY'
import sys, datetime
url, days = sys.argv[1], int(sys.argv[2])
if url.startswith("sqlite://"):
    import sqlite3
    end = sqlite3.connect(url[len("sqlite://"):]).execute("SELECT MAX(checked_in_at) FROM checkins").fetchone()[0]
    end = datetime.datetime.fromtimestamp(end, datetime.timezone.utc)
else:
    end = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
start = end - datetime.timedelta(days=days)
fmt = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
print(fmt(start), fmt(end))
PY
)
export FROM TO
out=$(wrk -t1 -c1 -d"${DURATION}s" --latency -s scripts/trace.lua http://127.0.0.1:18390)
echo "| POST /api/v1/cases/{id}/trace, 1 connection | $(wrk_stat "$out" rps) req/s | p50 $(wrk_stat "$out" p50) | p99 $(wrk_stat "$out" p99) | non-2xx $(wrk_stat "$out" non2xx) |"
echo "window $FROM → $TO; server RSS after the run: $(ps -o rss= -p "${PIDS[0]}" | awk '{printf "%.0f MB", $1/1024}')"
