#!/usr/bin/env bash
# Certificates: issuing and verifying in process beside bare P-256 sign/verify, then the verify endpoint beside the
# Hummingbird hello-world, all in one run on loopback. Usage: scripts/bench-certificates.sh [seconds, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
source scripts/bench-lib.sh
build_binaries
start_servers 18290 18291 "sqlite://$DIR/bench.sqlite"

echo "## In process (one thread, median of 5 × 5,000)"
# The demo database is in training mode: the server signs and trusts the training keys (keys/training).
KEYS="$DIR/keys"; [ -d "$DIR/keys/training" ] && KEYS="$DIR/keys/training"
"$SENTINEL" bench-certificates --keys "$KEYS" --sample "$DIR/sample.hc1"
python3 -c 'import json,sys; print(json.dumps({"qr": open(sys.argv[1]).read()}))' "$DIR/sample.hc1" >"$DIR/verify.json"
curl -fs -X POST -H 'Content-Type: application/json' --data @"$DIR/verify.json" http://127.0.0.1:18290/api/v1/certificates/verify \
  | python3 -c 'import json,sys; v=json.load(sys.stdin); assert v["valid"], v; print("endpoint check: valid")'

echo
echo "## HTTP (wrk -t2 -c32 -d${DURATION}s)"
hello=$(wrk -t2 -c32 -d"${DURATION}s" --latency http://127.0.0.1:18291/healthz)
verify=$(VERIFY_BODY="$DIR/verify.json" wrk -t2 -c32 -d"${DURATION}s" --latency -s scripts/verify.lua http://127.0.0.1:18290/api/v1/certificates/verify)
for name in hello verify; do
  out=${!name}
  printf '%-8s %s req/s  p99 %s  non-2xx %s\n' "$name" "$(wrk_stat "$out" rps)" \
    "$(wrk_stat "$out" p99)" "$(wrk_stat "$out" non2xx)"
done
python3 - "$(wrk_stat "$hello" rps)" "$(wrk_stat "$verify" rps)" <<'PY'
import sys
hello, verify = map(float, sys.argv[1:3])
print(f"verify endpoint / hello-world: {verify / hello:.2f}")
PY
echo "machine: $(nproc) cores; server and wrk share the machine"
