#!/usr/bin/env bash
# CPU time per request: `listen --secret S --json > /dev/null` beside the bare hyper server
# that only checks the HMAC (bench/bare_server.rs), both driven by wrk -t2 -c32 with the
# same signed 1 KB body, in one run. CPU from /proc/PID/stat (utime + stime) over the run,
# divided by the requests wrk counted: a figure the shared cores do not distort the way
# req/s is. Repeated RUNS times.
#
#   bench/listen-cpu.sh [RUNS] [DURATION]
#
# HOOKLINE_BASELINE=/path/to/an/older/hookline: that build too, in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
DURATION=${2:-10s}
SECRET=bench-secret-7f3c
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

. bench/lib.sh
need wrk wrk
need curl curl
need bc bc

cargo build --release --quiet --bin hookline --example bare_server
HOOKLINE=target/release/hookline
BARE=target/release/examples/bare_server
TICK=$(getconf CLK_TCK)

SIG=$(signed_body "$WORK" "$HOOKLINE" "$SECRET")
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure NAME -- command…  → "NAME req/s cpu_us_per_request"
measure() {
  local name=$1; shift 2
  local port; port=$(free_port)
  "${@//PORT/$port}" &
  local pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
  wrk -t2 -c32 -d2s -s "$WORK/post.lua" "http://127.0.0.1:$port/" > /dev/null   # warm up
  local before; before=$(ticks $pid)
  wrk -t2 -c32 -d"$DURATION" -s "$WORK/post.lua" "http://127.0.0.1:$port/" > "$WORK/wrk.txt"
  local after; after=$(ticks $pid)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  local requests rps
  requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  echo "$name $rps $(echo "($after - $before) * 1000000 / $TICK / $requests" | bc -l)"
}

for r in $(seq "$RUNS"); do
  read -r _ bare_rps bare_us <<<"$(measure bare -- $BARE PORT $SECRET)"
  read -r _ hl_rps hl_us <<<"$(measure hookline -- sh -c "exec $HOOKLINE listen --port PORT --secret $SECRET --json >/dev/null 2>&1")"
  printf 'run %s: bare %.0f req/s %.1f us/req | listen --json %.0f req/s %.1f us/req | CPU listen/bare %.2fx  req/s listen/bare %.2fx\n' \
    "$r" "$bare_rps" "$bare_us" "$hl_rps" "$hl_us" "$(echo "$hl_us/$bare_us" | bc -l)" "$(echo "$hl_rps/$bare_rps" | bc -l)"
  if [ -n "${HOOKLINE_BASELINE:-}" ]; then
    read -r _ base_rps base_us <<<"$(measure baseline -- sh -c "exec $HOOKLINE_BASELINE listen --port PORT --secret $SECRET --json >/dev/null 2>&1")"
    printf '       baseline %.0f req/s %.1f us/req · CPU this build/baseline %.2fx\n' "$base_rps" "$base_us" "$(echo "$hl_us/$base_us" | bc -l)"
  fi
done
