#!/usr/bin/env bash
# hookline listen vs adnanh's webhook vs a bare hyper server that only checks the HMAC,
# all driven by wrk with the same signed 1 KB JSON body, in one run. Repeated RUNS times.
#
#   bench/listen.sh [RUNS] [DURATION]     e.g. bench/listen.sh 3 10s
#
# With HOOKLINE_BASELINE=/path/to/an/older/hookline, the same run also measures that build
# (`listen --json`), for a before/after comparison on the same machine state.
#
# The inspector: listen --json with --inspect (no page open), and with its live stream
# open (curl reading /api/stream, what an open page holds), against listen --json alone.
#
# Prints requests/s and p99 latency per server and run, the ratios, and RSS. A calibration
# row, the bare server with 1 µs of busy CPU added per request, shows how much a little
# per-request work costs when wrk shares the server's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
DURATION=${2:-10s}
SECRET=bench-secret-7f3c
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

. bench/lib.sh
need wrk wrk
need webhook webhook
need curl curl
need bc bc
need python3 python3

cargo build --release --quiet --bin hookline --example bare_server
HOOKLINE=target/release/hookline
BARE=target/release/examples/bare_server

# A 1 KB JSON body and its generic signature.
SIG=$(signed_body "$WORK" "$HOOKLINE" "$SECRET")
cat > "$WORK/hooks.json" <<JSON
[{"id": "bench", "execute-command": "/bin/true", "response-message": "ok",
  "trigger-rule": {"match": {"type": "payload-hmac-sha256", "secret": "$SECRET",
    "parameter": {"source": "header", "name": "X-Signature"}}}}]
JSON

wait_port() { for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.05; done; echo "server on $1 did not start" >&2; exit 1; }
rss_kb() { awk '/^'"$2"':/ {print $2}' "/proc/$1/status"; }

# Checks a server answers the signed body with $3 and a tampered one with something else,
# so every server does the same work.
check() {
  local url=$1 want=$2
  got=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "X-Signature: $SIG" -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" "$url")
  bad=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "X-Signature: sha256=$(printf '0%.0s' $(seq 64))" -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" "$url")
  [ "$got" = "$want" ] && [ "$bad" != "$want" ] || { echo "$url: signed → $got, tampered → $bad (want $want / not $want)" >&2; exit 1; }
}

# run NAME URL WANT -- command…   → "NAME rps p99_ms idle_rss_kb peak_rss_kb"
run() {
  local name=$1 url=$2 want=$3; shift 4
  "$@" &
  local pid=$!
  wait_port "${url#http://127.0.0.1:}" 2>/dev/null || true
  sleep 0.3
  check "$url" "$want"
  local page=""
  if [ -n "${OPEN_PAGE:-}" ]; then
    curl -sN "$OPEN_PAGE/api/stream" > "$WORK/stream.txt" &
    page=$!
    sleep 0.2
  fi
  local idle; idle=$(rss_kb $pid VmRSS)
  wrk -t2 -c32 -d"$DURATION" --latency -s "$WORK/post.lua" "$url" > "$WORK/wrk.txt"
  local rps p99 peak
  rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v*=1000}; print v}' "$WORK/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.txt"); non2xx=${non2xx:-0}
  peak=$(rss_kb $pid VmHWM)
  [ -z "$page" ] || kill "$page" 2>/dev/null || true
  kill -TERM $pid; wait $pid 2>/dev/null || true
  [ "$non2xx" = 0 ] || { echo "$name: $non2xx non-2xx answers under load" >&2; exit 1; }
  echo "$name $rps $p99 $idle $peak"
}

printf '%-5s %-16s %10s %9s %9s %9s\n' run server req/s p99_ms idle_MB peak_MB
RATIOS_BARE=() RATIOS_WEBHOOK=() RATIOS_ROUTES=() RATIOS_INSPECT=() RATIOS_PAGE=()
ROUTES=""
for i in $(seq 10); do
  ROUTES="$ROUTES --forward-to event:other.$i.*=http://127.0.0.1:9/ --forward-to /nowhere/$i=http://127.0.0.1:9/"
