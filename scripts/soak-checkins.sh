#!/usr/bin/env bash
# Issue 3's memory bound: the server's memory during a long run of batched check-ins at full rate (wrk, 1,000-event
# batches, 4 connections — the load of bench-checkins.sh, for minutes instead of seconds). Samples the server's
# /proc status every 10 s: VmRSS, and its parts — RssAnon (heap: what the process allocated) and RssFile (pages of
# the memory-mapped database file and the binary, which the kernel can drop at will).
# SQLite by default; DATABASE=postgres://… for PostgreSQL. Usage: scripts/soak-checkins.sh [seconds, default 600]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-600}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
source scripts/bench-lib.sh
build_binaries
DB=${DATABASE:-sqlite://$DIR/soak.sqlite}
start_servers 18290 18291 "$DB"
SERVER=${PIDS[0]}
ADMIN=$(demo_token 18290 demo-admin)
export TOKENS=$(approved_venue_tokens 18290 "$ADMIN")

SAMPLES="$DIR/memory.tsv"
sample() { awk -v t="$1" '/^VmRSS|^RssAnon|^RssFile/ {v[$1]=$2} END {printf "%s\t%d\t%d\t%d\n", t, v["VmRSS:"]/1024, v["RssAnon:"]/1024, v["RssFile:"]/1024}' "/proc/$SERVER/status"; }
sample 0 > "$SAMPLES"
BATCH=1000 AUTH=$ADMIN wrk -t2 -c4 -d"${DURATION}s" --latency -s scripts/checkins.lua http://127.0.0.1:18290/api/v1/checkins > "$DIR/wrk.txt" &
WRK=$!
start=$(date +%s)
while kill -0 "$WRK" 2>/dev/null; do
  sleep 10
  kill -0 "$SERVER" 2>/dev/null || { echo "the server stopped during the run"; tail -n 30 "$DIR/sentinel.log"; exit 1; }
  sample $(( $(date +%s) - start )) >> "$SAMPLES"
done
wait "$WRK" || true
sleep 2
sample end >> "$SAMPLES"

report=$(<"$DIR/wrk.txt")
rps=$(wrk_stat "$report" rps)
p99=$(wrk_stat "$report" p99)
non2xx=$(wrk_stat "$report" non2xx)
echo "| minute | VmRSS MB (max) | RssAnon MB (max) | RssFile MB (max) |"
echo "|---|---|---|---|"
awk -F'\t' '$1 != "end" { m = int($1 / 60); if ($2 > r[m]) r[m] = $2; if ($3 > a[m]) a[m] = $3; if ($4 > f[m]) f[m] = $4; if (m > last) last = m }
  END { for (i = 0; i <= last; i++) printf "| %d | %d | %d | %d |\n", i, r[i], a[i], f[i] }' "$SAMPLES"
awk -F'\t' '{ if ($2 > r) r = $2; if ($3 > a) a = $3 } END { printf "\npeak over the run: VmRSS %d MB, RssAnon %d MB\n", r, a }' "$SAMPLES"
echo "after the load: $(awk -F'\t' '$1=="end" {printf "VmRSS %d MB, RssAnon %d MB, RssFile %d MB", $2, $3, $4}' "$SAMPLES")"
echo "load: ${DURATION}s of 1,000-event batches, 4 connections: $rps requests/s ≈ $(python3 -c "print(round($rps * 1000))") events/s, p99 $p99, non-2xx ${non2xx:-0}"
if [ "${DB%%://*}" = sqlite ]; then
  echo "database file after the run: $(du -m "${DB#sqlite://}" | awk '{print $1}') MB"
fi
