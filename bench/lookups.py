"""Cached lookups under load: GET /api/provenance?url= with 32 concurrent clients.

    .venv/bin/python bench/lookups.py [--quick] [--traces N] [--clients N] [--seconds S] [--json FILE]

A store of 10,000 traces (bench/synthetic.py) is built in a temporary folder and
served by the production server, `headwater serve` (Granian), started as a
subprocess on a free loopback port, with HEADWATER_RATE_LIMIT raised out of
reach (32 clients on one address are one client to the limiter; it stays on, so
its cost is measured). If the CLI has a `token` command, the token it prints for
that store is sent as `Authorization: Bearer ...`.

The load: 32 keep-alive HTTP/1.1 connections, each sending its next request when
the last answer is read in full. The client is `wrk` when it is installed
(Debian: `apt-get install wrk`; C, 2 threads, a Lua script walking the paths),
else 32 clients in one asyncio loop of this process; `--client` chooses, and
the table's notes say which ran. Both share the machine's cores with the
server; wrk takes less of them.
Before the rounds, every provenance path is asked once (the server's answer
cache then holds them all: this measures cached lookups), and both endpoints
get a second of warm-up.
Rounds alternate between the baseline, `GET /api/health` on the same server,
and `GET /api/provenance?url=U`, U being the asked, final or canonical URL of a
random stored trace (every answer must be a 200; the first is checked to be
that trace). Per round: requests/s, p50 and p99 latency (send to last byte);
reported: the median over the rounds. A round in which the server kept some
clients waiting unanswered (requests/s x mean latency well under the number of
clients: Little's law) is an error, since wrk times only the answers it got.

Targets (issue 7): provenance p99 <= 20 ms, and its requests/s >= 50% of health's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from headwater.evaluation import synthetic
from headwater.evaluation.benchkit import Row, check, check_all_clients_served, emit, median, percentile, ratio, say

BENCH = "lookups"
RATE_LIMIT = 10**9


def headwater_bin() -> str:
    script = Path(sys.executable).parent / "headwater"
    return str(script if script.exists() else synthetic.REPO / ".venv" / "bin" / "headwater")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_token(db: Path) -> str | None:
    """The store's API token, if this version of the CLI has `headwater token` (checked at run time)."""
    probe = subprocess.run([headwater_bin(), "token", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        return None
    out = subprocess.run([headwater_bin(), "token", "--db", str(db)], capture_output=True, text=True, check=True)
    lines = [line.strip() for line in out.stdout.splitlines() if line.strip()]
    return lines[-1] if lines else None


class Server:
    """`headwater serve` on a free port, stopped (by its own pid) on exit."""

    def __init__(self, db: Path, token: str | None):
        self.db, self.token, self.port = db, token, free_port()
        self.proc = None

    def __enter__(self):
        # the server's log goes to a file: a pipe nobody reads would fill up and stall the server
        self.log = tempfile.NamedTemporaryFile("w+", prefix="headwater-serve-", suffix=".log")
        # 32 clients on one address are one client to the per-client rate limit (600 a minute by
        # default): raise it out of reach, but keep it on, so that its cost is part of every request.
        env = {**os.environ, "HEADWATER_RATE_LIMIT": str(RATE_LIMIT)}
        self.proc = subprocess.Popen(
            [headwater_bin(), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--db", str(self.db)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"headwater serve exited with {self.proc.returncode}:\n{self.server_log()}")
            try:
                status, _ = self.get("/api/health")
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("headwater serve did not answer /api/health within 60 s")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def server_log(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=self.headers())
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


async def _client(port: int, paths: list[str], headers: str, deadline: float, latencies: list[float], statuses: dict):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    k = 0
    try:
        while time.perf_counter() < deadline:
            path = paths[k % len(paths)]
            k += 1
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length) if length else b""
            latencies.append(time.perf_counter() - started)
            status = int(head.split(b" ", 2)[1])
            statuses[status] = statuses.get(status, 0) + 1
            if status != 200:
                statuses.setdefault("example", body[:300])
    finally:
        writer.close()


async def _load(port: int, paths: list[str], headers: str, clients: int, seconds: float):
    latencies: list[float] = []
    statuses: dict = {}  # status -> count, and "example": the body of a non-200 answer
    started = time.perf_counter()
    deadline = started + seconds
    rng = random.Random(clients)
    # each client walks the paths from its own starting point
    jobs = [
        _client(port, paths[i:] + paths[:i], headers, deadline, latencies, statuses)
        for i in (rng.randrange(len(paths)) for _ in range(clients))
    ]
    await asyncio.gather(*jobs)
    elapsed = time.perf_counter() - started
    return {
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "n": len(latencies),
        "statuses": statuses,
        "in_flight": sum(latencies) / elapsed,
    }


def load(server: Server, paths: list[str], clients: int, seconds: float) -> dict:
    headers = "".join(f"{k}: {v}\r\n" for k, v in server.headers().items())
    return asyncio.run(_load(server.port, paths, headers, clients, seconds))


# -- wrk (preferred when installed) --------------------------------------------------------

WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
local threads = {}
wrk.headers["Host"] = "%(host)s"
%(headers)s
function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end
function init(args)
  counter = offset or 0
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT {\\"n\\": %%d, \\"us\\": %%d, \\"p50\\": %%d, \\"p99\\": %%d, \\"mean\\": %%d, \\"status\\": %%d, " ..
    "\\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, \\"timeout\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def wrk_bin() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str:
    out = subprocess.run([wrk_bin(), "--version"], capture_output=True, text=True)
    found = re.search(r"wrk\s+(\S+)", out.stdout + out.stderr)
    return found.group(1) if found else "?"


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def load_wrk(server: Server, paths: list[str], clients: int, seconds: float, threads: int = 2) -> dict:
    """One round with wrk: `clients` connections over `threads` threads, each walking the paths."""
    headers = "\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in server.headers().items())
    script = WRK_SCRIPT % {
        "paths": ", ".join(_lua(p) for p in paths),
        "host": f"127.0.0.1:{server.port}",
        "headers": headers,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="headwater-wrk-") as lua:
        lua.write(script)
        lua.flush()
        out = subprocess.run(
            [
                wrk_bin(),
                "-t",
                str(min(threads, clients)),
                "-c",
                str(clients),
                "-d",
                f"{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                lua.name,
                f"http://127.0.0.1:{server.port}{paths[0]}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    found = re.search(r"WRK_RESULT (\{.*\})", out.stdout)
    if out.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stdout[-1000:]} {out.stderr[-1000:]}")
    r = json.loads(found.group(1))
    statuses = {200: r["n"] - r["status"]}
    if r["status"]:
        statuses["4xx/5xx"] = r["status"]
    for kind in ("connect", "read", "write", "timeout"):
        if r[kind]:
            statuses[f"socket {kind} errors"] = r[kind]
    rps = r["n"] / (r["us"] / 1e6)
    return {
        "rps": rps,
        "p50": r["p50"] / 1e6,
        "p99": r["p99"] / 1e6,
        "n": r["n"],
        "statuses": statuses,
        "in_flight": rps * r["mean"] / 1e6,
    }


async def _once(port: int, paths: list[str], headers: str, clients: int) -> dict:
    """Every path asked once, by `clients` connections taking turns (the warm-up)."""
    statuses: dict = {}

    async def client(mine):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for path in mine:
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}\r\n".encode())
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.partition(b":")[2])
                        for line in head.split(b"\r\n")[1:]
                        if line.partition(b":")[0].strip().lower() == b"content-length"
                    ),
                    0,
                )
                if length:
                    await reader.readexactly(length)
                status = int(head.split(b" ", 2)[1])
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(client(paths[i::clients]) for i in range(clients) if paths[i::clients]))
    return statuses


