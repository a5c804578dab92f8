#!/usr/bin/env bash
# hookline probe and listen --expect, measured:
# 1. the probe suite without large-body against `hookline listen` (hyperfine), beside curl
#    making the same 13 requests one after another (one curl process, `--next`), in one run;
# 2. `listen --expect 1000` with 1,000 signed events sent at c8: how long after the last
#    answer listen exits;
# 3. the probe run against adnanh's webhook (Debian `webhook`) with a payload-hmac-sha256
#    rule: what a real third-party receiver gets.
#
#   bench/probe.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

. bench/lib.sh
need hyperfine hyperfine
need curl curl
need webhook webhook
need jq jq
need bc bc

cargo build --release --quiet --bin hookline
HL=$PWD/target/release/hookline
SECRET=whsec_YmVuY2gtcHJvYmUtc2VjcmV0
CASES=valid,tampered-body,missing-signature,malformed-signature,wrong-secret,stale-timestamp,future-timestamp,odd-json,header-case,redelivery,rotation

wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.05; done; echo "$1 never appeared" >&2; exit 1; }

$HL listen --port 0 --secret "$SECRET" --secret "${SECRET}Mg" --url-file "$WORK/url" > /dev/null 2>&1 &
wait_file "$WORK/url"
URL="$(cat "$WORK/url")/hooks"
PROBE="$HL probe $URL --scheme stripe --secret $SECRET --secret ${SECRET}Mg --only $CASES --json"
$PROBE > "$WORK/probe.jsonl" 2>/dev/null
requests=$(jq '.got | length' "$WORK/probe.jsonl" | paste -sd+ | bc)
[ "$(jq -r .verdict "$WORK/probe.jsonl" | sort -u)" = pass ] || { echo "probe did not pass against hookline listen" >&2; exit 1; }

# The same number of requests from one curl process, one after another.
BODY=$(printf '{"id":"evt_1","type":"probe.check"}')
SIG=$($HL sign - --scheme stripe --secret "$SECRET" <<<"$BODY" | sed -n 's/^Stripe-Signature: //p')
# A curl config file: one process, no shell, `next` between requests.
for i in $(seq "$requests"); do
  [ "$i" -gt 1 ] && echo next
  printf 'silent\noutput = "/dev/null"\nrequest = "POST"\nheader = "Stripe-Signature: %s"\nheader = "Content-Type: application/json"\ndata-binary = "%s"\nurl = "%s"\n' \
    "$SIG" "$(sed 's/"/\\"/g' <<<"$BODY")" "$URL"
done > "$WORK/curl.cfg"

for r in $(seq "$RUNS"); do
  hyperfine -N -w 3 -r 30 --export-json "$WORK/h.json" "$PROBE" "curl -K $WORK/curl.cfg" > /dev/null 2>&1
  probe_ms=$(jq '.results[0].median * 1000' "$WORK/h.json")
  curl_ms=$(jq '.results[1].median * 1000' "$WORK/h.json")
  printf 'run %s: probe suite (%s requests, no large-body)  probe %.1f ms  curl %.1f ms  probe/curl %.2fx\n' \
    "$r" "$requests" "$probe_ms" "$curl_ms" "$(echo "$probe_ms/$curl_ms" | bc -l)"
done

# listen --expect 1000: exit after the last answer.
mkdir -p "$WORK/many"
for i in $(seq -w 1 1000); do printf '{"n":"%s"}' "$i" > "$WORK/many/e$i.json"; done
for r in $(seq "$RUNS"); do
  rm -f "$WORK/url2"
  $HL listen --port 0 --secret "$SECRET" --expect 1000 --timeout 60s --json --url-file "$WORK/url2" > /dev/null 2>&1 &
  listener=$!
  wait_file "$WORK/url2"
  $HL send "$WORK/many" --to "$(cat "$WORK/url2")/hooks" --secret "$SECRET" --concurrency 8 --json > /dev/null 2>&1
  sent=$(date +%s.%N)
  wait "$listener"
  exited=$(date +%s.%N)
  printf 'run %s: listen --expect 1000 (sent at c8): exit %.1f ms after the last answer\n' "$r" "$(echo "($exited - $sent) * 1000" | bc -l)"
done

# adnanh's webhook with an HMAC rule on X-Signature, probed with the generic scheme.
port=$(free_port)
cat > "$WORK/hooks.json" <<JSON
[{"id": "probe", "execute-command": "/bin/true", "response-message": "ok",
  "trigger-rule": {"match": {"type": "payload-hmac-sha256", "secret": "$SECRET",
    "parameter": {"source": "header", "name": "X-Signature"}}}}]
JSON
webhook -hooks "$WORK/hooks.json" -ip 127.0.0.1 -port "$port" -nopanic > "$WORK/webhook.log" 2>&1 &
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
echo "adnanh/webhook $(webhook -version 2>&1 | head -1) with a payload-hmac-sha256 rule:"
$HL probe "http://127.0.0.1:$port/hooks/probe" --secret "$SECRET" --color never || true
