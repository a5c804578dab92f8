#!/usr/bin/env bash
# The steps of docs/ci.md, run as they are written there (tests/ci.rs runs this script).
# Where docs/ci.md starts "your app", this script starts a stand-in: `hookline send` as
# the sender under test, `hookline listen` as the receiver under test.
set -euo pipefail
FIXTURES=${FIXTURES:-fixtures}
export HOOKLINE_SECRET=whsec_c2VjcmV0LWZvci1jaS1yZWNpcGU=

wait_for() { # FILE: wait up to 10 s for it to appear
  for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "recipe: $1 never appeared" >&2; return 1
}

# 1. Assert what a sender emits: three signed events, each valid and answered 2xx.
hookline listen --port 0 --expect 3 --timeout 60s --url-file hook-url \
  --save captures --json > events.jsonl &
listener=$!
wait_for hook-url
# your app sends its webhooks to "$(cat hook-url)/hooks"; here, a stand-in:
hookline send "$FIXTURES/generic/job.completed.json" "$FIXTURES/github/push.json" \
  "$FIXTURES/stripe/payment_intent.succeeded.json" --to "$(cat hook-url)/hooks" --json > /dev/null
wait "$listener"            # exit 0 only if the expectation was met

# 2. Verify what was saved (an artifact of the run).
hookline verify captures --json > verdicts.jsonl

# 3. Probe a receiver: does it reject forged, tampered and stale deliveries?
# your app listens on a port; here, a stand-in:
hookline listen --port 0 --url-file app-url > /dev/null 2>&1 &
app=$!
wait_for app-url
hookline probe "$(cat app-url)/webhooks/stripe" --scheme stripe --junit probe.xml
kill "$app"

[ "$(wc -l < verdicts.jsonl)" -eq 3 ] && grep -q '<testsuite' probe.xml
echo "recipe: all three checks passed"
