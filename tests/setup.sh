#!/usr/bin/env bash
# What `cargo test` needs beyond Rust: a real forward proxy (tinyproxy) for tests/proxy.rs,
# nats-server for tests/relay_nats.rs, headless Chromium and chromedriver for tests/inspector.rs,
# and `script` (util-linux) for the terminal test. Installs them with apt-get when missing.
set -euo pipefail
missing=()
command -v tinyproxy >/dev/null || missing+=(tinyproxy)
command -v script >/dev/null || missing+=(bsdutils)
# NATS for the relays-over-NATS tests (tests/relay_nats.rs).
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
# A real browser for the inspector's tests (tests/inspector.rs).
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
