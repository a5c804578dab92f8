#!/usr/bin/env bash
# hookline send vs curl (one signed fixture), and 5,000 fixtures at concurrency 32 vs wrk,
# all against the same nginx sink answering 202, in one run. Repeated RUNS times.
#
#   bench/send.sh [RUNS]
#
# HOOKLINE_BASELINE=/path/to/an/older/hookline: also time that build's 5,000 at c32.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SECRET=bench-secret-7f3c
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT

. bench/lib.sh
need nginx nginx
need hyperfine hyperfine
need wrk wrk
need curl curl
need bc bc
need jq jq
need /usr/bin/time time

cargo build --release --quiet --bin hookline
HOOKLINE=$PWD/target/release/hookline

URL="$(nginx_sink "$WORK")/hooks"

FIXTURE=fixtures/generic/job.completed.json
SIG=$($HOOKLINE sign "$FIXTURE" --secret "$SECRET" | sed 's/^X-Signature: //')
[ "$($HOOKLINE send "$FIXTURE" --to "$URL" --secret "$SECRET" --json 2>/dev/null | jq -r 'select(.type=="result") | .result')" = delivered ]

mkdir -p "$WORK/many"
for i in $(seq -w 1 5000); do cp "$FIXTURE" "$WORK/many/job-$i.json"; done
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("$FIXTURE", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Signature"] = "sha256=$SIG"
LUA

for r in $(seq "$RUNS"); do
  hyperfine -N -w 5 -r 50 --export-json "$WORK/one.json" \
    "curl -s -o /dev/null -X POST --data-binary @$FIXTURE -H 'Content-Type: application/json' -H 'X-Signature: sha256=$SIG' $URL" \
    "$HOOKLINE send $FIXTURE --to $URL --secret $SECRET --json" >/dev/null
  curl_ms=$(jq '.results[0].median * 1000' "$WORK/one.json")
  hl_ms=$(jq '.results[1].median * 1000' "$WORK/one.json")

  start=$(date +%s.%N)
  /usr/bin/time -o "$WORK/send.cpu" -f '%U %S' \
    $HOOKLINE send "$WORK/many" --to "$URL" --secret "$SECRET" --concurrency 32 --json > "$WORK/many.jsonl" 2>/dev/null
  end=$(date +%s.%N)
  send_us=$(awk '{print ($1 + $2) * 1000000 / 5000}' "$WORK/send.cpu")
  delivered=$(jq -r 'select(.type=="result" and .result=="delivered") | 1' "$WORK/many.jsonl" | wc -l)
  [ "$delivered" = 5000 ] || { echo "only $delivered of 5000 delivered" >&2; exit 1; }
  hl_rps=$(echo "5000 / ($end - $start)" | bc -l)
  # Where the time went: start to the first attempt (process start, listing and reading
  # the 5,000 files, signing set-up), then the deliveries themselves.
  read -r to_first phase_rps <<<"$(python3 - "$start" "$WORK/many.jsonl" <<'PY'
import datetime, json, sys
ats = [datetime.datetime.fromisoformat(d["at"].replace("Z", "+00:00")).timestamp()
       for d in map(json.loads, open(sys.argv[2])) if d["type"] == "attempt"]
print(f"{(min(ats) - float(sys.argv[1])) * 1000:.0f} {5000 / max(max(ats) - min(ats), 0.001):.0f}")
PY
)"
  /usr/bin/time -o "$WORK/wrk.cpu" -f '%U %S' wrk -t2 -c32 -d5s -s "$WORK/post.lua" "$URL" > "$WORK/wrk.txt"
  wrk_rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  wrk_us=$(awk -v n="$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")" '{print ($1 + $2) * 1000000 / n}' "$WORK/wrk.cpu")

  printf 'run %s: one fixture  curl %.2f ms  hookline %.2f ms  ratio %.2fx | 5000 at c32  hookline %.0f req/s  wrk %.0f req/s  ratio %.2fx\n' \
    "$r" "$curl_ms" "$hl_ms" "$(echo "$hl_ms/$curl_ms" | bc -l)" "$hl_rps" "$wrk_rps" "$(echo "$hl_rps/$wrk_rps" | bc -l)"
  printf '       of which: %s ms to the first attempt, then %s deliveries/s (%.2fx wrk) · CPU per request: send %.1f us (all of it), wrk %.1f us\n' \
    "$to_first" "$phase_rps" "$(echo "$phase_rps/$wrk_rps" | bc -l)" "$send_us" "$wrk_us"
  if [ -n "${HOOKLINE_BASELINE:-}" ]; then
    start=$(date +%s.%N)
    $HOOKLINE_BASELINE send "$WORK/many" --to "$URL" --secret "$SECRET" --concurrency 32 --json > /dev/null 2>&1
    end=$(date +%s.%N)
    base_rps=$(echo "5000 / ($end - $start)" | bc -l)
    printf '       baseline 5000 at c32  %.0f req/s · this build / baseline %.2fx\n' "$base_rps" "$(echo "$hl_rps/$base_rps" | bc -l)"
  fi
done