def warm(server: Server, paths: list[str], clients: int = 8) -> dict:
    headers = "".join(f"{k}: {v}\r\n" for k, v in server.headers().items())
    return asyncio.run(_once(server.port, list(dict.fromkeys(paths)), headers, clients))


def run(
    quick: bool = False,
    traces: int = 10_000,
    clients: int = 32,
    seconds: float | None = None,
    rounds: int | None = None,
    client: str = "auto",
):
    seconds = seconds or (2.0 if quick else 4.0)
    rounds = rounds or (3 if quick else 5)
    if client == "auto":
        client = "wrk" if wrk_bin() else "asyncio"
    if client == "wrk" and not wrk_bin():
        raise RuntimeError("--client wrk: wrk is not installed (Debian: apt-get install wrk)")
    if client == "wrk":
        used = f"wrk {wrk_version()} (2 threads, {clients} connections)"
        loader = load_wrk
    else:
        used = (
            f"asyncio in this process ({clients} connections; wrk {'not installed' if not wrk_bin() else 'not used'})"
        )
        loader = load
    say(f"lookups: client: {used}")
    with tempfile.TemporaryDirectory(prefix="headwater-bench-") as tmp:
        db = Path(tmp) / "lookups.db"
        say(f"lookups: building a store of {traces:,} traces")
        synthetic.build_store(db, traces)
        token = api_token(db)
        rng = random.Random(11)
        picks = [rng.randrange(traces) for _ in range(500)]
        kinds = ("url", "final_url", "canonical_url")
        provenance = [
            f"/api/provenance?url={quote(synthetic.urls(i)[kinds[k % 3]], safe='')}" for k, i in enumerate(picks)
        ]
        with Server(db, token) as server:
            status, body = server.get(provenance[0])
            if status != 200 or json.loads(body)["id"] != picks[0] + 1:
                raise RuntimeError(f"GET {provenance[0]} answered {status}: {body[:300]!r}")
            say(
                f"lookups: server on port {server.port}, token {'sent' if token else 'not needed'}; "
                f"{clients} clients, {rounds} rounds x {seconds:.0f} s per endpoint"
            )
            warmed = warm(server, provenance)  # every path once: the answers are cached from here on
            if set(warmed) != {200}:
                raise RuntimeError(f"warm-up answers: {warmed}")
            loader(server, ["/api/health"], clients, 1.0)  # warm-up: threads, connections
            loader(server, provenance, clients, 1.0)
            results = {"health": [], "provenance": []}
            for r in range(rounds):
                order = ("health", "provenance") if r % 2 == 0 else ("provenance", "health")
                for name in order:
                    results[name].append(
                        loader(server, ["/api/health"] if name == "health" else provenance, clients, seconds)
                    )
                say(
                    f"lookups: round {r + 1}/{rounds}: "
                    + ", ".join(
                        f"{k} {v[-1]['rps']:.0f} req/s p99 {v[-1]['p99'] * 1000:.1f} ms" for k, v in results.items()
                    )
                )
            server_log = server.server_log()
    bad = {name: {s: c for res in rs for s, c in res["statuses"].items() if s != 200} for name, rs in results.items()}
    if any(bad.values()):  # counts per status, and the body of one such answer
        raise RuntimeError(f"non-200 answers under load: {bad}")
    check_all_clients_served(results, clients)
    m = {name: {k: median(res[k] for res in rs) for k in ("rps", "p50", "p99")} for name, rs in results.items()}
    h, p = m["health"], m["provenance"]
    share = ratio(p["rps"], h["rps"])
    rows = [
        Row(
            BENCH,
            f"provenance, {clients} clients",
            p["rps"],
            "req/s",
            f"health {h['rps']:.0f} req/s",
            share,
            ">= 0.5x",
            check(share, ">= 0.5x"),
        ),
        Row(
            BENCH,
            "provenance p99 latency",
            p["p99"] * 1000,
            "ms",
            f"health p99 {h['p99'] * 1000:.1f} ms",
            ratio(p["p99"], h["p99"]),
            "<= 20 ms",
            check(p["p99"] * 1000, "<= 20"),
        ),
        Row(
            BENCH,
            "provenance p50 latency",
            p["p50"] * 1000,
            "ms",
            f"health p50 {h['p50'] * 1000:.1f} ms",
            ratio(p["p50"], h["p50"]),
        ),
    ]
    total = sum(res["n"] for rs in results.values() for res in rs)
    warnings = [line for line in server_log.splitlines() if "WARNING" in line or "queue" in line.lower()]
    notes = [
        f"lookups: {traces:,} traces, {clients} keep-alive clients, {rounds} rounds of {seconds:.0f} s per "
        f"endpoint, {total:,} requests, all 200; token {'sent' if token else 'not required (no `headwater token`)'}; "
        f"client: {used}."
    ]
    if warnings:
        notes.append(f"lookups: the server logged {len(warnings)} warnings, e.g. {warnings[-1].strip()[:160]}")
    return rows, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds of 2 s per endpoint")
    parser.add_argument("--traces", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, help="length of one round per endpoint (default 4; 2 with --quick)")
    parser.add_argument("--rounds", type=int)
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "asyncio"),
        default="auto",
        help="the load generator: wrk if installed (default), else asyncio",
    )
    parser.add_argument("--json", help="also write the rows to this file (for perf.py)")
    args = parser.parse_args(argv)
    rows, notes = run(args.quick, args.traces, args.clients, args.seconds, args.rounds, args.client)
    emit(rows, args.json, notes)


if __name__ == "__main__":
    main()
