#!/usr/bin/env python3
"""The driver of bench/run: starts the sandbox and the ceiling server, loads them with
wrk on loopback, measures start-up, memory, tenant creation and the 1M-record scale
case, and prints two Markdown tables (see README "Performance"): the figures with their
targets, then the load sandbox's RSS after each row of the load.

Run it through bench/run, which builds the binaries and installs wrk first. Every phase
has a fixed duration; every process it starts is killed when it ends.
"""

import argparse
import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SANDBOX = ROOT / "target" / "release" / "card-sandbox"
TOOL = ROOT / "target" / "release" / "examples" / "bench-tool"
BENCH = ROOT / "bench"
MERCHANT_KEY = ROOT / "scenarios" / "keys" / "hypercard-merchant.pem"
# The SHA-256 of each read row's first answer on the bench world (seeded, frozen clock):
# a change to the code must not change a byte of what a row serves (`--record-answers`
# rewrites it after an intended wire change). The write row is left out: its tx_id comes
# from the tenant's seeded id stream, which every OPCard answer also draws from (its
# trace_id), so it follows however many requests the OPCard row served in its fixed time.
ANSWERS = BENCH / "answers.sha256"
API_KEY = "hc_sandbox_merchant"
OPC_TOKEN = "opc_sandbox_static_token"
HC_PATH = "/v3/openapi/card/transactions"
CONNECTIONS = (1, 16, 64)

# Targets from the performance issue (2 cores, wrk on the same cores). Per row, keyed by
# Endpoint.name: "rate" is the least sandbox req/s as a share of the ceiling's at
# RATE_TARGET_CONNECTIONS, "cpu_us" the most server CPU per request (microseconds) there.
ROW_TARGETS = {
    "health": {"rate": 0.85},
    "HyperCard v3 transactions": {"rate": 0.40, "cpu_us": 25.0},
    "OPCard balance change records": {"rate": 0.50},
    "Interlace card-negative accounts": {"rate": 0.50},
    "simulate/hypercard/consume": {"rate": 0.60},
}
RATE_TARGET_CONNECTIONS = 16
P99_TARGET = 2.0  # every row's p99 against the ceiling's, at P99_TARGET_CONNECTIONS
P99_TARGET_CONNECTIONS = 64
RSS_GROWTH_TARGET = 2.0  # RSS after the whole load against RSS after the first write row
READY_TARGET_MS = 5.0
IDLE_RSS_TARGET_MB = 20.0
TENANT_TARGET_MS = 0.5
SCALE_GEN_TARGET_S = 5.0
SCALE_RSS_TARGET_MB = 1024.0
SCALE_PAGE_TARGET = 2.0


def log(message):
    print(message, file=sys.stderr, flush=True)


