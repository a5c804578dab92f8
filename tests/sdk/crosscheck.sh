#!/usr/bin/env bash
# `hookline sign` output, pasted into `curl -H`, must be accepted by each provider's
# official verification library; a tampered body must be rejected.
# Usage: tests/sdk/crosscheck.sh [path/to/hookline]   (installs the SDKs into target/sdk)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
hookline=${1:-$root/target/debug/hookline}
sdk=$root/target/sdk
mkdir -p "$sdk"
if [ ! -x "$sdk/venv/bin/python" ]; then python3 -m venv "$sdk/venv"; fi
"$sdk/venv/bin/pip" install -q -r "$root/tests/sdk/requirements.txt"
if [ ! -d "$root/tests/sdk/node_modules/@octokit/webhooks-methods" ]; then
  (cd "$root/tests/sdk" && npm install --silent --no-audit --no-fund >/dev/null)
fi

export SDK_SECRET_STRIPE=whsec_crosscheck_stripe_secret
export SDK_SECRET_STANDARD=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
export SDK_SECRET_SLACK=8f742231b10e8888abcd99yyyzzz85a5
export SDK_SECRET_GITHUB="It's a Secret to Everybody"
export SDK_SECRET_SHOPIFY=shpss_crosscheck_secret

portfile=$(mktemp)
"$sdk/venv/bin/python" "$root/tests/sdk/receiver.py" >"$portfile" 2>"$sdk/receiver.log" &
receiver=$!
trap 'kill $receiver 2>/dev/null; rm -f "$portfile"' EXIT
for _ in $(seq 50); do [ -s "$portfile" ] && break; sleep 0.1; done
port=$(cat "$portfile")

failures=0
check() { # scheme fixture
  local scheme=$1 fixture=$root/fixtures/$2 var=SDK_SECRET_${1^^}
  local headers=() line
  while IFS= read -r line; do headers+=(-H "$line"); done < <("$hookline" sign "$fixture" --scheme "$scheme" --secret "${!var}")
  local good bad
  good=$(curl -s -o /dev/null -w '%{http_code}' "${headers[@]}" --data-binary "@$fixture" "http://127.0.0.1:$port/$scheme")
  bad=$( (cat "$fixture"; printf ' ') | curl -s -o /dev/null -w '%{http_code}' "${headers[@]}" --data-binary @- "http://127.0.0.1:$port/$scheme")
  printf '%-9s %-40s signed: %s  tampered: %s\n' "$scheme" "$2" "$good" "$bad"
  if [ "$good" != 204 ] || [ "$bad" != 401 ]; then failures=$((failures + 1)); fi
}
check github   github/push.json
check github   github/pull_request.json
check github   github/workflow_run.json
check stripe   stripe/payment_intent.succeeded.json
check stripe   stripe/checkout.session.completed.json
check stripe   stripe/invoice.paid.json
check standard standard/invoice.paid.json
check slack    slack/event_callback.json
check slack    slack/slash_command.form
check slack    slack/url_verification.json
check shopify  shopify/orders-create.json
check stripe   generic/job.completed.json
if [ "$failures" -ne 0 ]; then
  echo "crosscheck: $failures scheme(s) not accepted by the official library; see $sdk/receiver.log" >&2
  exit 1
fi
echo "crosscheck: every signature accepted by the official library, every tampered body rejected"
