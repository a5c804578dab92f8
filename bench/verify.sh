#!/usr/bin/env bash
# Throughput of `hookline verify` on a 256 MB body vs `openssl dgst -sha256 -hmac`, same run,
# same file (in the page cache for both), plus peak RSS. Runs twice: with the CPU's SHA
# extensions (SHA-NI) when it has them, and with them masked for both tools
# (OpenSSL via OPENSSL_ia32cap, hookline via sha2's software backend), as on CPUs without.
# Usage: bench/verify.sh [runs]      Needs: hyperfine, GNU time, openssl (installed if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
. "$root/bench/lib.sh"
need hyperfine hyperfine
need /usr/bin/time time
need openssl openssl

work=$root/target/bench
mkdir -p "$work"
body=$work/body-256M.bin
size=$((256 * 1024 * 1024))
[ "$(stat -c %s "$body" 2>/dev/null || echo 0)" = "$size" ] || head -c "$size" /dev/urandom >"$body"

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); sha_ni: $(grep -q -m1 sha_ni /proc/cpuinfo && echo yes || echo no)"
echo "openssl: $(openssl version)"

bench_pair() { # label hookline-binary openssl-env
  local label=$1 bin=$2 ossl_env=$3
  local sig
  sig=$("$bin" sign "$body" --secret bench-key | cut -d' ' -f2)
  hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/verify-$label.json" \
    -n openssl "env $ossl_env openssl dgst -sha256 -hmac bench-key $body" \
    -n hookline "$bin verify $body --secret bench-key --signature $sig" >/dev/null
  local rss_o rss_h
  rss_o=$( { env $ossl_env /usr/bin/time -f %M openssl dgst -sha256 -hmac bench-key "$body" >/dev/null; } 2>&1 )
  rss_h=$( { /usr/bin/time -f %M "$bin" verify "$body" --secret bench-key --signature "$sig" >/dev/null; } 2>&1 )
  python3 - "$work/verify-$label.json" "$size" "$label" "$rss_o" "$rss_h" <<'PY'
import json, sys
data, size, label, rss_o, rss_h = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
mbps = {}
for r in data["results"]:
    t = r["times"]
    mbps[r["command"]] = (size / 1e6 / r["median"], size / 1e6 / max(t), size / 1e6 / min(t))
o, h = mbps["openssl"], mbps["hookline"]
print(f"[{label}] openssl  {o[0]:7.0f} MB/s (spread {o[1]:.0f}-{o[2]:.0f})  peak RSS {int(rss_o)/1024:.1f} MB")
print(f"[{label}] hookline {h[0]:7.0f} MB/s (spread {h[1]:.0f}-{h[2]:.0f})  peak RSS {int(rss_h)/1024:.1f} MB")
print(f"[{label}] ratio hookline/openssl (medians): {h[0]/o[0]:.2f}x   target >= 0.90x, RSS <= 32 MB")
PY
}

cargo build --release -q --manifest-path "$root/Cargo.toml"
if grep -q -m1 sha_ni /proc/cpuinfo; then
  bench_pair sha-ni "$root/target/release/hookline" "OPENSSL_ia32cap=~0:~0"
fi
# Without SHA extensions: mask bit 29 of CPUID leaf 7 EBX for OpenSSL; build hookline with
# sha2's portable backend (what runtime detection picks on such a CPU).
RUSTFLAGS='--cfg sha2_256_backend="soft"' cargo build --release -q --manifest-path "$root/Cargo.toml" --target-dir "$work/soft"
bench_pair no-sha-ni "$work/soft/release/hookline" "OPENSSL_ia32cap=:~0x20000000"
