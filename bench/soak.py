#!/usr/bin/env python3
"""The driver of bench/soak: runs the release sandbox under mixed traffic from several
tenants for a fixed time, abusive inputs and tenant create/delete churn included, and
prints its RSS once a minute and the slope after warm-up (README "Performance").

Long-lived tenants get reads and abusive requests; writes go to short-lived tenants that
are created, used and deleted, as a test suite does, so whatever memory stays is the
sandbox's own.

Loopback only; it stops by itself after --minutes and kills what it started.
"""

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the shared helpers: Process, request, sign_pool)

HC_BODY = json.dumps({"business_type": 1, "page": 1, "size": 10})


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, server):
        self.server, self.conn = server, None

    def call(self, method, path, body=None, headers=None):
        payload = None if body is None else (body if isinstance(body, bytes) else body.encode())
        all_headers = {"content-type": "application/json"} if payload is not None else {}
        all_headers.update(headers or {})
        for _ in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.server.host, self.server.port,
                                                           timeout=30)
                self.conn.request(method, path, body=payload, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return response.status, data
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
        return 0, b""


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_kind = {}
        self.server_errors = 0

    def add(self, kind, status):
        with self.lock:
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
            if status >= 500 and kind not in ("abuse",):
                self.server_errors += 1


def interlace_token(client, tenant):
    headers = {"X-Sandbox-Tenant": tenant}
    _, code = client.call("GET", "/open-api/oauth/authorize?clientId=il_sandbox_client",
                          headers=headers)
    code = json.loads(code or b"{}").get("code", "")
    _, token = client.call("POST", "/open-api/oauth/access-token", json.dumps({
        "clientId": "il_sandbox_client", "clientSecret": "il_sandbox_secret", "code": code}),
        headers)
    return json.loads(token or b"{}").get("accessToken", "")


def worker(server, tenants, pool, stop, counters, seed):
    rng = random.Random(seed)
    client = Client(server)
    tokens = {}
    churn = 0
    while not stop.is_set():
        tenant = rng.choice(tenants)
        roll = rng.random()
        if roll < 0.25:
            token = tokens.get(tenant) or interlace_token(client, tenant)
            tokens[tenant] = token
            inventory = "/_sandbox/tenants/" + tenant
            status, body = client.call("GET", inventory)
            accounts = json.loads(body or b"{}").get("inventory", {}).get("interlace", {}).get(
                "accounts", [])
            account = accounts[0] if accounts else "none"
            status, _ = client.call("GET", f"/open-api/v3/cards/wallets?accountId={account}",
                                    headers={"x-access-token": token})
            counters.add("interlace read", status)
        elif roll < 0.45:
            status, _ = client.call("POST", "/card-api/v1/balance/change/records",
                                    json.dumps({"cursor": "", "limit": 10,
                                                "fund_type_list": ["20"]}),
                                    {"Authorization": bench.OPC_TOKEN, "X-Sandbox-Tenant": tenant})
            counters.add("opcard read", status)
        elif roll < 0.60:
            signed = pool.take()
            if signed is None:
                continue
            timestamp, nonce, signature = signed
            status, _ = client.call("POST", bench.HC_PATH, HC_BODY, {
                "timestamp": str(timestamp), "nonce": nonce, "api-key": bench.API_KEY,
                "version": "1.0", "signature": signature, "X-Sandbox-Tenant": tenant})
            counters.add("hypercard signed read", status)
        elif roll < 0.93:
            kind = rng.randrange(6)
            if kind == 0:
                status, _ = client.call(f"X{rng.randrange(10**9)}", f"/nowhere/{rng.random()}")
            elif kind == 1:
                status, _ = client.call("GET", "/open-api/v3/cards?" + "q" * 60_000,
                                        headers={"x-request-id": "r" * 8_000})
            elif kind == 2:
                status, _ = client.call("GET", "/open-api/oauth/authorize?clientId=il_sandbox_client",
                                        headers={"X-Sandbox-Tenant": tenant})
            elif kind == 3:
                status, _ = client.call("POST", bench.HC_PATH, HC_BODY, {
                    "timestamp": str(int(time.time())), "nonce": "n" * 65_536,
                    "api-key": bench.API_KEY, "version": "1.0", "signature": "AAAA"})
            elif kind == 4:
                status, _ = client.call("GET", "/_sandbox/metrics", body=b"x" * 200_000)
            else:
                status, _ = client.call("POST", "/open-api/v3/cards", b"{" * 50_000,
                                        {"x-access-token": "nope"})
            counters.add("abuse", status)
        else:
            # A test's life: a tenant of its own, writes, a read back, then gone. Writes
            # go to such tenants only, so what stays is bounded by design.
            churn += 1
            name = f"churn-{seed}-{churn}"
            status, body = client.call("POST", "/_sandbox/tenants",
                                       json.dumps({"id": name, "scenario": "default"}))
            counters.add("tenant churn", status)
            status, body = client.call("GET", "/_sandbox/tenants/" + name)
            cards = json.loads(body or b"{}").get("inventory", {}).get("interlace", {}).get(
                "cards", [])
            for card in cards[:3]:
                status, _ = client.call(
                    "POST", f"/_sandbox/tenants/{name}/simulate/interlace/card-transaction",
                    json.dumps({"cardId": card, "type": "authorization",
                                "amount": f"{rng.randint(1, 900) / 100:.2f}"}))
                counters.add("interlace write", status)
            client.call("GET", f"/_sandbox/tenants/{name}/export")
            client.call("DELETE", f"/_sandbox/tenants/{name}")


class SignedPool:
    """Pre-signed HyperCard requests (RSA signing is the bench tool's job), refreshed so
    their timestamps stay inside HyperCard's window."""

    def __init__(self, tmp):
        self.tmp, self.lock, self.items, self.generation = tmp, threading.Lock(), [], 0

    def refill(self, count=20_000):
        self.generation += 1
        timestamp = int(time.time())
        path = bench.sign_pool(self.tmp, HC_BODY, timestamp, count, f"soak{self.generation}-")
        items = [(timestamp, *line.split("\t")) for line in path.read_text().splitlines()]
        with self.lock:
            self.items = items

    def take(self):
        with self.lock:
            return self.items.pop() if self.items else None


def slope(samples):
    """Least-squares slope of (minute, MiB) pairs, MiB per minute."""
    n = len(samples)
    if n < 2:
        return float("nan")
    mx = sum(m for m, _ in samples) / n
    my = sum(r for _, r in samples) / n
    den = sum((m - mx) ** 2 for m, _ in samples)
    return sum((m - mx) * (r - my) for m, r in samples) / den if den else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="minutes left out of the slope")
    parser.add_argument("--tenants", type=int, default=4)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--sample-seconds", type=float, default=60.0)
    args = parser.parse_args()
    for needed in (bench.SANDBOX, bench.TOOL):
        if not needed.exists():
            raise SystemExit(f"soak: {needed} is missing; run bench/soak, which builds it")
    with tempfile.TemporaryDirectory(prefix="card-sandbox-soak-") as tmp:
        server = bench.start_sandbox()
        stop = threading.Event()
        threads = []
        try:
            tenants = ["default"]
            setup = Client(server)
            for i in range(1, args.tenants):
                setup.call("POST", "/_sandbox/tenants",
                           json.dumps({"id": f"soak-{i}", "scenario": "default",
                                       "credentials": "scenario"}))
                tenants.append(f"soak-{i}")
            pool = SignedPool(tmp)
            pool.refill()
            counters = Counters()
            for w in range(args.workers):
                t = threading.Thread(target=worker,
                                     args=(server, tenants, pool, stop, counters, w), daemon=True)
                t.start()
                threads.append(t)
            started = time.monotonic()
            samples = [(0.0, server.rss_mb())]
            bench.log(f"soak: {args.minutes} min, {args.tenants} tenants, {args.workers} workers; "
                      f"RSS at start {samples[0][1]:.1f} MiB")
            next_refill = started + 120
            while True:
                elapsed = time.monotonic() - started
                if elapsed >= args.minutes * 60:
                    break
                time.sleep(min(args.sample_seconds, args.minutes * 60 - elapsed))
                if time.monotonic() >= next_refill:
                    pool.refill()
                    next_refill = time.monotonic() + 120
                minute = (time.monotonic() - started) / 60
                samples.append((minute, server.rss_mb()))
                bench.log(f"soak: {minute:5.1f} min  RSS {samples[-1][1]:8.1f} MiB  "
                          f"requests {sum(counters.by_kind.values())}")
            stop.set()
            for t in threads:
                t.join(timeout=35)
            status, body = setup.call("GET", "/_sandbox/tenants/default/invariants")
            invariants = json.loads(body or b"{}").get("ok")
        finally:
            stop.set()
            server.stop()
    settled = [(m, r) for m, r in samples if m >= args.warmup]
    print("| minute | RSS (MiB) |")
    print("|---:|---:|")
    for m, r in samples:
        print(f"| {m:.1f} | {r:.1f} |")
    print()
    print(f"slope after {args.warmup:g} min of warm-up: {slope(settled):.3f} MiB/min "
          f"({len(settled)} samples); requests: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counters.by_kind.items()))
          + f"; 5xx outside the abusive ones: {counters.server_errors}; "
          f"invariants of default: {invariants}")
    if counters.server_errors:
        raise SystemExit("soak: the sandbox answered 5xx to ordinary traffic")


if __name__ == "__main__":
    main()
