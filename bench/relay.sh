#!/usr/bin/env bash
# The same load straight into an nginx sink (202) and through hookline relay + listen
# --relay --forward-to that sink, in one run: requests/s at wrk -c32, and p50 latency at
# -c1 (the latency the tunnel adds). Repeated RUNS times.
#
# For scale, the same run also measures nginx itself as one keep-alive reverse proxy in
# front of the sink, and as two chained (the shape of relay + listen: two processes, each
# receiving and re-sending every request). On a 2-core machine every process shares the
# CPU with wrk and the sink, so these show what any proxy path can reach here. CPU per
# request is also split hop by hop: the relay against nginx's front hop, listen against
# its back hop.
#
#   bench/relay.sh [RUNS] [SECONDS]
#
# The reference users would otherwise pick is bore (crates.io `bore-cli`: `bore server` +
# `bore local`), a self-hosted Rust tunnel that copies bytes: the same run measures it in
# front of the same sink (installed with `cargo install bore-cli` into a scratch root when
# it is not on PATH; its control port is 7835).
#
# With HOOKLINE_BASELINE=/path/to/an/older/hookline, the same run also measures a relay +
# listen pair of that build, for a before/after comparison on the same machine state.
#
# Each run ends with the proxies pinned: every proxy process (nginx's two hops, relay +
# listen, bore's two ends) alone on the last CPU and wrk (one thread) with the sink on CPU
# 0, one after the other. Nothing else competes with the chain for its core, so this ratio
# moves far less from run to run than the shared one.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
DUR=${2:-5}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for pid in "$WORK"/nginx.pid "$WORK"/proxy*/nginx.pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

. bench/lib.sh
need nginx nginx
need wrk wrk
need curl curl
need python3 python3
need pgrep procps
need bc bc
need taskset util-linux

cargo build --release --quiet --bin hookline
HOOKLINE=$PWD/target/release/hookline
SINK="$(nginx_sink "$WORK")"

BORE=$(command -v bore || true)
if [ -z "$BORE" ]; then
  BORE_ROOT=${XDG_CACHE_HOME:-$HOME/.cache}/hookline-bench/bore
  [ -x "$BORE_ROOT/bin/bore" ] || cargo install --quiet bore-cli --root "$BORE_ROOT"
  BORE=$BORE_ROOT/bin/bore
fi
"$BORE" server --bind-addr 127.0.0.1 > "$WORK/bore-server.log" 2>&1 &
PIDS+=($!)
BORE_SERVER_PID=$!
sleep 0.3
BORE_PORT=$(free_port)
"$BORE" local "${SINK##*:}" --local-host 127.0.0.1 --to 127.0.0.1 --port "$BORE_PORT" > "$WORK/bore-local.log" 2>&1 &
PIDS+=($!)
BORE_LOCAL_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$BORE_PORT/" && break; sleep 0.05; done
BORED=http://127.0.0.1:$BORE_PORT
PROXY1="$(nginx_proxy "$WORK/proxy1" "$SINK")"
PROXY2="$(nginx_proxy "$WORK/proxy2" "$PROXY1")"

export XDG_CONFIG_HOME=$WORK/config
$HOOKLINE relay --port 0 2> "$WORK/relay.err" &
PIDS+=($!)
RELAY_PID=$!
for _ in $(seq 100); do grep -q 'listening on' "$WORK/relay.err" 2>/dev/null && break; sleep 0.05; done
RELAY=$(sed -n 's/^listening on //p' "$WORK/relay.err")
$HOOKLINE listen --port 0 --json --relay "$RELAY" --forward-to "$SINK" > /dev/null 2> "$WORK/listen.err" &
PIDS+=($!)
LISTEN_PID=$!
for _ in $(seq 100); do grep -q 'listening on' "$WORK/listen.err" 2>/dev/null && break; sleep 0.05; done
PUBLIC=$(sed -n 's/^public URL: //p' "$WORK/listen.err")
[ -n "$PUBLIC" ] || { cat "$WORK/listen.err" >&2; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @fixtures/generic/job.completed.json "$PUBLIC/hooks/job")
[ "$code" = 202 ] || { echo "relayed test request got $code" >&2; exit 1; }
if [ -n "${HOOKLINE_BASELINE:-}" ]; then
  XDG_CONFIG_HOME=$WORK/config-base $HOOKLINE_BASELINE relay --port 0 2> "$WORK/relay-base.err" &
  PIDS+=($!)
  for _ in $(seq 100); do grep -q 'listening on' "$WORK/relay-base.err" 2>/dev/null && break; sleep 0.05; done
  RELAY_BASE=$(sed -n 's/^listening on //p' "$WORK/relay-base.err")
  XDG_CONFIG_HOME=$WORK/config-base $HOOKLINE_BASELINE listen --port 0 --json --relay "$RELAY_BASE" --forward-to "$SINK" > /dev/null 2> "$WORK/listen-base.err" &
  PIDS+=($!)
  for _ in $(seq 100); do grep -q 'listening on' "$WORK/listen-base.err" 2>/dev/null && break; sleep 0.05; done
  PUBLIC_BASE=$(sed -n 's/^public URL: //p' "$WORK/listen-base.err")
  BASE_PIDS=$(pgrep -f "$HOOKLINE_BASELINE (relay|listen)" | tr '\n' ' ')
