#!/usr/bin/env python3
"""Hostile clients for bench/abuse.sh, against a server on loopback only.

    attack.py ATTACK URL PID [--conns N] [--seconds S] [--probe URL] [--rounds N]

ATTACK is one of:
  slow-uploads  N connections each declare a 25 MiB body, send it as fast as the server
                reads it, then trickle one byte every 5 s
  idle-h2       N connections send the HTTP/2 preface and SETTINGS, then nothing
  channel-flood POST /channels as fast as one client can, N at a time

First 100 normal requests (POST --probe, default URL) warm the target up; its RSS then is
"idle". While the attack runs, a normal request is made every 50 ms on a fresh
connection, and the target's RSS (PID) is sampled. Prints one JSON object: RSS idle, peak
(sampled and the kernel's high-water mark) and 3 s after (also the anonymous part, without
code pages), the probes' latency p50/p99 and statuses.
"""
import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit

SETTINGS = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def rss_kib(pid, field="VmRSS:"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def addr(url):
    parts = urlsplit(url)
    return parts.hostname, parts.port, parts.path or "/"


async def request(url, body=b"{}", timeout=10.0):
    """One POST on a fresh connection: (status or None, seconds)."""
    host, port, path = addr(url)
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        writer.write(head + body)
        line = await asyncio.wait_for(reader.readline(), timeout)
        writer.close()
        status = int(line.split()[1]) if line else None
    except (OSError, asyncio.TimeoutError, ValueError, IndexError):
        status = None
    return status, time.perf_counter() - started


async def slow_upload(url, stop):
    host, port, path = addr(url)
    size = 25 << 20
    writer = None
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write((f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
                      f"Content-Length: {size}\r\n\r\n").encode())
        chunk = b"x" * 65536
        sent = 0
        # As fast as the server takes it, but 1 KiB short of the end, so the body is
        # never whole; a refusal ends it.
        while sent < size - 1024 and not stop.is_set():
            piece = chunk[: min(len(chunk), size - 1024 - sent)]
            writer.write(piece)
            sent += len(piece)
            try:
                await asyncio.wait_for(writer.drain(), 1.0)
            except asyncio.TimeoutError:
                break
        while not stop.is_set():
            writer.write(b"x")
            await writer.drain()
            try:
                await asyncio.wait_for(stop.wait(), 5.0)
            except asyncio.TimeoutError:
                pass
    except (OSError, asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        if writer is not None:
            writer.close()


async def idle_h2(url, stop):
    host, port, _ = addr(url)
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(SETTINGS)
        await writer.drain()
        await stop.wait()
        writer.close()
    except OSError:
        pass


async def channel_flood(url, stop, counts):
    base = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/channels"
    while not stop.is_set():
        status, _ = await request(base, b"")
        counts[status] = counts.get(status, 0) + 1


async def main():
    args = parse_args()
    for round_no in range(1, args.rounds + 1):
        await attack_once(args, round_no)


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("attack", choices=["slow-uploads", "idle-h2", "channel-flood"])
    ap.add_argument("url")
    ap.add_argument("pid", type=int)
    ap.add_argument("--conns", type=int, default=300)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--probe")
    ap.add_argument("--rounds", type=int, default=1,
                    help="attack the same process this many times (does memory ratchet up?)")
    return ap.parse_args()


async def attack_once(args, round_no):
    probe_url = args.probe or args.url

    # Idle means warmed up: the code paths of a normal request paged in once.
    for _ in range(100):
        await request(probe_url)
    await asyncio.sleep(1.5)
    idle, idle_anon = rss_kib(args.pid), rss_kib(args.pid, "RssAnon:")
    stop = asyncio.Event()
    counts = {}
    if args.attack == "slow-uploads":
        attackers = [slow_upload(args.url, stop) for _ in range(args.conns)]
    elif args.attack == "idle-h2":
        attackers = [idle_h2(args.url, stop) for _ in range(args.conns)]
    else:
        attackers = [channel_flood(args.url, stop, counts) for _ in range(args.conns)]
    tasks = [asyncio.ensure_future(a) for a in attackers]

    peak, latencies, statuses = idle, [], {}
    await asyncio.sleep(1.0)
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        status, took = await request(probe_url)
        latencies.append(took)
        statuses[status] = statuses.get(status, 0) + 1
        peak = max(peak, rss_kib(args.pid))
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait(tasks, timeout=10)
    await asyncio.sleep(3.0)
    after, after_anon = rss_kib(args.pid), rss_kib(args.pid, "RssAnon:")
    probe_after, _ = await request(probe_url)
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    print(json.dumps({
        "attack": args.attack, "round": round_no, "conns": args.conns,
        "rss_idle_mb": round(idle / 1024, 1), "rss_peak_mb": round(peak / 1024, 1),
        "rss_hwm_mb": round(rss_kib(args.pid, "VmHWM:") / 1024, 1),
        "rss_after_mb": round(after / 1024, 1),
        "anon_idle_mb": round(idle_anon / 1024, 1), "anon_after_mb": round(after_anon / 1024, 1),
        "probe_p50_ms": round(pct(0.50), 2), "probe_p99_ms": round(pct(0.99), 2),
        "probes": len(latencies), "probe_statuses": {str(k): v for k, v in statuses.items()},
        "probe_after": probe_after,
        "flood_statuses": {str(k): v for k, v in counts.items()},
    }))


if __name__ == "__main__":
    asyncio.run(main())
