#!/usr/bin/env python3
"""Tenant churn, the way a test suite that gives each test a tenant drives the sandbox:
rounds of creating tenants from the default scenario and deleting them all. Prints RSS
before, after the creations and after the deletions of each round, and the footprint
of one tenant (ARCHITECTURE.md, "Memory").

    bench/churn.py [--binary PATH] [--rounds 8] [--tenants 200] [--env NAME=VALUE ...]

`--binary` measures another build (an allocator variant); `--env` passes settings such
as MALLOC_ARENA_MAX=1. Loopback only; it stops by itself and kills what it started.
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
from soak import Client  # noqa: E402


def run(server, names, method, workers):
    """Sends `method` for each tenant name, from `workers` keep-alive connections."""
    chunks = [names[i::workers] for i in range(workers)]
    failures = []

    def work(chunk):
        client = Client(server)
        for name in chunk:
            if method == "POST":
                status, _ = client.call("POST", "/_sandbox/tenants",
                                        json.dumps({"id": name, "scenario": "default"}))
            else:
                status, _ = client.call("DELETE", "/_sandbox/tenants/" + name)
            if status not in (200, 201, 204):
                failures.append((name, status))

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"churn: {len(failures)} {method} failed, first {failures[0]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", type=Path, default=bench.SANDBOX)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--settle", type=float, default=0.25,
                        help="seconds to wait after the deletions before reading RSS "
                             "(the sandbox purges freed memory 100 ms after a delete)")
    args = parser.parse_args()
    env = dict(os.environ)
    env.update(item.split("=", 1) for item in args.env)
    server = bench.start_sandbox(binary=args.binary, env=env)
    try:
        start = server.rss_mb()
        rows, timings = [], []
        for r in range(args.rounds):
            names = [f"churn-{r}-{i}" for i in range(args.tenants)]
            began = time.perf_counter()
            run(server, names, "POST", args.workers)
            created = time.perf_counter()
            full = server.rss_mb()
            run(server, names, "DELETE", args.workers)
            timings.append(((created - began) * 1000 / args.tenants,
                            (time.perf_counter() - created) * 1000 / args.tenants))
            time.sleep(args.settle)
            rows.append((r + 1, full, server.rss_mb()))
            bench.log(f"churn: round {r + 1}: {full:.1f} MiB with {args.tenants} tenants, "
                      f"{rows[-1][2]:.1f} MiB after deleting them")
    finally:
        server.stop()
    print(f"binary {args.binary.name}, env {' '.join(args.env) or '-'}, settle {args.settle:g} s: "
          f"RSS at start {start:.1f} MiB")
    print("| round | RSS with tenants (MiB) | RSS after delete (MiB) |")
    print("|---:|---:|---:|")
    for r, full, after in rows:
        print(f"| {r} | {full:.1f} | {after:.1f} |")
    first, last = rows[0], rows[-1]
    per_tenant = (first[1] - start) * 1024 / args.tenants
    print(f"\nfootprint: {per_tenant:.0f} KiB a tenant (round 1); after delete: round 1 "
          f"{first[2]:.1f} MiB, round {last[0]} {last[2]:.1f} MiB "
          f"(growth {(last[2] - first[2]) / max(1, last[0] - first[0]):.2f} MiB a round)")
    create = sorted(c for c, _ in timings)[len(timings) // 2]
    delete = sorted(d for _, d in timings)[len(timings) // 2]
    print(f"wall time a tenant ({args.workers} clients, median round): create {create:.2f} ms, "
          f"delete {delete:.2f} ms")


if __name__ == "__main__":
    main()
