#!/usr/bin/env bash
# Reporting on a synthetic province (3.1 M people, ~100 M check-ins, 100,000 cases), in one run on one database:
#  1. in-process (sentinel bench-reporting): the dashboard's figures and the maps from the daily counts, beside the same
#     headline figures computed from the records;
#  2. through HTTP: GET /api/v1/dashboard and /api/v1/maps/…svg (wrk, 2 connections, p50/p95/p99);
#  3. a large CSV export streamed (check-ins of one district over one day), rows/s and the server's memory growth.
# Usage: scripts/bench-reporting.sh [seconds, default 15]   PROVINCE=sqlite://… (default .bench/province.sqlite, from bench-tracing.sh)
#        EXPORT_ONLY=1 runs part 3 alone. EXPORT_AREA=75 exports the whole province (default 731, Biên Hòa): a smaller
#        simulated province (--people 1000000) has a million check-ins a day only province-wide.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
source scripts/bench-lib.sh
build_binaries
DB=${PROVINCE:-sqlite://$PWD/.bench/province.sqlite}
if [ "${EXPORT_ONLY:-0}" != 1 ]; then
  echo "== in-process, same database, same run"
  "$SENTINEL" bench-reporting --database "$DB" --cases 100000 --rounds 30 --raw-rounds 1
  echo
fi
AREA=${EXPORT_AREA:-731}
echo "== through HTTP"
export SENTINEL_CHECKIN_RETENTION_DAYS=60   # the purge must not delete the oldest simulated day mid-run
start_servers 18490 18491 "$DB"
export AUTH=$(demo_token 18490 demo-epidemiologist)
# The last simulated day (the simulation's own rows: ids below the demo's later additions), unless DAY is given.
DAY=${DAY:-$(curl -fs -H "Authorization: Bearer $AUTH" "http://127.0.0.1:18490/api/v1/stats?measure=checkins&from=2000-01-01&to=2002-12-31" >/dev/null 2>&1; \
  python3 -c "
import sqlite3,sys,datetime
u='$DB'
t=sqlite3.connect(u[len('sqlite://'):]).execute('SELECT MAX(checked_in_at) FROM checkins WHERE unicode(event_id) = 115').fetchone()[0]
print((datetime.datetime.fromtimestamp(t, datetime.timezone.utc)+datetime.timedelta(hours=7)).date())")}
# The page itself signs in through the login form (a web session cookie).
curl -s -c "$DIR/cj" -b "$DIR/cj" http://127.0.0.1:18490/login -o "$DIR/login.html"
CSRF=$(grep -o 'name="_csrf" value="[^"]*"' "$DIR/login.html" | head -1 | sed 's/.*value="//;s/"//')
curl -s -c "$DIR/cj" -b "$DIR/cj" -X POST http://127.0.0.1:18490/login --data-urlencode "_csrf=$CSRF" -d "next=/&username=demo-leader&password=sentinel-demo" -o /dev/null
PAGE_COOKIE="sentinel_session=$(awk '$6=="sentinel_session" {print $7}' "$DIR/cj")"
[ "${EXPORT_ONLY:-0}" = 1 ] && TARGETS=() || TARGETS=("/dashboard?area=75&date=$DAY" "/api/v1/dashboard?area=75&date=$DAY" "/api/v1/maps/risk.svg?area=75&date=$DAY" "/api/v1/maps/incidence.svg?area=731&date=$DAY")
for target in ${TARGETS[@]+"${TARGETS[@]}"}; do
  export TARGET=$target
  if [[ $target == /dashboard* ]]; then export COOKIE=$PAGE_COOKIE; else unset COOKIE; fi
  out=$(wrk -t2 -c2 -d"${DURATION}s" --latency -s scripts/get.lua http://127.0.0.1:18490)
  echo "| GET $target | $(wrk_stat "$out" rps) req/s | p50 $(wrk_stat "$out" p50) | $(grep '^p95' <<<"$out") | p99 $(wrk_stat "$out" p99) | non-2xx $(wrk_stat "$out" non2xx) |"
done
echo
PID=${PIDS[0]}
anon() { awk '/RssAnon/ {print $2}' /proc/$PID/status; }
# export_run csv|xlsx: the export streamed to a file, rows/s and the server's anonymous memory growth meanwhile.
export_run() {
  local format=$1 out="$DIR/export.$1"
  echo "== streamed export ($format): check-ins of area $AREA on $DAY"
  rm -f "$DIR/export.done"
  local before peak start end rows
  before=$(anon)
  # Anonymous memory (heap: page caches, rows) sampled during the export; file-backed mapped pages are not growth.
  ( peak=$before; while kill -0 $PID 2>/dev/null && [ ! -f "$DIR/export.done" ]; do a=$(anon); [ "$a" -gt "$peak" ] && peak=$a; echo $peak > "$DIR/anon.peak"; sleep 0.2; done ) &
  SAMPLER=$!
  start=$(date +%s.%N)
  curl -fs -H "Authorization: Bearer $AUTH" "http://127.0.0.1:18490/api/v1/reports/checkins.$format?area=$AREA&from=$DAY&to=$DAY" -o "$out"
  end=$(date +%s.%N)
  touch "$DIR/export.done"; wait $SAMPLER || true
  peak=$(cat "$DIR/anon.peak")
  if [ "$format" = csv ]; then rows=$(($(wc -l < "$out") - 1)); else
    rows=$(python3 -c "
import sys, zipfile
n = 0
with zipfile.ZipFile(sys.argv[1]).open('xl/worksheets/sheet1.xml') as f:
    for chunk in iter(lambda: f.read(1 << 20), b''): n += chunk.count(b'<row ')
print(n - 1)" "$out"); fi
  python3 -c "print('server ($format): rows %d in %.1f s = %.0f rows/s; anonymous memory before %.0f MB, peak during %.0f MB (growth %.0f MB); file %.0f MB' % ($rows, $end-$start, $rows/($end-$start), $before/1024, $peak/1024, ($peak-$before)/1024, $(stat -c %s "$out")/1048576))"
}
export_run csv
export_run xlsx
# The reference, same run: SQLite alone (its shell) running the export's query for the same day and district.
if command -v sqlite3 >/dev/null && [[ $DB == sqlite://* ]]; then
  read FROM TO < <(python3 -c "
import datetime
d=datetime.date.fromisoformat('$DAY'); s=datetime.datetime(d.year,d.month,d.day,tzinfo=datetime.timezone(datetime.timedelta(hours=7))).timestamp()
print(int(s), int(s)+86400)")
  start=$(date +%s.%N)
  n=$(sqlite3 "${DB#sqlite://}" "SELECT k.event_id, k.checked_in_at, k.checked_out_at, v.name, k.commune_code, p.full_name, p.phone
    FROM checkins k JOIN venues v ON v.id = k.venue_id JOIN persons p ON p.id = k.person_id
    WHERE k.checked_in_at >= $FROM AND k.checked_in_at < $TO AND k.commune_code IN (SELECT descendant FROM area_closure WHERE ancestor = '$AREA')
    ORDER BY k.checked_in_at, k.event_id" | wc -l)
  end=$(date +%s.%N)
  python3 -c "print('sqlite3 shell, same query: rows %d in %.1f s = %.0f rows/s' % ($n, $end-$start, $n/($end-$start)))"
fi