class Process:
    """A server started on 127.0.0.1:0 that prints `listening on http://ADDR`."""

    def __init__(self, args, env=None):
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        line = self.proc.stdout.readline()
        match = re.search(r"listening on http://([0-9.]+):(\d+)", line)
        if not match:
            self.stop()
            raise SystemExit(f"bench: {args[0]} did not start: {line!r}")
        self.host, self.port = match.group(1), int(match.group(2))
        self.url = f"http://{self.host}:{self.port}"

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return float("nan")

    def cpu_s(self):
        """The process's CPU time so far, all threads, user plus system: utime and stime,
        fields 14 and 15 of /proc/PID/stat, in clock ticks (SC_CLK_TCK a second)."""
        with open(f"/proc/{self.proc.pid}/stat") as stat:
            # Field 2, the command name, is in parentheses and may hold spaces; the
            # fields after its closing parenthesis start at field 3.
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[14 - 3]) + int(fields[15 - 3])) / CLK_TCK

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def request(server, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=120)
    payload = None if body is None else body.encode()
    all_headers = {"content-type": "application/json"} if body is not None else {}
    all_headers.update(headers or {})
    conn.request(method, path, body=payload, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def start_sandbox(*scenarios, binary=None, env=None):
    args = [str(binary or SANDBOX), "--listen", "127.0.0.1:0"]
    for scenario in scenarios:
        args += ["--scenario", str(scenario)]
    server = Process(args, env=env)
    deadline = time.perf_counter() + 300
    while time.perf_counter() < deadline:
        try:
            status, _ = request(server, "GET", "/_sandbox/ready")
            if status == 200:
                server.ready_ms = (time.perf_counter() - server.started) * 1000
                return server
        except OSError:
            pass
        time.sleep(0.0005)
    server.stop()
    raise SystemExit("bench: the sandbox was not ready within 300 s")


def start_ceiling(body_bytes, tmp, work_us=0):
    path = Path(tmp) / "ceiling-body"
    path.write_bytes(body_bytes)
    return Process([str(TOOL), "ceiling", "--body", str(path), "--work-us", str(work_us)])


# The work model's levels: microseconds of CPU a model server spends on each request.
MODEL_WORK_US = (0, 5, 10, 20, 30, 40, 60)


def measure_model(answer, script, args, tmp):
    """The ceiling server answering the OPCard row's bytes after spending a fixed amount
    of its own CPU on each request (`bench-tool ceiling --work-us`), at
    RATE_TARGET_CONNECTIONS: what share of the plain ceiling a server reaches whose only
    overhead is that much work. Returns [(work_us, median run)]."""
    log(f"work model: the ceiling with {', '.join(map(str, MODEL_WORK_US))} us of work a request")
    model = []
    for work in MODEL_WORK_US:
        server = start_ceiling(answer, tmp, work)
        try:
            runs = [wrk(server.url + "/model", RATE_TARGET_CONNECTIONS, args.seconds, script,
                        server=server) for _ in range(args.rounds)]
        finally:
            server.stop()
        runs.sort(key=lambda r: r["rate"])
        median = runs[len(runs) // 2]
        log(f"  work {work} us: {median['rate']:.0f}/s {median['cpu_us']:.1f} us CPU/req")
        model.append((work, median))
    return model


def print_model_table(model):
    """The work model's table (`--model`)."""
    base = model[0][1]["rate"]
    print()
    print(f"Work model, {RATE_TARGET_CONNECTIONS} connections: the ceiling server answering "
          "the OPCard row's bytes after a busy loop of the given length on each request.")
    print()
    print("| own work a request | req/s | share of the plain ceiling | server CPU/req |")
    print("|---:|---:|---:|---:|")
    for work, run in model:
        print(f"| {work} us | {run['rate']:,.0f} | {run['rate'] / base:.2f} "
              f"| {run['cpu_us']:.1f} us |")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
CLK_TCK = os.sysconf("SC_CLK_TCK")


def wrk(url, connections, seconds, script=None, env=None, server=None, perf=None):
    """One wrk run. With `server` (the Process behind `url`), also the server's CPU time
    during the run divided by the requests wrk completed: "cpu_us" per request; with
    `perf` (a file name) too, a `perf record` of the server for the run's length."""
    threads = min(connections, 2)
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        args += ["-s", str(script)]
    args.append(url)
    run_env = dict(os.environ, BENCH_THREADS=str(threads), **(env or {}))
    recorder = None
    if server and perf:
        recorder = subprocess.Popen(
            ["perf", "record", "-F", "999", "-e", "cpu-clock",
             "--call-graph", os.environ.get("BENCH_PERF_CALL_GRAPH", "fp"), "-o", str(perf),
             "-p", str(server.proc.pid), "--", "sleep", str(seconds)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu_before = server.cpu_s() if server else None
    out = subprocess.run(
        args, capture_output=True, text=True, env=run_env, timeout=seconds + 60
    ).stdout
    if recorder:
        recorder.wait(timeout=seconds + 60)
    cpu_after = server.cpu_s() if server else None
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = re.search(r"50%\s+([0-9.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([0-9.]+)(us|ms|s)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    result = {
        "rate": rate,
        "total": total,
        "p50_ms": float(p50.group(1)) * UNITS[p50.group(2)],
        "p99_ms": float(p99.group(1)) * UNITS[p99.group(2)],
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "errors": errors.group(1) if errors else "",
    }
    if server:
        result["cpu_us"] = ((cpu_after - cpu_before) * 1e6 / total) if total else float("nan")
    return result


def lua_string(text):
    return json.dumps(text, ensure_ascii=True)


def static_script(tmp, name, method, body=None, headers=None):
    lines = [f"wrk.method = {lua_string(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {lua_string(body)}")
        lines.append('wrk.headers["content-type"] = "application/json"')
    for key, value in (headers or {}).items():
        lines.append(f"wrk.headers[{lua_string(key)}] = {lua_string(value)}")
    path = Path(tmp) / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


class Endpoint:
    """One measured endpoint: how to ask it once, and how wrk asks it."""

    def __init__(self, name, kind, method, path, body=None, headers=None, signed=False):
        self.name, self.kind, self.method, self.path = name, kind, method, path
        self.body, self.headers, self.signed = body, headers or {}, signed


def sign_pool(tmp, body, timestamp, count, prefix):
    body_path = Path(tmp) / "hc-body.json"
    body_path.write_text(body)
    out = Path(tmp) / f"pool-{prefix}.tsv"
    subprocess.run(
        [
            str(TOOL), "sign-pool", "--key", str(MERCHANT_KEY), "--api-key", API_KEY,
            "--body", str(body_path), "--timestamp", str(timestamp), "--count", str(count),
            "--prefix", prefix, "--out", str(out),
        ],
        check=True,
    )
    return out


def check_answer(name, answer, record):
    """Compares the SHA-256 of `answer` with the row's line in ANSWERS ("digest  name"),
    or writes it there when `record` is set."""
    digest = hashlib.sha256(answer).hexdigest()
    known = {}
    if ANSWERS.exists():
        for line in ANSWERS.read_text().splitlines():
            if line.strip():
                value, row = line.split("  ", 1)
                known[row] = value
    if record:
        known[name] = digest
        ANSWERS.write_text("".join(f"{v}  {k}\n" for k, v in sorted(known.items())))
        return
    if name not in known:
        raise SystemExit(f"bench: {ANSWERS.name} has no digest for {name!r}; "
                         "run with --record-answers once to add it")
    if known[name] != digest:
        raise SystemExit(f"bench: {name} answered different bytes than {ANSWERS.name} "
                         f"records (sha256 {digest}); if the wire change is intended, "
                         "run with --record-answers")


def measure_endpoint(sandbox, endpoint, args, tmp, timestamp, results):
    """Every connection count's rounds for `endpoint`, the sandbox's against its ceiling's;
    appends (endpoint, connections, rounds, sandbox RSS MiB after them) to `results`."""
    env = {}
    if endpoint.signed:
        script = BENCH / "signed.lua"
        env = {"BENCH_PATH": endpoint.path, "BENCH_BODY": endpoint.body,
               "BENCH_TIMESTAMP": str(timestamp), "BENCH_API_KEY": API_KEY}
        probe = sign_pool(tmp, endpoint.body, timestamp, 1, "probe-")
        nonce, signature = probe.read_text().split()
        headers = {"timestamp": str(timestamp), "nonce": nonce, "api-key": API_KEY,
                   "version": "1.0", "signature": signature}
        status, answer = request(sandbox, endpoint.method, endpoint.path, endpoint.body, headers)
        ceiling_pool = sign_pool(tmp, endpoint.body, timestamp, 20000, "ceiling-")
    elif endpoint.method == "GET" and not endpoint.headers:
        script = None
        status, answer = request(sandbox, "GET", endpoint.path)
    else:
        script = static_script(tmp, re.sub(r"[^A-Za-z0-9]+", "-", endpoint.name), endpoint.method,
                               endpoint.body, endpoint.headers)
        status, answer = request(sandbox, endpoint.method, endpoint.path, endpoint.body,
                                 endpoint.headers)
    if status != 200 or b'"code":"A' in answer or b'"error"' in answer:
        raise SystemExit(f"bench: {endpoint.name} answered {status}: {answer[:300]!r}")
    log(f"  {endpoint.name}: {len(answer)} bytes per answer")
    if endpoint.kind != "write":
        check_answer(endpoint.name, answer, args.record_answers)
    ceiling = start_ceiling(answer, tmp)
    try:
        for connections in args.connections:
            rounds = []
            for round_no in range(args.rounds):
                perf = None
                if args.perf and connections == RATE_TARGET_CONNECTIONS and round_no == 0:
                    slug = re.sub(r"[^A-Za-z0-9]+", "-", endpoint.name).strip("-").lower()
                    perf = args.perf / f"{slug}.perf.data"
                run_env = dict(env)
                if endpoint.signed:
                    run_env["BENCH_POOL"] = str(ceiling_pool)
                c = wrk(ceiling.url + endpoint.path, connections, args.seconds, script, run_env)
                if endpoint.signed:
                    s = signed_run(sandbox, endpoint, connections, args.seconds, script,
                                   run_env, tmp, timestamp, c["rate"], f"c{connections}r{round_no}",
                                   perf)
                else:
                    s = wrk(sandbox.url + endpoint.path, connections, args.seconds, script,
                            run_env, server=sandbox, perf=perf)
                if s["non2xx"] or s["errors"]:
                    raise SystemExit(f"bench: {endpoint.name} had errors: {s}")
                rounds.append((s, c))
                log(f"  {endpoint.name} c={connections}: sandbox {s['rate']:.0f}/s "
                    f"p99 {s['p99_ms']:.2f} ms {s['cpu_us']:.1f} us CPU/req, "
                    f"ceiling {c['rate']:.0f}/s p99 {c['p99_ms']:.2f} ms")
            results.append((endpoint, connections, rounds, sandbox.rss_mb()))
    finally:
        ceiling.stop()


def signed_run(sandbox, endpoint, connections, seconds, script, env, tmp, timestamp,
               ceiling_rate, label, perf=None):
    """A wrk run of signed requests, each nonce used once. Signing costs about 0.1 ms a
    request, so the pool is sized from a one-second calibration run, and the run is
    repeated with a larger pool if it ever got to the end of its pool. Only the run it
    returns carries the server's CPU per request (not the calibration run)."""
    calibration_need = int(min(ceiling_rate, 60_000) * 1.3) + 1000
    env = dict(env, BENCH_POOL=str(sign_pool(tmp, endpoint.body, timestamp,
                                             calibration_need, f"{label}cal-")))
    calibration = wrk(sandbox.url + endpoint.path, connections, 1, script, env)
    if calibration["total"] > calibration_need:
        raise SystemExit("bench: the calibration pool ran out")
    need = int(calibration["rate"] * seconds * 1.3) + 2000
    for attempt in range(3):
        env["BENCH_POOL"] = str(sign_pool(tmp, endpoint.body, timestamp, need,
                                          f"{label}a{attempt}-"))
        run = wrk(sandbox.url + endpoint.path, connections, seconds, script, env,
                  server=sandbox, perf=perf)
        if run["total"] <= need:
            return run
        need = run["total"] * 2
    raise SystemExit(f"bench: {endpoint.name}: the signed pool kept running out")


def median_run(rounds, side):
    index = 0 if side == "sandbox" else 1
    keys = ("rate", "p50_ms", "p99_ms") + (("cpu_us",) if side == "sandbox" else ())
    return {key: statistics.median(r[index][key] for r in rounds) for key in keys}


def fmt_ms(value):
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def verdict(ok):
    return "met" if ok else "**not met**"


def connections_text(connections):
    return f"{connections} connection{'' if connections == 1 else 's'}"


def scale_scenario(tmp, count):
    text = (BENCH / "scenarios" / "scale.yaml").read_text().replace("COUNT", str(count))
    path = Path(tmp) / f"scale-{count}.yaml"
    path.write_text(text)
    return path


def scale_case(tmp, count, seconds):
    """Start-to-ready, RSS and the first and a middle page's time for `count` records."""
    server = start_sandbox(scale_scenario(tmp, count))
    try:
        rss = server.rss_mb()
        status, tenant = request(server, "GET", "/_sandbox/tenants/default")
        tenant = json.loads(tenant)
        now = tenant["clock"]["now_ms"] // 1000
        card = tenant["inventory"]["hypercard"]["cards"][0]

        def body(page):
            return json.dumps({"business_type": 1, "card_id": card, "start_time": str(now - 59 * 86400),
                               "end_time": str(now), "page": page, "size": 10})

        status, first = request(server, "POST", HC_PATH, body(1), {"api-key": API_KEY})
        total = json.loads(first)["data"]["total"]
        middle = max(1, total // 20)
        pages = {}
        for name, page in (("first", 1), ("middle", middle)):
            script = static_script(tmp, f"scale-{count}-{name}", "POST", body(page), {"api-key": API_KEY})
            run = wrk(server.url + HC_PATH, 1, seconds, script)
            pages[name] = run["p50_ms"]
        return {"ready_s": server.ready_ms / 1000, "rss_mb": rss, "total": total,
                "middle_page": middle, **pages}
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per figure (median)")
    parser.add_argument("--connections", type=lambda s: [int(c) for c in s.split(",")],
                        default=list(CONNECTIONS))
    parser.add_argument("--scale", type=int, default=1_000_000, help="records in the scale case")
    parser.add_argument("--skip-scale", action="store_true", help="leave out the scale case")
    parser.add_argument("--skip-load", action="store_true",
                        help="leave out the wrk runs (start-up, memory and scale only)")
    parser.add_argument("--only", default="",
                        help="load only the rows whose name contains this text")
    parser.add_argument("--skip-startup", action="store_true",
                        help="leave out start-to-ready and tenant creation")
    parser.add_argument("--record-answers", action="store_true",
                        help=f"write each read row's first-answer digest to bench/{ANSWERS.name} "
                             "instead of checking it")
    parser.add_argument("--model", action="store_true",
                        help="after the load, the work model: the ceiling with a fixed amount "
                             "of its own CPU a request (--work-us), as a third table")
    parser.add_argument("--perf", type=Path, default=None,
                        help="directory for a `perf record` of the sandbox during each row's "
                             "measured run at 16 connections (ROW.perf.data)")
    args = parser.parse_args()
    for needed in (SANDBOX, TOOL):
        if not needed.exists():
            raise SystemExit(f"bench: {needed} is missing; run bench/run, which builds it")
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is missing; run bench/run, which installs it")

    if args.perf:
        if not shutil.which("perf"):
            raise SystemExit("bench: --perf needs perf (Debian's linux-perf)")
        args.perf.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="card-sandbox-bench-") as tmp:
        ready_ms = idle_mb = tenant_ms = float("nan")
        if not args.skip_startup:
            ready_ms, idle_mb, tenant_ms = measure_startup()

        results, load_rss = [], None
        if not args.skip_load:
            load_rss = measure_load(args, tmp, results)

        scale = None
        if not args.skip_scale:
            log(f"scale: 1,000 and {args.scale:,} generated HyperCard records")
            small = scale_case(tmp, 1000, 3)
            large = scale_case(tmp, args.scale, 3)
            scale = (small, large)

    print_table(args, results, ready_ms, idle_mb, tenant_ms, scale)
    if load_rss:
        print_rss_table(results, load_rss)
    if load_rss and load_rss["model"]:
        print_model_table(load_rss["model"])


def measure_startup():
    """Start-to-ready and idle RSS (medians of 5 starts), and the median time of 31
    tenant creations over HTTP."""
    log("start-to-ready with the default scenario (5 starts)")
    ready, idle = [], []
    for _ in range(5):
        server = start_sandbox()
        ready.append(server.ready_ms)
        time.sleep(0.5)
        idle.append(server.rss_mb())
        server.stop()
    ready_ms, idle_mb = statistics.median(ready), statistics.median(idle)

    log("tenant creation from the default scenario")
    server = start_sandbox()
    try:
        creations = []
        for i in range(31):
            t0 = time.perf_counter()
            status, answer = request(server, "POST", "/_sandbox/tenants",
                                     json.dumps({"id": f"bench-{i}"}))
            creations.append((time.perf_counter() - t0) * 1000)
            if status != 201:
                raise SystemExit(f"bench: tenant creation answered {status}: {answer[:300]!r}")
            request(server, "DELETE", f"/_sandbox/tenants/bench-{i}")
        tenant_ms = statistics.median(creations)
    finally:
        server.stop()
    return ready_ms, idle_mb, tenant_ms


def measure_load(args, tmp, results):
    """The wrk runs against bench/scenarios/bench.yaml, one sandbox for all of them.
    Returns its RSS in MiB before the load ("idle") and after all of it ("final"), and
    with --model the work model's runs ("model"); the RSS after each row goes into
    `results` with the row."""
    log("throughput (bench/scenarios/bench.yaml)")
    sandbox = start_sandbox(BENCH / "scenarios" / "bench.yaml")
    try:
        status, tenant = request(sandbox, "GET", "/_sandbox/tenants/default")
        tenant = json.loads(tenant)
        now = tenant["clock"]["now_ms"] // 1000
        hc_card = tenant["inventory"]["hypercard"]["cards"][0]
        il_account = tenant["inventory"]["interlace"]["accounts"][0]
        code = json.loads(request(sandbox, "GET",
                                  "/open-api/oauth/authorize?clientId=il_sandbox_client")[1])
        token = json.loads(request(sandbox, "POST", "/open-api/oauth/access-token", json.dumps({
            "clientId": "il_sandbox_client", "clientSecret": "il_sandbox_secret",
            "code": code["code"]}))[1])["accessToken"]
        endpoints = [
            Endpoint("health", "read", "GET", "/_sandbox/health"),
            Endpoint("HyperCard v3 transactions", "read", "POST", HC_PATH, json.dumps({
                "business_type": 1, "card_id": hc_card, "start_time": str(now - 59 * 86400),
                "end_time": str(now), "page": 1, "size": 10}), signed=True),
            Endpoint("OPCard balance change records", "read", "POST",
                     "/card-api/v1/balance/change/records",
                     json.dumps({"cursor": "", "limit": 10, "fund_type_list": ["20"]}),
                     {"Authorization": OPC_TOKEN}),
            Endpoint("Interlace card-negative accounts", "read", "GET",
                     f"/open-api/v3/card-negative/accounts?accountId={il_account}&limit=10",
                     headers={"x-access-token": token}),
            Endpoint("simulate/hypercard/consume", "write", "POST",
                     "/_sandbox/tenants/default/simulate/hypercard/consume",
                     json.dumps({"card_id": hc_card, "amount": "1.25"})),
        ]
        time.sleep(0.5)
        idle = sandbox.rss_mb()
        for endpoint in endpoints:
            if args.only not in endpoint.name:
                continue
            measure_endpoint(sandbox, endpoint, args, tmp, now, results)
        final = sandbox.rss_mb()
        model = None
        if args.model:
            opcard = next(e for e in endpoints if e.name == "OPCard balance change records")
            _, answer = request(sandbox, opcard.method, opcard.path, opcard.body, opcard.headers)
            script = static_script(tmp, "model", opcard.method, opcard.body, opcard.headers)
            model = measure_model(answer, script, args, tmp)
        return {"idle": idle, "final": final, "model": model}
    finally:
        sandbox.stop()


def print_table(args, results, ready_ms, idle_mb, tenant_ms, scale):
    """The main table: every row of the load against its ceiling, then start-up, memory,
    tenant creation and the scale case, each with its target where there is one."""
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    print(f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
          f"wrk on the same cores; {args.seconds} s per run, median of {args.rounds} "
          f"round(s); {time.strftime('%Y-%m-%d')}")
    print()
    print("| measure | connections | sandbox | ceiling (or baseline) | ratio "
          "| server CPU/req | target |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for endpoint, connections, rounds, _ in results:
        s, c = median_run(rounds, "sandbox"), median_run(rounds, "ceiling")
        ratio = s["rate"] / c["rate"]
        p99_ratio = s["p99_ms"] / c["p99_ms"] if c["p99_ms"] else float("inf")
        row_targets = ROW_TARGETS.get(endpoint.name, {})
        targets = []
        if connections == RATE_TARGET_CONNECTIONS:
            if "rate" in row_targets:
                floor = row_targets["rate"]
                targets.append(f">= {floor:.0%}: {verdict(ratio >= floor)}")
            if "cpu_us" in row_targets:
                most = row_targets["cpu_us"]
                targets.append(f"<= {most:.0f} us CPU/req: {verdict(s['cpu_us'] <= most)}")
        print(f"| {endpoint.name} req/s | {connections} | {s['rate']:,.0f} | {c['rate']:,.0f} "
              f"| {ratio:.2f} | {s['cpu_us']:.1f} us | {'; '.join(targets)} |")
        p99_target = ""
        if connections == P99_TARGET_CONNECTIONS:
            p99_target = f"<= {P99_TARGET:.0f}x: {verdict(p99_ratio <= P99_TARGET)}"
        print(f"| {endpoint.name} p99 | {connections} | {fmt_ms(s['p99_ms'])} "
              f"| {fmt_ms(c['p99_ms'])} | {p99_ratio:.2f} | | {p99_target} |")
    if not args.skip_startup:
        print(f"| start to ready, default scenario (median of 5) | | {ready_ms:.1f} ms | | | "
              f"| <= {READY_TARGET_MS:.0f} ms: {verdict(ready_ms <= READY_TARGET_MS)} |")
        print(f"| idle RSS, default scenario | | {idle_mb:.1f} MiB | | | "
              f"| <= {IDLE_RSS_TARGET_MB:.0f} MB: {verdict(idle_mb <= IDLE_RSS_TARGET_MB)} |")
        print(f"| tenant creation, default scenario (median of 31) | | {tenant_ms:.2f} ms | | | "
              f"| <= {TENANT_TARGET_MS:.2f} ms: {verdict(tenant_ms <= TENANT_TARGET_MS)} |")
    if scale:
        small, large = scale
        n = f"{args.scale:,}"
        print(f"| scale: start to ready with {n} records generated | | {large['ready_s']:.2f} s "
              f"| | | | <= {SCALE_GEN_TARGET_S:.0f} s: {verdict(large['ready_s'] <= SCALE_GEN_TARGET_S)} |")
        print(f"| scale: RSS with {n} records | | {large['rss_mb']:.0f} MiB | | | "
              f"| <= 1 GiB: {verdict(large['rss_mb'] <= SCALE_RSS_TARGET_MB)} |")
        for name in ("first", "middle"):
            ratio = large[name] / small[name]
            print(f"| scale: {name} page (page {1 if name == 'first' else large['middle_page']:,} "
                  f"of {large['total']:,} consumptions), p50 vs 1,000 records | 1 "
                  f"| {fmt_ms(large[name])} | {fmt_ms(small[name])} | {ratio:.2f} | "
                  f"| <= {SCALE_PAGE_TARGET:.0f}x: {verdict(ratio <= SCALE_PAGE_TARGET)} |")


def print_rss_table(results, load_rss):
    """The second table: the load sandbox's RSS before the load and after each row; then
    what the reads left behind (they make no records, so their growth is what requests
    alone keep) and the target on the whole: RSS after the whole load at most twice the
    RSS right after the write rows, when their records exist."""
    writes = [i for i, (endpoint, *_) in enumerate(results) if endpoint.kind == "write"]
    reads = [i for i, (endpoint, *_) in enumerate(results) if endpoint.kind != "write"]
    print()
    print("| after | RSS MiB |")
    print("|---|---:|")
    print(f"| idle (bench world, before the load) | {load_rss['idle']:.1f} |")
    for i, (endpoint, connections, _, rss) in enumerate(results):
        note = " (last write row)" if writes and i == writes[-1] else ""
        print(f"| {endpoint.name}, {connections_text(connections)}{note} | {rss:.1f} |")
    print(f"| every row above (end of the load) | {load_rss['final']:.1f} |")
    print()
    if reads:
        grown = results[reads[-1]][3] - load_rss["idle"]
        print(f"The read rows (no records made) grew RSS by {grown:.1f} MiB over idle.")
    if writes:
        last = results[writes[-1]]
        ratio = load_rss["final"] / last[3]
        print(f"RSS after the whole bench {load_rss['final']:.1f} MiB against {last[3]:.1f} MiB "
              f"right after the write rows ({last[0].name}, {connections_text(last[1])}; "
              f"their records exist): ratio {ratio:.2f}; target <= {RSS_GROWTH_TARGET:.0f}x: "
              f"{verdict(ratio <= RSS_GROWTH_TARGET)}")


if __name__ == "__main__":
    main()
