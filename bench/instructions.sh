#!/usr/bin/env bash
# Instructions per event, counted by valgrind (callgrind): a figure the shared, noisy cores
# cannot move, for comparing two builds change by change. Three cases:
#   listen   `listen --secret S --json` receiving the signed 1 KB body of bench/listen-cpu.sh
#   relayed  a request through `relay` + `listen --relay --forward-to` an nginx sink, the
#            pretty-printed fixture of bench/relay.sh; each of the two processes counted
#   send     `send DIR --concurrency 32 --json` of a folder of that fixture into the sink,
#            as bench/send.sh (per delivery: reading its file, signing, sending, two lines)
# Each is run with 1,000 and with N requests (ab -k -c8; send: that many files) and the
# difference divided by N - 1,000, so start-up and shutdown drop out.
#
#   bench/instructions.sh [N]
#
# HOOKLINE_BASELINE=/path/to/an/older/hookline: that build too. Under valgrind, sha2 finds
# no SHA extensions and hashes in software: the `listen` and `send` counts include that
# (~60,000 for listen's 1 KB body and send's fixture; the relayed case verifies nothing).
# Counts are user-space instructions only; the kernel's share (sockets, wake-ups) is in
# bench/listen-cpu.sh and bench/relay.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000}
SECRET=bench-secret-7f3c
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/sink/nginx.pid" ] && kill "$(cat "$WORK/sink/nginx.pid")"; rm -rf "$WORK"' EXIT

. bench/lib.sh
need valgrind valgrind
need ab apache2-utils
need nginx nginx
need curl curl
need python3 python3
need bc bc

cargo build --release --quiet --bin hookline
HOOKLINE=target/release/hookline
SIG=$(signed_body "$WORK" "$HOOKLINE" "$SECRET")
SINK="$(nginx_sink "$WORK/sink")"
export XDG_CONFIG_HOME=$WORK/config

wait_for() { for _ in $(seq 300); do grep -q "$1" "$2" 2>/dev/null && return; sleep 0.1; done; }
counted() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'; }

# listen_run BIN REQUESTS → instructions of that whole run
listen_run() {
  local port; port=$(free_port)
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.listen" \
    "$1" listen --port "$port" --secret "$SECRET" --json > /dev/null 2> "$WORK/vg.err" &
  local pid=$!
  for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  ab -q -k -n "$2" -c 8 -p "$WORK/body.json" -T application/json -H "X-Signature: $SIG" \
    "http://127.0.0.1:$port/" > "$WORK/ab.txt"
  grep -q "Non-2xx" "$WORK/ab.txt" && { echo "listen refused requests" >&2; exit 1; }
  callgrind_control -d "$pid" > /dev/null 2>&1
  kill "$pid"; wait "$pid" 2>/dev/null || true
  counted "$(ls "$WORK"/cg.listen.* | head -1)"
  rm -f "$WORK"/cg.listen*
}

# relayed_run BIN REQUESTS → "relay-instructions listen-instructions" of that whole run
relayed_run() {
  rm -rf "$XDG_CONFIG_HOME"
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.relay" \
    "$1" relay --port 0 2> "$WORK/relay.err" &
  local relay_pid=$!
  wait_for 'listening on' "$WORK/relay.err"
  local relay; relay=$(sed -n 's/^listening on //p' "$WORK/relay.err")
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.rlisten" \
    "$1" listen --port 0 --json --relay "$relay" --forward-to "$SINK" > /dev/null 2> "$WORK/listen.err" &
  local listen_pid=$!
  wait_for 'public URL' "$WORK/listen.err"
  local public; public=$(sed -n 's/^public URL: //p' "$WORK/listen.err")
  ab -q -k -n "$2" -c 8 -p fixtures/generic/job.completed.json -T application/json \
    "$public/hooks/job" > "$WORK/ab.txt"
  grep -q "Failed requests:        0" "$WORK/ab.txt" || { echo "relayed requests failed" >&2; exit 1; }
  callgrind_control -d "$relay_pid" > /dev/null 2>&1
  callgrind_control -d "$listen_pid" > /dev/null 2>&1
  kill "$relay_pid" "$listen_pid"; wait "$relay_pid" "$listen_pid" 2>/dev/null || true
  echo "$(counted "$(ls "$WORK"/cg.relay.* | head -1)") $(counted "$(ls "$WORK"/cg.rlisten.* | head -1)")"
  rm -f "$WORK"/cg.relay* "$WORK"/cg.rlisten*
}

# send_run BIN FILES → instructions of `send` of a folder of FILES fixtures
send_run() {
  local dir="$WORK/fixtures-$2"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    for i in $(seq -w 1 "$2"); do cp fixtures/generic/job.completed.json "$dir/job-$i.json"; done
  fi
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.send" "$1" send "$dir" \
    --to "$SINK/hooks" --secret "$SECRET" --concurrency 32 --json > "$WORK/send.out" 2> "$WORK/send.err"
  [ "$(grep -c '"result":"delivered"' "$WORK/send.out")" = "$2" ] || { echo "send: not all delivered" >&2; exit 1; }
  counted "$WORK/cg.send"
  rm -f "$WORK"/cg.send*
}

per_event() { echo "($2 - $1) / ($N - 1000)" | bc; }

measure() {
  local name=$1 bin=$2
  local l1 l2 r1 r2 s1 s2
  l1=$(listen_run "$bin" 1000); l2=$(listen_run "$bin" "$N")
  read -r r1 q1 <<<"$(relayed_run "$bin" 1000)"
  read -r r2 q2 <<<"$(relayed_run "$bin" "$N")"
  s1=$(send_run "$bin" 1000); s2=$(send_run "$bin" "$N")
  printf '%-9s listen %7d instructions/event | relayed: relay %7d, listen %7d, both %7d | send %7d per delivery\n' \
    "$name" "$(per_event "$l1" "$l2")" "$(per_event "$r1" "$r2")" "$(per_event "$q1" "$q2")" \
    "$(( $(per_event "$r1" "$r2") + $(per_event "$q1" "$q2") ))" "$(per_event "$s1" "$s2")"
}

measure "this" "$HOOKLINE"
[ -n "${HOOKLINE_BASELINE:-}" ] && measure "baseline" "$HOOKLINE_BASELINE"
exit 0
