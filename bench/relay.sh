#!/usr/bin/env bash
# The same load straight into an nginx sink (202) and through hookline relay + listen
# --relay --forward-to that sink, in one run: requests/s at wrk -c32, and p50 latency at
# -c1 (the latency the tunnel adds). Repeated RUNS times.
#
#   bench/relay.sh [RUNS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
DUR=${2:-5}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

. bench/lib.sh
need nginx nginx
need wrk wrk
need curl curl
need python3 python3

cargo build --release --quiet --bin hookline
HOOKLINE=$PWD/target/release/hookline
SINK="$(nginx_sink "$WORK")"

export XDG_CONFIG_HOME=$WORK/config
$HOOKLINE relay --port 0 2> "$WORK/relay.err" &
PIDS+=($!)
for _ in $(seq 100); do grep -q 'listening on' "$WORK/relay.err" 2>/dev/null && break; sleep 0.05; done
RELAY=$(sed -n 's/^listening on //p' "$WORK/relay.err")
$HOOKLINE listen --port 0 --json --relay "$RELAY" --forward-to "$SINK" > /dev/null 2> "$WORK/listen.err" &
PIDS+=($!)
for _ in $(seq 100); do grep -q 'listening on' "$WORK/listen.err" 2>/dev/null && break; sleep 0.05; done
PUBLIC=$(sed -n 's/^public URL: //p' "$WORK/listen.err")
[ -n "$PUBLIC" ] || { cat "$WORK/listen.err" >&2; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @fixtures/job.completed.json "$PUBLIC/hooks/job")
[ "$code" = 202 ] || { echo "relayed test request got $code" >&2; exit 1; }

cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("fixtures/job.completed.json", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
LUA

rps() { awk '/^Requests\/sec/ {print $2}'; }
# wrk prints the p50 as e.g. 81.00us or 1.20ms; in ms.
p50() { awk '$1 == "50%" { v=$2; if (v ~ /us$/) { sub(/us/, "", v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v*=1000 }; print v }'; }

for r in $(seq "$RUNS"); do
  direct=$(wrk -t2 -c32 -d"${DUR}s" -s "$WORK/post.lua" "$SINK/hooks/job" | rps)
  relayed=$(wrk -t2 -c32 -d"${DUR}s" -s "$WORK/post.lua" "$PUBLIC/hooks/job" | rps)
  direct_p50=$(wrk -t1 -c1 -d"${DUR}s" --latency -s "$WORK/post.lua" "$SINK/hooks/job" | p50)
  relayed_p50=$(wrk -t1 -c1 -d"${DUR}s" --latency -s "$WORK/post.lua" "$PUBLIC/hooks/job" | p50)
  printf 'run %s: c32 direct %.0f req/s  relayed %.0f req/s  ratio %.2fx | c1 p50 direct %.3f ms  relayed %.3f ms  added %.3f ms\n' \
    "$r" "$direct" "$relayed" "$(echo "$relayed/$direct" | bc -l)" "$direct_p50" "$relayed_p50" "$(echo "$relayed_p50-$direct_p50" | bc -l)"
done
grep -c 'link lost' "$WORK/listen.err" | xargs printf 'relay link drops during the run: %s\n'
