#!/usr/bin/env bash
# What the inspector costs the event path, quickly: listen --json alone, then with
# --inspect (no page open), wrk -t2 -c32 for 4 s each with the signed 1 KB body,
# alternating, RUNS times: req/s, and listen's CPU per request (all its threads, from
# /proc/PID/stat), which the shared cores disturb less. bench/listen.sh measures req/s
# among everything else.
#
#   bench/inspector.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
. bench/lib.sh
need wrk wrk
need python3 python3
need bc bc
cargo build --release --quiet --bin hookline
H=target/release/hookline
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
signed_body "$WORK" "$H" bench-secret > /dev/null
HZ=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# → "req/s µs-of-CPU-per-request"
one() {
  local p; p=$(free_port)
  $H listen --port "$p" --secret bench-secret --json "$@" > /dev/null 2>&1 &
  local pid=$!
  sleep 0.4
  local before out after
  before=$(ticks $pid)
  out=$(wrk -t2 -c32 -d4s -s "$WORK/post.lua" "http://127.0.0.1:$p/")
  after=$(ticks $pid)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(echo "$out" | awk '/^Requests\/sec/ {print $2}') $(echo "($after - $before) * 1000000 / $HZ / $(echo "$out" | awk '/requests in/ {print $1}')" | bc -l)"
}
for r in $(seq "$RUNS"); do
  read -r off off_us <<< "$(one)"
  read -r on on_us <<< "$(one --inspect "127.0.0.1:$(free_port)")"
  printf 'run %s: listen --json %.0f req/s %.2f µs/req, with --inspect %.0f req/s %.2f µs/req | req/s %.2fx, CPU %.2fx\n' \
    "$r" "$off" "$off_us" "$on" "$on_us" "$(echo "$on/$off" | bc -l)" "$(echo "$on_us/$off_us" | bc -l)"
done
