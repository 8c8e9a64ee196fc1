#!/usr/bin/env bash
# Starts the server in demo mode on a throwaway SQLite file, then headless Chromium opens the login page,
# signs in as the demo epidemiologist and saves a screenshot. Fails on any browser console error.
set -uo pipefail
cd "$(dirname "$0")/.."
ART=${1:-ci-artifacts}
mkdir -p "$ART"
BIN=$(swift build --show-bin-path)/sentinel
PORT=${SMOKE_PORT:-18080}
DIR=$(mktemp -d /tmp/sentinel-smoke.XXXXXX)
SENTINEL_DEMO_PROVINCE=false "$BIN" serve --demo --port "$PORT" --database "sqlite://$DIR/smoke.sqlite" > "$ART/smoke-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "server did not start"; tail -n 30 "$ART/smoke-server.log"; exit 1; }
python3 scripts/smoke_browser.py "http://127.0.0.1:$PORT" "$ART"
