#!/usr/bin/env bash
# send through a forward proxy (tinyproxy) vs direct, into the same nginx sink, in one run:
# 2,000 fixtures at c32 each way, beside ApacheBench (`ab -X`, which speaks to a proxy) with
# the same body, concurrency and count, each way: the proxy's own ceiling.
#
#   bench/proxy.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT

. bench/lib.sh
need nginx nginx
need tinyproxy tinyproxy
need hyperfine hyperfine
need curl curl
need ab apache2-utils
need jq jq
need bc bc

cargo build --release --quiet --bin hookline
HL=$PWD/target/release/hookline
URL="$(nginx_sink "$WORK")/hooks"
port=$(free_port)
printf 'Port %s\nListen 127.0.0.1\nTimeout 60\nMaxClients 200\nAllow 127.0.0.1\nLogLevel Error\nLogFile "%s/tinyproxy.log"\n' "$port" "$WORK" > "$WORK/tinyproxy.conf"
tinyproxy -d -c "$WORK/tinyproxy.conf" &
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
PROXY=http://127.0.0.1:$port

mkdir -p "$WORK/many"
for i in $(seq -w 1 2000); do cp fixtures/generic/job.completed.json "$WORK/many/job-$i.json"; done
rate() { # extra args…: 2000 fixtures at c32, req/s
  local start end
  start=$(date +%s.%N)
  $HL send "$WORK/many" --to "$URL" --secret s3cret --concurrency 32 --json "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  echo "2000 / ($end - $start)" | bc -l
}
for r in $(seq "$RUNS"); do
  direct=$(rate --no-proxy)
  proxied=$(rate --proxy "$PROXY")
  ab_direct=$(ab -q -n 2000 -c 32 -p fixtures/generic/job.completed.json -T application/json "$URL" 2>/dev/null | awk '/^Requests per second/ {print $4}')
  ab_proxy=$(ab -q -n 2000 -c 32 -X "127.0.0.1:$port" -p fixtures/generic/job.completed.json -T application/json "$URL" 2>/dev/null | awk '/^Requests per second/ {print $4}')
  printf 'run %s: 2000 at c32  send direct %.0f, via tinyproxy %.0f req/s (%.2fx) | ab direct %.0f, via tinyproxy %.0f req/s (%.2fx) | via tinyproxy: send/ab %.2fx\n' \
    "$r" "$direct" "$proxied" "$(echo "$proxied/$direct" | bc -l)" "$ab_direct" "$ab_proxy" "$(echo "$ab_proxy/$ab_direct" | bc -l)" "$(echo "$proxied/$ab_proxy" | bc -l)"
done