done
for r in $(seq "$RUNS"); do
  p=$(free_port); res_bare=$(run bare "http://127.0.0.1:$p/" 202 -- $BARE "$p" "$SECRET" 2>/dev/null)
  # Calibration: the bare server with 1 µs of busy CPU added per request.
  p=$(free_port); res_bare1=$(run bare+1us "http://127.0.0.1:$p/" 202 -- env BARE_EXTRA_WORK_NS=1000 $BARE "$p" "$SECRET" 2>/dev/null)
  p=$(free_port); res_hl=$(run hookline-json "http://127.0.0.1:$p/" 202 -- sh -c "exec $HOOKLINE listen --port $p --secret $SECRET --json >/dev/null 2>&1")
  # 20 routes that do not match the request (event globs and path prefixes, no default):
  # what choosing a route costs.
  p=$(free_port); res_routes=$(run hookline-routes20 "http://127.0.0.1:$p/" 202 -- sh -c "exec $HOOKLINE listen --port $p --secret $SECRET --json $ROUTES >/dev/null 2>&1")
  p=$(free_port); ip=$(free_port); res_insp=$(run hookline-inspect "http://127.0.0.1:$p/" 202 -- sh -c "exec $HOOKLINE listen --port $p --secret $SECRET --json --inspect 127.0.0.1:$ip >/dev/null 2>&1")
  p=$(free_port); ip=$(free_port); res_page=$(OPEN_PAGE=http://127.0.0.1:$ip run hookline-page "http://127.0.0.1:$p/" 202 -- sh -c "exec $HOOKLINE listen --port $p --secret $SECRET --json --inspect 127.0.0.1:$ip >/dev/null 2>&1")
  events_seen=$(grep -c '^data:' "$WORK/stream.txt" || true)
  p=$(free_port); res_save=$(run hookline-save "http://127.0.0.1:$p/" 202 -- sh -c "exec $HOOKLINE listen --port $p --secret $SECRET --json --save $WORK/caps-$r >/dev/null 2>&1")
  p=$(free_port); res_human=$(run hookline-human "http://127.0.0.1:$p/" 202 -- sh -c "exec $HOOKLINE listen --port $p --secret $SECRET >$WORK/human.txt 2>&1")
  if [ -n "${HOOKLINE_BASELINE:-}" ]; then
    p=$(free_port); res_base=$(run baseline-json "http://127.0.0.1:$p/" 202 -- sh -c "exec $HOOKLINE_BASELINE listen --port $p --secret $SECRET --json >/dev/null 2>&1")
    read -r _ base_rps _ _ _ <<<"$res_base"
  fi
  p=$(free_port); res_wh=$(run webhook "http://127.0.0.1:$p/hooks/bench" 200 -- webhook -hooks "$WORK/hooks.json" -ip 127.0.0.1 -port "$p" -nopanic)
  for res in "$res_bare" "$res_bare1" "$res_hl" "$res_insp" "$res_page" "$res_routes" "$res_save" "$res_human" ${res_base:+"$res_base"} "$res_wh"; do
    read -r n rps p99 idle peak <<<"$res"
    printf '%-5s %-16s %10.0f %9.2f %9.1f %9.1f\n' "$r" "$n" "$rps" "$p99" "$(echo "$idle/1024" | bc -l)" "$(echo "$peak/1024" | bc -l)"
  done
  read -r _ bare_rps bare_p99 _ _ <<<"$res_bare"
  read -r _ hl_rps hl_p99 _ _ <<<"$res_hl"
  read -r _ save_rps _ _ _ <<<"$res_save"
  read -r _ routes_rps _ _ _ <<<"$res_routes"
  printf '      20 routes / none (listen --json): %.2fx\n' "$(echo "$routes_rps/$hl_rps" | bc -l)"
  RATIOS_ROUTES+=("$(echo "$routes_rps/$hl_rps" | bc -l)")
  read -r _ insp_rps _ _ _ <<<"$res_insp"
  read -r _ page_rps _ _ _ <<<"$res_page"
  printf '      inspector on / off: %.2fx, with its live stream open: %.2fx (%s events streamed)\n' \
    "$(echo "$insp_rps/$hl_rps" | bc -l)" "$(echo "$page_rps/$hl_rps" | bc -l)" "$events_seen"
  RATIOS_INSPECT+=("$(echo "$insp_rps/$hl_rps" | bc -l)")
  RATIOS_PAGE+=("$(echo "$page_rps/$hl_rps" | bc -l)")
  read -r _ human_rps _ _ _ <<<"$res_human"
  read -r _ wh_rps _ _ _ <<<"$res_wh"
  read -r _ bare1_rps _ _ _ <<<"$res_bare1"
  printf '      ratios: (bare+1us)/bare %.2fx  hookline/webhook %.1fx  hookline/bare %.2fx  p99 hookline/bare %.2fx  --save/json %.2fx  human/json %.2fx\n' \
    "$(echo "$bare1_rps/$bare_rps" | bc -l)" "$(echo "$hl_rps/$wh_rps" | bc -l)" "$(echo "$hl_rps/$bare_rps" | bc -l)" "$(echo "$hl_p99/$bare_p99" | bc -l)" \
    "$(echo "$save_rps/$hl_rps" | bc -l)" "$(echo "$human_rps/$hl_rps" | bc -l)"
  [ -z "${base_rps:-}" ] || printf '      this build / baseline (listen --json): %.2fx\n' "$(echo "$hl_rps/$base_rps" | bc -l)"
  RATIOS_BARE+=("$(echo "$hl_rps/$bare_rps" | bc -l)")
  RATIOS_WEBHOOK+=("$(echo "$hl_rps/$wh_rps" | bc -l)")
done

# The machine is shared: judge by the median over runs, and show the spread.
summary() { printf '%s\n' "${@:2}" | sort -g | awk -v name="$1" '{v[NR]=$1} END {
  m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
  printf "median over %d runs: %s %.2fx (min %.2fx, max %.2fx)\n", NR, name, m, v[1], v[NR]}'; }
summary hookline/bare "${RATIOS_BARE[@]}"
summary hookline/webhook "${RATIOS_WEBHOOK[@]}"
summary "20 routes/none" "${RATIOS_ROUTES[@]}"
summary "inspector on/off" "${RATIOS_INSPECT[@]}"
summary "inspector with a page open/off" "${RATIOS_PAGE[@]}"
