#!/usr/bin/env bash
# Two relays over NATS against one relay, in one run: the sender posts to relay A while
# the channel's subscriber (`listen --relay … --forward-to` an nginx sink) is connected to
# relay B, so every request crosses NATS (A → NATS → B → listen → sink and back). Beside
# it, the same listen shape behind a single relay (no --nats).
#
#   bench/relay-cluster.sh [RUNS] [SECONDS]
#
# Prints per run: req/s at wrk -c32 (cluster vs single, the ratio), p50 added at -c1 over
# the bare sink, the p50 of a 503 for a channel with no subscriber anywhere, and the time
# of a 25 MiB POST answered through each (curl). Installs nats-server, nginx, wrk, curl
# with apt-get when missing. For scale, the same run measures nginx as a chain of 2 and of 4
# keep-alive proxies (the two shapes: 2 and 4 processes handling each request).
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
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || need nats-server nats-server
NATS_SERVER=$(command -v nats-server || echo /usr/sbin/nats-server)

cargo build --release --quiet --bin hookline
HOOKLINE=$PWD/target/release/hookline
SINK="$(nginx_sink "$WORK")"
# For scale: nginx as a chain of keep-alive proxies in front of the sink. Two hops have
# the single relay's shape (relay, listen); four have the cluster's (relay A, NATS,
# relay B, listen): what two more processes handling every request cost on this machine.
PROXY1="$(nginx_proxy "$WORK/proxy1" "$SINK")"
PROXY2="$(nginx_proxy "$WORK/proxy2" "$PROXY1")"
PROXY3="$(nginx_proxy "$WORK/proxy3" "$PROXY2")"
PROXY4="$(nginx_proxy "$WORK/proxy4" "$PROXY3")"

# The server settings docs/relay.md gives.
NATS_PORT=$(free_port)
cat > "$WORK/nats.conf" <<CONF
listen: 127.0.0.1:$NATS_PORT
max_payload: 32MB
max_pending: 128MB
ping_interval: "10s"
jetstream { store_dir: "$WORK/jetstream" }
CONF
"$NATS_SERVER" -c "$WORK/nats.conf" > "$WORK/nats.log" 2>&1 &
PIDS+=($!)
NATS_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT") 2>/dev/null && break; sleep 0.05; done

export XDG_CONFIG_HOME=$WORK/config
# `start NAME ARGS…` runs hookline ARGS, its stderr in NAME.err; waits for `listening on`.
declare -A PID_OF
start() {
  local name=$1
  shift
  "$HOOKLINE" "$@" > /dev/null 2> "$WORK/$name.err" &
  PIDS+=($!)
  PID_OF[$name]=$!
  for _ in $(seq 200); do grep -q 'listening on' "$WORK/$name.err" 2>/dev/null && break; sleep 0.05; done
  grep -q 'listening on' "$WORK/$name.err" || { cat "$WORK/$name.err" >&2; exit 1; }
}
url_of() { sed -n 's/^listening on //p' "$WORK/$1.err"; }
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

start single relay --port 0
start a relay --port 0 --nats "nats://127.0.0.1:$NATS_PORT"
start b relay --port 0 --nats "nats://127.0.0.1:$NATS_PORT"
SINGLE=$(url_of single) A=$(url_of a) B=$(url_of b)

start listen-single listen --port 0 --json --relay "$SINGLE" --forward-to "$SINK"
PUBLIC_SINGLE=$(sed -n 's/^public URL: //p' "$WORK/listen-single.err")
made=$(curl -s -X POST "$A/channels")
CH=$(echo "$made" | field channel) TOKEN=$(echo "$made" | field token)
start listen-b listen --port 0 --json --relay "$B/$CH" --relay-token "$TOKEN" --forward-to "$SINK"
PUBLIC_CLUSTER=$A/c/$CH
# For the 25 MiB round trips: listen answering 202 itself (nginx's sink takes 1 MiB).
made=$(curl -s -X POST "$SINGLE/channels")
BIG_SINGLE=$SINGLE/c/$(echo "$made" | field channel)
start listen-big-single listen --port 0 --json --relay "$BIG_SINGLE" --relay-token "$(echo "$made" | field token)"
made=$(curl -s -X POST "$A/channels")
BIG_CH=$(echo "$made" | field channel)
start listen-big-b listen --port 0 --json --relay "$B/$BIG_CH" --relay-token "$(echo "$made" | field token)"
BIG_CLUSTER=$A/c/$BIG_CH
# No subscriber anywhere.
EMPTY=$A/c/$(curl -s -X POST "$A/channels" | field channel)

for url in "$PUBLIC_SINGLE" "$PUBLIC_CLUSTER"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @fixtures/generic/job.completed.json "$url/hooks/job")
  [ "$code" = 202 ] || { echo "$url: test request got $code" >&2; exit 1; }