fi

cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("fixtures/generic/job.completed.json", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
LUA

rps() { awk '/^Requests\/sec/ {print $2}'; }
# wrk prints the p50 as e.g. 81.00us or 1.20ms; in ms.
p50() { awk '$1 == "50%" { v=$2; if (v ~ /us$/) { sub(/us/, "", v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v*=1000 }; print v }'; }

ratio() { echo "$1/$2" | bc -l; }
TICK=$(getconf CLK_TCK)
ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
# `cpu_run URL PID…`: wrk c32 against URL; prints "req/s cpu_us_per_request" (the PIDs' CPU
# from /proc over the run, divided by the requests wrk counted), then each PID's share.
cpu_run() {
  local url=$1; shift
  local before=() after=() p n total=0 each=""
  for p in "$@"; do before+=("$(ticks "$p")"); done
  wrk -t2 -c32 -d"${DUR}s" -s "$WORK/post.lua" "$url" > "$WORK/wrk.txt"
  for p in "$@"; do after+=("$(ticks "$p")"); done
  n=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
  for i in "${!before[@]}"; do
    total=$((total + after[i] - before[i]))
    each="$each $(echo "(${after[i]} - ${before[i]}) * 1000000 / $TICK / $n" | bc -l)"
  done
  echo "$(rps < "$WORK/wrk.txt") $(echo "$total * 1000000 / $TICK / $n" | bc -l)$each"
}
# `pin CPUS PID…`: every thread of each process onto CPUS.
pin() {
  local cpus=$1; shift
  for p in "$@"; do taskset -a -pc "$cpus" "$p" > /dev/null; done
}
workers() { pgrep -P "$(cat "$1/nginx.pid")"; }
LAST=$(( $(nproc) - 1 ))
# `pinned_rps URL`: wrk on CPU 0, one thread, c32.
pinned_rps() { taskset -c 0 wrk -t1 -c32 -d"${DUR}s" -s "$WORK/post.lua" "$1" | rps; }
for r in $(seq "$RUNS"); do
  direct=$(wrk -t2 -c32 -d"${DUR}s" -s "$WORK/post.lua" "$SINK/hooks/job" | rps)
  read -r relayed relayed_us relay_us listen_us <<<"$(cpu_run "$PUBLIC/hooks/job" "$RELAY_PID" "$LISTEN_PID")"
  if [ -n "${PUBLIC_BASE:-}" ]; then
    base=$(wrk -t2 -c32 -d"${DUR}s" -s "$WORK/post.lua" "$PUBLIC_BASE/hooks/job" | rps)
    printf 'run %s: relayed, this build %.0f req/s, baseline %.0f (%.2fx)\n' "$r" "$relayed" "$base" "$(ratio "$relayed" "$base")"
  fi
  nginx1=$(wrk -t2 -c32 -d"${DUR}s" -s "$WORK/post.lua" "$PROXY1/hooks/job" | rps)
  # nginx's work is done by each proxy's worker process (one each: worker_processes 1).
  # wrk reaches proxy 2 (the front hop, as the relay), which passes to proxy 1 (the back
  # hop, as listen), which passes to the sink.
  read -r nginx2 nginx2_us front_us back_us <<<"$(cpu_run "$PROXY2/hooks/job" $(pgrep -P "$(cat "$WORK/proxy2/nginx.pid")") $(pgrep -P "$(cat "$WORK/proxy1/nginx.pid")"))"
  read -r bore bore_us _ <<<"$(cpu_run "$BORED/hooks/job" "$BORE_SERVER_PID" "$BORE_LOCAL_PID")"
  direct_p50=$(wrk -t1 -c1 -d"${DUR}s" --latency -s "$WORK/post.lua" "$SINK/hooks/job" | p50)
  relayed_p50=$(wrk -t1 -c1 -d"${DUR}s" --latency -s "$WORK/post.lua" "$PUBLIC/hooks/job" | p50)
  bore_p50=$(wrk -t1 -c1 -d"${DUR}s" --latency -s "$WORK/post.lua" "$BORED/hooks/job" | p50)
  printf 'run %s: bore %.0f req/s, relay + listen %.0f (%.2fx of bore) | c1 p50 added: bore %.3f ms, relay + listen %.3f ms\n' \
    "$r" "$bore" "$relayed" "$(ratio "$relayed" "$bore")" "$(echo "$bore_p50-$direct_p50" | bc -l)" "$(echo "$relayed_p50-$direct_p50" | bc -l)"
  printf 'run %s: CPU per request: bore server + bore local %.1f us, relay + listen %.1f us (%.2fx) | same shape, nginx proxy 2 hops %.1f us: relay + listen / nginx 2 hops %.2fx in req/s, %.2fx in CPU\n' \
    "$r" "$bore_us" "$relayed_us" "$(ratio "$relayed_us" "$bore_us")" "$nginx2_us" "$(ratio "$relayed" "$nginx2")" "$(ratio "$relayed_us" "$nginx2_us")"
  printf 'run %s: CPU per request, hop by hop: relay %.1f us / nginx front hop %.1f us (%.2fx) | listen %.1f us / nginx back hop %.1f us (%.2fx)\n' \
    "$r" "$relay_us" "$front_us" "$(ratio "$relay_us" "$front_us")" "$listen_us" "$back_us" "$(ratio "$listen_us" "$back_us")"
  printf 'run %s: c32 direct %.0f req/s  relayed %.0f (%.2fx)  | nginx proxy 1 hop %.0f (%.2fx)  2 hops %.0f (%.2fx) | c1 p50 direct %.3f ms  relayed %.3f ms  added %.3f ms\n' \
    "$r" "$direct" "$relayed" "$(ratio "$relayed" "$direct")" "$nginx1" "$(ratio "$nginx1" "$direct")" \
    "$nginx2" "$(ratio "$nginx2" "$direct")" "$direct_p50" "$relayed_p50" "$(echo "$relayed_p50-$direct_p50" | bc -l)"
  if [ "$LAST" -ge 1 ]; then
    PROXIES="$(workers "$WORK/proxy1") $(workers "$WORK/proxy2") $RELAY_PID $LISTEN_PID $BORE_SERVER_PID $BORE_LOCAL_PID ${BASE_PIDS:-}"
    pin 0 $(workers "$WORK")
    pin "$LAST" $PROXIES
    pinned_nginx2=$(pinned_rps "$PROXY2/hooks/job")
    pinned_relayed=$(pinned_rps "$PUBLIC/hooks/job")
    pinned_bore=$(pinned_rps "$BORED/hooks/job")
    base_note=""
    if [ -n "${PUBLIC_BASE:-}" ]; then
      pinned_base=$(pinned_rps "$PUBLIC_BASE/hooks/job")
      base_note=$(printf ' | baseline %.0f: this build / baseline %.2fx' "$pinned_base" "$(ratio "$pinned_relayed" "$pinned_base")")
    fi
    pin "0-$LAST" $(workers "$WORK") $PROXIES
    printf 'run %s: pinned (proxies alone on CPU %s): nginx 2 hops %.0f req/s, relay + listen %.0f (%.2fx of nginx 2 hops), bore %.0f (relay + listen %.2fx of bore)%s\n' \
      "$r" "$LAST" "$pinned_nginx2" "$pinned_relayed" "$(ratio "$pinned_relayed" "$pinned_nginx2")" "$pinned_bore" "$(ratio "$pinned_relayed" "$pinned_bore")" "$base_note"
  fi
done
grep -c 'link lost' "$WORK/listen.err" | xargs printf 'relay link drops during the run: %s\n'
