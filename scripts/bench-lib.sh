# Shared by the benchmark scripts: release builds of Sentinel and the hello-world reference, servers on
# loopback that stop with the script, and a bearer token from the demo accounts.

# SENTINEL_BIN=path runs another build of Sentinel (an earlier commit's, for a before/after in one sitting).
build_binaries() {
  if [ -n "${SENTINEL_BIN:-}" ]; then SENTINEL=$SENTINEL_BIN; else
    swift build -c release --product sentinel >/dev/null
    SENTINEL=$(swift build -c release --show-bin-path)/sentinel
  fi
  (cd Benchmarks && swift build -c release --product HelloHummingbird >/dev/null)
  HELLO=$(cd Benchmarks && swift build -c release --show-bin-path)/HelloHummingbird
  DIR=$(mktemp -d /tmp/sentinel-bench.XXXXXX)
  PIDS=()
  trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$DIR"' EXIT
}

# start_servers SENTINEL_PORT HELLO_PORT DATABASE_URL
start_servers() {
  # One load generator on one address: lift the public rate limit, which is meant for real crowds.
  # Keys in the scratch directory; no background demo simulation competing with the measurement.
  SENTINEL_KEYS_DIR="$DIR/keys" SENTINEL_DEMO_PROVINCE="${SENTINEL_DEMO_PROVINCE:-false}" \
  SENTINEL_PUBLIC_RATE=1000000 SENTINEL_PUBLIC_BURST=1000000 SENTINEL_LOG_LEVEL=warning "$SENTINEL" serve --demo --port "$1" --database "$3" >"$DIR/sentinel.log" 2>&1 &
  PIDS+=($!)
  "$HELLO" "$2" >"$DIR/hello.log" 2>&1 &
  PIDS+=($!)
  for port in "$1" "$2"; do
    for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "server on $port did not start"; cat "$DIR"/*.log; exit 1; }
  done
}

# demo_token PORT USERNAME
demo_token() {
  curl -fs -X POST -H 'Content-Type: application/json' -d "{\"username\":\"$2\",\"password\":\"sentinel-demo\"}" \
    "http://127.0.0.1:$1/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# approved_venue_tokens PORT BEARER — the demo's approved venues' tokens, comma-separated (for checkins.lua's TOKENS)
approved_venue_tokens() {
  curl -fs -H "Authorization: Bearer $2" "http://127.0.0.1:$1/api/v1/venues?status=approved" \
    | python3 -c 'import json,sys; print(",".join(v["token"] for v in json.load(sys.stdin)["items"]))'
}

# wrk_stat "WRK --latency OUTPUT" rps|p50|p99|non2xx — one figure of wrk's report (empty when wrk printed none)
wrk_stat() {
  case $2 in
    rps) awk '/Requests\/sec/ {print $2}' <<<"$1" ;;
    p50) awk '$1=="50%" {print $2}' <<<"$1" ;;
    p99) awk '$1=="99%" {print $2}' <<<"$1" ;;
    non2xx) awk '/Non-2xx/ {print $5}' <<<"$1" ;;
    *) echo "wrk_stat: unknown figure $2" >&2; return 1 ;;
  esac
}
