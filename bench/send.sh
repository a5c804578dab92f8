#!/usr/bin/env bash
# hookline send vs curl (one signed fixture), and 5,000 fixtures at concurrency 32 vs wrk,
# all against the same nginx sink answering 202, in one run. Repeated RUNS times.
#
# wrk posts one body it holds in memory; send reads 5,000 files first, then signs, sends
# and reports each. For a peer of send's own shape the same run also times
# `curl --parallel --parallel-max 32` posting the same 5,000 files (one config entry per
# file, a line written per transfer; the signature precomputed, as curl cannot sign).
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
for f in "$WORK"/many/*.json; do
  printf 'url = "%s"\ndata-binary = "@%s"\nheader = "Content-Type: application/json"\nheader = "X-Signature: sha256=%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nnext\n' "$URL" "$f" "$SIG"
done | head -n -1 > "$WORK/curl.cfg"
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

  # Each 5,000-file run takes a tenth of a second: timed 10 times after 2 warm-ups (the
  # median; CPU = user + system per request), since a run after an idle spell on this VM
  # pays for paged-out code and file pages (2-3x slower) and would measure that instead.
  base_cmd=()
  [ -n "${HOOKLINE_BASELINE:-}" ] && base_cmd=("$HOOKLINE_BASELINE send $WORK/many --to $URL --secret $SECRET --concurrency 32 --json")
  hyperfine -N -w 2 -r 10 --export-json "$WORK/many.json" \
    "$HOOKLINE send $WORK/many --to $URL --secret $SECRET --concurrency 32 --json" \
    "curl -s --parallel --parallel-immediate --parallel-max 32 -K $WORK/curl.cfg" \
    "${base_cmd[@]}" > /dev/null 2>&1
  # Per command: req/s from the median time, CPU per request from the mean user + system.
  read -r hl_rps send_us curlz_rps curlz_us base_rps _ <<<"$(jq -r '[.results[] | (5000 / .median), ((.user + .system) * 1000000 / 5000)] | map(tostring) | join(" ")' "$WORK/many.json")"

  # One more run, for its output: every delivery made, and where the time went (start to
  # the first attempt: process start, listing and reading the files; then the deliveries).
  start=$(date +%s.%N)
  $HOOKLINE send "$WORK/many" --to "$URL" --secret "$SECRET" --concurrency 32 --json > "$WORK/many.jsonl" 2>/dev/null
  delivered=$(jq -r 'select(.type=="result" and .result=="delivered") | 1' "$WORK/many.jsonl" | wc -l)
  [ "$delivered" = 5000 ] || { echo "only $delivered of 5000 delivered" >&2; exit 1; }
  read -r to_first phase_rps <<<"$(python3 - "$start" "$WORK/many.jsonl" <<'PY'
import datetime, json, sys
ats = [datetime.datetime.fromisoformat(d["at"].replace("Z", "+00:00")).timestamp()
       for d in map(json.loads, open(sys.argv[2])) if d["type"] == "attempt"]
print(f"{(min(ats) - float(sys.argv[1])) * 1000:.0f} {5000 / max(max(ats) - min(ats), 0.001):.0f}")
PY
)"
  curl -s --parallel --parallel-immediate --parallel-max 32 -K "$WORK/curl.cfg" > "$WORK/curl.out" 2>/dev/null
  [ "$(grep -c '^202$' "$WORK/curl.out")" = 5000 ] || { echo "curl: not 5000 answers of 202" >&2; exit 1; }

  /usr/bin/time -o "$WORK/wrk.cpu" -f '%U %S' wrk -t2 -c32 -d5s -s "$WORK/post.lua" "$URL" > "$WORK/wrk.txt"
  wrk_rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  wrk_us=$(awk -v n="$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")" '{print ($1 + $2) * 1000000 / n}' "$WORK/wrk.cpu")

  printf 'run %s: one fixture  curl %.2f ms  hookline %.2f ms  ratio %.2fx | 5000 at c32  hookline %.0f req/s  wrk %.0f req/s  ratio %.2fx\n' \
    "$r" "$curl_ms" "$hl_ms" "$(echo "$hl_ms/$curl_ms" | bc -l)" "$hl_rps" "$wrk_rps" "$(echo "$hl_rps/$wrk_rps" | bc -l)"
  printf '       of which: %s ms to the first attempt, then %s deliveries/s (%.2fx wrk) · CPU per request: send %.1f us (all of it), wrk %.1f us\n' \
    "$to_first" "$phase_rps" "$(echo "$phase_rps/$wrk_rps" | bc -l)" "$send_us" "$wrk_us"
  printf '       same shape: curl --parallel-max 32 of the 5,000 files %.0f req/s, CPU %.1f us per request · send / curl %.2fx\n' \
    "$curlz_rps" "$curlz_us" "$(echo "$hl_rps/$curlz_rps" | bc -l)"
  if [ -n "${HOOKLINE_BASELINE:-}" ]; then
    printf '       baseline 5000 at c32  %.0f req/s · this build / baseline %.2fx\n' "$base_rps" "$(echo "$hl_rps/$base_rps" | bc -l)"
  fi
done
