#!/usr/bin/env bash
# hookline replay of 20,000 captures (one JSON-lines file) at --concurrency 32 into an
# nginx sink answering 202, against wrk -c32 posting the same body to the same sink, in one
# run; then the peak RSS of replaying a 1 GB JSON-lines file. Repeated RUNS times.
#
#   bench/replay.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
WORK=$(mktemp -d)
trap '[ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT

. bench/lib.sh
need nginx nginx
need wrk wrk
need curl curl
need bc bc
need python3 python3
need /usr/bin/time time

cargo build --release --quiet --bin hookline
HOOKLINE=$PWD/target/release/hookline
# HOOKLINE_BASELINE=/path/to/an/older/hookline: also time that build on the same captures.

URL="$(nginx_sink "$WORK")"

# 20,000 captures of the job.completed fixture, as `listen --json` writes them; and a
# 1 GB file of 10 KB bodies.
python3 - "$WORK" fixtures/generic/job.completed.json <<'PY'
import json, sys
work, fixture = sys.argv[1], sys.argv[2]
body = open(fixture).read()
line = json.dumps({"hookline": 1, "method": "POST", "path": "/hooks/job",
                   "headers": [["content-type", "application/json"], ["x-event", "job.completed"]],
                   "body": body}, separators=(",", ":"))
with open(f"{work}/20k.jsonl", "w") as f:
    for _ in range(20000):
        f.write(line + "\n")
big = json.dumps({"hookline": 1, "method": "POST", "path": "/big", "headers": [],
                  "body": "x" * 10000}, separators=(",", ":"))
with open(f"{work}/1g.jsonl", "w") as f:
    for _ in range((1 << 30) // (len(big) + 1)):
        f.write(big + "\n")
PY
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("fixtures/generic/job.completed.json", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Event"] = "job.completed"
LUA

for r in $(seq "$RUNS"); do
  start=$(date +%s.%N)
  $HOOKLINE replay "$WORK/20k.jsonl" --to "$URL" --concurrency 32 --json > "$WORK/out.jsonl" 2>/dev/null
  end=$(date +%s.%N)
  delivered=$(grep -c '"result":"delivered"' "$WORK/out.jsonl")
  [ "$delivered" = 20000 ] || { echo "only $delivered of 20000 delivered" >&2; exit 1; }
  hl_rps=$(echo "20000 / ($end - $start)" | bc -l)
  wrk_rps=$(wrk -t2 -c32 -d5s -s "$WORK/post.lua" "$URL/hooks/job" | awk '/^Requests\/sec/ {print $2}')
  printf 'run %s: 20k at c32  hookline %.0f req/s  wrk %.0f req/s  ratio %.2fx\n' \
    "$r" "$hl_rps" "$wrk_rps" "$(echo "$hl_rps/$wrk_rps" | bc -l)"
  if [ -n "${HOOKLINE_BASELINE:-}" ]; then
    start=$(date +%s.%N)
    $HOOKLINE_BASELINE replay "$WORK/20k.jsonl" --to "$URL" --concurrency 32 --json > /dev/null 2>&1
    end=$(date +%s.%N)
    base_rps=$(echo "20000 / ($end - $start)" | bc -l)
    printf '       baseline build %.0f req/s: this build / baseline %.2fx\n' "$base_rps" "$(echo "$hl_rps/$base_rps" | bc -l)"
  fi
done

lines=$(wc -l < "$WORK/1g.jsonl")
/usr/bin/time -f '%M' -o "$WORK/rss" $HOOKLINE replay "$WORK/1g.jsonl" --to "$URL" --concurrency 32 --json > /dev/null 2>&1
printf '1 GB JSON lines (%s requests of 10 KB): peak RSS %.1f MB\n' "$lines" "$(echo "$(cat "$WORK/rss")/1024" | bc -l)"
