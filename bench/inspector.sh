#!/usr/bin/env bash
# What the inspector costs the event path, quickly: listen --json alone, then with
# --inspect (no page open), wrk -t2 -c32 for 4 s each with the signed 1 KB body,
# alternating, RUNS times. bench/listen.sh measures the same among everything else.
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
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
one() {
  local p; p=$(free_port)
  $H listen --port "$p" --secret bench-secret --json "$@" > /dev/null 2>&1 &
  local pid=$!
  sleep 0.4
  wrk -t2 -c32 -d4s -s "$WORK/post.lua" "http://127.0.0.1:$p/" | awk '/^Requests\/sec/ {print $2}'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for r in $(seq "$RUNS"); do
  off=$(one)
  on=$(one --inspect "127.0.0.1:$(free_port)")
  printf 'run %s: listen --json %.0f req/s, with --inspect %.0f (%.2fx)\n' "$r" "$off" "$on" "$(echo "$on/$off" | bc -l)"
done