done
head -c $((25 << 20)) /dev/urandom > "$WORK/big.bin"

cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("fixtures/generic/job.completed.json", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
LUA
rps() { awk '/^Requests\/sec/ {print $2}'; }
p50() { awk '$1 == "50%" { v=$2; if (v ~ /us$/) { sub(/us/, "", v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v*=1000 }; print v }'; }
ratio() { echo "$1/$2" | bc -l; }
big() { curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST --data-binary @"$WORK/big.bin" "$1/big"; }

# CPU time (utime + stime, in clock ticks) of a process, and µs per request over a run.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
per_request() { echo "($2 - $1) * 1000000 / $HZ / $3" | bc -l; }
# `measured URL PID…`: wrk -c32 on URL; prints req/s then each PID's CPU µs per request.
measured() {
  local url=$1; shift
  local before=() p out total
  for p in "$@"; do before+=("$(ticks "$p")"); done
  out=$(wrk -t2 -c32 -d"${DUR}s" -s "$WORK/post.lua" "$url/hooks/job")
  total=$(echo "$out" | awk '/requests in/ {print $1}')
  printf '%s' "$(echo "$out" | rps)"
  local i=0
  for p in "$@"; do printf ' %.1f' "$(per_request "${before[$i]}" "$(ticks "$p")" "$total")"; i=$((i + 1)); done
  echo
}

for r in $(seq "$RUNS"); do
  read -r single single_relay single_listen <<< "$(measured "$PUBLIC_SINGLE" "${PID_OF[single]}" "${PID_OF[listen-single]}")"
  read -r cluster cpu_a cpu_nats cpu_b cpu_listen <<< "$(measured "$PUBLIC_CLUSTER" "${PID_OF[a]}" "$NATS_PID" "${PID_OF[b]}" "${PID_OF[listen-b]}")"
  printf 'run %s: CPU µs per request: single relay %.1f + listen %.1f = %.1f | relay A %.1f + nats-server %.1f + relay B %.1f + listen %.1f = %.1f\n' \
    "$r" "$single_relay" "$single_listen" "$(echo "$single_relay+$single_listen" | bc -l)" \
    "$cpu_a" "$cpu_nats" "$cpu_b" "$cpu_listen" "$(echo "$cpu_a+$cpu_nats+$cpu_b+$cpu_listen" | bc -l)"
  nginx2=$(wrk -t2 -c32 -d"${DUR}s" -s "$WORK/post.lua" "$PROXY2/hooks/job" | rps)
  nginx4=$(wrk -t2 -c32 -d"${DUR}s" -s "$WORK/post.lua" "$PROXY4/hooks/job" | rps)
  direct_p50=$(wrk -t1 -c1 -d"${DUR}s" --latency -s "$WORK/post.lua" "$SINK/hooks/job" | p50)
  single_p50=$(wrk -t1 -c1 -d"${DUR}s" --latency -s "$WORK/post.lua" "$PUBLIC_SINGLE/hooks/job" | p50)
  cluster_p50=$(wrk -t1 -c1 -d"${DUR}s" --latency -s "$WORK/post.lua" "$PUBLIC_CLUSTER/hooks/job" | p50)
  empty_p50=$(wrk -t1 -c1 -d2s --latency -s "$WORK/post.lua" "$EMPTY/hooks/job" | p50)
  read -r big_single_code big_single_s <<< "$(big "$BIG_SINGLE")"
  read -r big_cluster_code big_cluster_s <<< "$(big "$BIG_CLUSTER")"
  printf 'run %s: c32 single relay %.0f req/s, two relays over NATS %.0f (%.2fx) | c1 p50 added: single %.3f ms, cluster %.3f ms (+%.3f ms) | no-subscriber 503 p50 %.3f ms | 25 MiB: single %s in %.2f s, cluster %s in %.2f s\n' \
    "$r" "$single" "$cluster" "$(ratio "$cluster" "$single")" \
    "$(echo "$single_p50-$direct_p50" | bc -l)" "$(echo "$cluster_p50-$direct_p50" | bc -l)" "$(echo "$cluster_p50-$single_p50" | bc -l)" \
    "$empty_p50" "$big_single_code" "$big_single_s" "$big_cluster_code" "$big_cluster_s"
  printf 'run %s: for scale, nginx proxy chain: 2 hops %.0f req/s, 4 hops %.0f (%.2fx)\n' \
    "$r" "$nginx2" "$nginx4" "$(ratio "$nginx4" "$nginx2")"
done
grep -c 'link lost' "$WORK/listen-b.err" | xargs printf 'relay link drops during the run: %s\n'
