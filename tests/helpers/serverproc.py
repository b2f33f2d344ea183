"""`headwater serve` as a real process (Granian, the production server: headwater/serve.py) on a free loopback port,
for the crash and load tests. It talks to it with the standard library only."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def headwater_command() -> list[str]:
    exe = Path(sys.executable).with_name("headwater")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "headwater.cli"]


@dataclass
class Server:
    db: Path
    log: Path
    env: dict = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None
    token: str = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        self.port = free_port()
        env = {**os.environ, "HEADWATER_ALLOW_PRIVATE": "1", "PYTHONUNBUFFERED": "1", **self.env}
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [*headwater_command(), "serve", "--port", str(self.port), "--db", str(self.db)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"headwater serve exited with {self.process.returncode}:\n{self.output()}")
            try:
                if self.request("GET", "/api/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"headwater serve did not answer within {timeout} s:\n{self.output()}")
            time.sleep(0.1)
        self.token = (Path(str(self.db) + ".token")).read_text().strip()
        return self

    def request(self, method: str, path: str, body: dict | None = None, timeout: float = 60):
        """(status, JSON body or text, headers); never raises for an HTTP error status."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, headers = error.code, error.read(), error.headers
        try:
            return status, json.loads(raw), headers
        except ValueError:
            return status, raw.decode("utf-8", "replace"), headers

    def kill(self) -> None:
        """SIGKILL: no cleanup, no shutdown handler, like a power cut to the process."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def read_only(db: Path) -> sqlite3.Connection:
    """A plain read-only connection (not headwater.store, which would create or migrate things)."""
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
