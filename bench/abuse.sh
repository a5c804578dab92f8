#!/usr/bin/env bash
# The abuse suite at full size, with figures: each attack against a fresh `hookline listen`
# and a fresh `hookline relay` (with a `listen --relay` subscriber), on loopback only.
# For each: the target's RSS (idle, peak sampled, high-water mark, 3 s after), and the
# latency of a normal request made every 50 ms during the attack (p50/p99).
#
#   bench/abuse.sh [SECONDS]
#
# Attacks (bench/attack.py): 300 slow 25 MiB uploads, 300 idle HTTP/2 connections, a
# channel flood (64 clients POSTing /channels); then the idle-connection attack again with
# `ulimit -n 256`, where new connections must be turned away cleanly and normal requests
# served again once the cap frees.
# The slow uploads run three rounds on the same process: the first leaves a one-time few
# MB (allocator pages, pools); later rounds show whether memory ratchets up.
# Targets: ≤ 256 MB RSS, probe p99 ≤ 100 ms, RSS after within 20% of idle.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-20}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

. bench/lib.sh
need python3 python3
need curl curl

cargo build --release --quiet --bin hookline
HOOKLINE=$PWD/target/release/hookline
export XDG_CONFIG_HOME=$WORK/config

# `start NAME ULIMIT ARGS…`: a hookline server in the background; sets PID and URL.
start() {
  local name=$1 nofile=$2; shift 2
  ( ulimit -n "$nofile"; exec "$HOOKLINE" "$@" ) > /dev/null 2> "$WORK/$name.err" &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 100); do grep -q 'listening on' "$WORK/$name.err" 2>/dev/null && break; sleep 0.05; done
  URL=$(sed -n 's/^listening on //p' "$WORK/$name.err")
}

stop_all() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  PIDS=()
  rm -rf "$XDG_CONFIG_HOME"
}

# `against listen|relay ATTACK NOFILE`: one attack on a fresh target; prints its JSON line.
against() {
  local target=$1 attack=$2 nofile=$3
  if [ "$target" = listen ]; then
    start listen "$nofile" listen --port 0 --json
    local pid=$PID attack_url="$URL/hook" probe="$URL/probe"
  else
    start relay "$nofile" relay --port 0
    local pid=$PID relay_url=$URL
    start sub 4096 listen --port 0 --json --relay "$relay_url"
    local public
    for _ in $(seq 100); do public=$(sed -n 's/^public URL: //p' "$WORK/sub.err"); [ -n "$public" ] && break; sleep 0.05; done
    local probe="$public/probe" attack_url="$public/upload"
    [ "$attack" = slow-uploads ] || attack_url=$relay_url
  fi
  printf '%-7s %-14s ulimit %-5s ' "$target" "$attack" "$nofile"
  python3 bench/attack.py "$attack" "$attack_url" "$pid" --conns "$([ "$attack" = channel-flood ] && echo 64 || echo 300)" \
    --seconds "$SECONDS_EACH" --probe "$probe" --rounds "$([ "$attack" = slow-uploads ] && echo 3 || echo 1)" | sed '2,$s/^/                                  /' 
  local refused
  refused=$(grep -c 'connections open' "$WORK/$target.err" || true)
  [ "$refused" = 0 ] || echo "        log lines about the connection cap: $refused; accept errors: $(grep -c 'accept failed' "$WORK/$target.err" || true)"
  stop_all
}

for target in listen relay; do
  against "$target" slow-uploads 4096
  against "$target" idle-h2 4096
done
against relay channel-flood 4096
for target in listen relay; do
  against "$target" idle-h2 256
done
