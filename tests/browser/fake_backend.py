"""A stand-in for the Headwater backend, for the browser tests of protocol paths
the real backend does not take (yet): 202 + Server-Sent Events, polling, errors.

It speaks the API's JSON (see README "HTTP API") and answers with a canned trace
of the seed article whose offsets are computed from its text, so the popup's
evidence sentences are real sentences.
"""

from __future__ import annotations

import html
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

SEED_TEXT = (
    "On Sunday evening the Wall St.\u00a0Journal reported that an Iranian official confirmed that United States "
    "President Barack Obama sent a personal letter to Iranian Supreme Leader Ayatollah Ali Khamanei urging joint "
    "cooperation against the Islamic State. The letter, first reported on November 6th, had yet to be publicly "
    "recognized. Reports the Journal\u2018s Jay Solomon:\n"
    "Iranian officials confirmed that Mr. Obama reached out directly to Supreme Leader Ayatollah Ali Khamenei in a "
    "mid-October letter that emphasized shared interests in combating the Islamist militants who have seized "
    "territory in Iraq and Syria.\n"
    "The official is Ali Khoram, an advisor to Iranian nuclear negotiator Javad Zarif:\n"
    "Ali Khoram, an adviser to Mr. Zarif, was the first Iranian official to confirm the reception of the letter, "
    "which was revealed by The Wall Street Journal in an article on Thursday.\n"
    "Mr. Khoram told the Arabic daily, Asharq al-Aswat, that Mr. Obama\u2019s outreach could aid the nuclear "
    "diplomacy and the U.S.\u2019s campaign against Islamic State.\n"
    "Mitt Romney, the Republican nominee for president in 2012, was highly critical of Obama for the decision to "
    "write a letter to the Iranian leader. \u201cI was frankly stunned that the president of the United States "
    "would write a letter of that nature,\u201d he explained at an event of Friday."
)

WSJ_URL = "https://www.wsj.com/articles/iran-supreme-leader-responds-to-obama-letter-1415577934"

# An explainer citing mostly by hyperlinks (15 outlets, two studies, a government report),
# a few sources in words, an embedded post, a credit line and two links to its own site's
# earlier reporting: the popup's list, chain tags and primary-sources line for link citations.
# extension/test/sources.test.mjs reads the same file.
LINK_HEAVY = Path(__file__).resolve().parent / "link-heavy-trace.json"


def fixture_trace(path: Path, url: str, trace_id: int, claim: str | None = None) -> dict:
    """A trace kept as JSON, answered for `url`: its id, addresses and page node set to match."""
    trace = json.loads(path.read_text(encoding="utf-8"))
    original = trace["url"]
    trace.update(id=trace_id, url=url, final_url=url, canonical_url=url, claim=claim)
    for chain in trace["chains"]:
        for node in chain:
            if node.get("url") == original:
                node["url"] = url
    return trace


def fixture_page_html(path: Path) -> str:
    """The text of a trace kept as JSON, as a page the overlay can underline (one <p> per block)."""
    text = json.loads(path.read_text(encoding="utf-8"))["text"]
    title, *blocks = text.split("\n\n")
    body = "".join(f"<p>{html.escape(block)}</p>\n" for block in blocks)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><article><h1>{html.escape(title)}</h1>\n"
        f"{body}</article></body></html>"
    )


def _span(text: str, needle: str, after: int = 0) -> dict:
    start = text.index(needle, after)
    return {"start": start, "end": start + len(needle), "text": needle}


def seed_trace(url: str, trace_id: int = 1, claim: str | None = None) -> dict:
    t = SEED_TEXT
    wsj = {
        "source": {
            "name": "The Wall Street Journal",
            "kind": "outlet",
            "role": None,
            "mention": _span(t, "Wall St.\u00a0Journal"),
        },
        "cue": _span(t, "reported"),
        "content": _span(t, "an Iranian official confirmed that United States President Barack Obama sent"),
        "via": None,
        "relayed_by": None,
        "link": WSJ_URL,
        "confidence": 0.9,
    }
    khoram = {
        "source": {
            "name": "Ali Khoram",
            "kind": "person",
            "role": "adviser to Javad Zarif",
            "mention": _span(t, "Mr. Khoram"),
        },
        "cue": _span(t, "told"),
        "content": _span(t, "Mr. Obama\u2019s outreach could aid the nuclear diplomacy"),
        "via": {"name": "Asharq al-Awsat", "kind": "outlet"},
        "relayed_by": 0,
        "link": None,
        "confidence": 0.8,
    }
    romney = {
        "source": {
            "name": "Mitt Romney",
            "kind": "person",
            "role": "Republican nominee for president in 2012",
            "mention": _span(t, "Mitt Romney"),
        },
        "cue": _span(t, "explained"),
        "content": _span(t, "I was frankly stunned that the president of the United States"),
        "via": None,
        "relayed_by": None,
        "link": None,
        "confidence": 0.7,
    }
    page = {
        "name": "Iranian Official Confirms that Obama Sent Letter to Ayatollah Khamenei",
        "kind": "page",
        "role": None,
        "url": url,
    }
    trace = {
        "id": trace_id,
        "status": "done",
        "url": url,
        "final_url": url,
        "canonical_url": "https://www.example-blog.com/2014/11/iranian-official-confirms-obama-letter",
        "title": "Iranian Official Confirms that Obama Sent Letter to Ayatollah Khamenei",
        "site": "Example Blog",
        "published": "2014-11-09",
        "fetched_at": "2026-11-28T02:00:00Z",
        "sha256": "0" * 64,
        "text": t,
        "claim": claim,
        "attributions": [wsj, khoram, romney],
        "chains": [
            [
                page,
                {"name": "The Wall Street Journal", "kind": "outlet", "role": "Jay Solomon's report", "url": WSJ_URL},
                {"name": "Asharq al-Awsat", "kind": "outlet", "role": "Arabic daily", "url": None},
                {"name": "Ali Khoram", "kind": "person", "role": "adviser to Javad Zarif", "url": None},
            ],
            [
                page,
                {
                    "name": "Mitt Romney",
                    "kind": "person",
                    "role": "Republican nominee for president in 2012",
                    "url": None,
                },
            ],
        ],
        "primary_sources": [
            {
                "name": "Ali Khoram",
                "kind": "person",
                "role": "adviser to Javad Zarif",
                "reason": "spoke on the record to Asharq al-Awsat",
            },
            {
                "name": "Mitt Romney",
                "kind": "person",
                "role": "Republican nominee for president in 2012",
                "reason": "spoke at an event",
            },
        ],
    }
    return trace


def seed_page_html() -> str:
    """The seed text as a page the overlay can underline."""
    paragraphs = "".join(f"<p>{line}</p>\n" for line in SEED_TEXT.split("\n"))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Seed</title></head>"
        f"<body><article>{paragraphs}</article></body></html>"
    )


class FakeBackend:
    """mode: "sync" (201 with the trace), "async" (202, then SSE), "poll" (202, no event stream),
    "error" (422 with a message). A token, when set, is required as a Bearer token. `fixture`:
    answer with that trace JSON (fixture_trace) rather than the seed's."""

    def __init__(self, mode: str = "sync", token: str = "", delay: float = 0.0, fixture: Path | None = None):
        self.mode = mode
        self.fixture = fixture  # a trace kept as JSON to answer with, instead of the seed's
        self.token = token
        self.delay = delay  # seconds before answering POST /api/traces (or between events)
        self.traces: dict[int, dict] = {}
        self.by_url: dict[str, int] = {}
        self.requests: list[tuple[str, str, dict, dict | None]] = []  # method, path, headers, json body
        backend = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _json(self, status: int, payload: dict):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _authorised(self) -> bool:
                if not backend.token or self.path == "/api/health":
                    return True
                if self.headers.get("Authorization") == f"Bearer {backend.token}":
                    return True
                self._json(401, {"error": {"code": "unauthorized", "message": "Wrong or missing API token."}})
                return False

            def do_GET(self):
                backend.requests.append(("GET", self.path, dict(self.headers), None))
                if not self._authorised():
                    return
                parsed = urlparse(self.path)
                if parsed.path == "/api/health":
                    return self._json(200, {"status": "ok", "version": "0.1.0"})
                if parsed.path == "/api/provenance":
                    url = parse_qs(parsed.query).get("url", [""])[0]
                    if url in backend.by_url:
                        return self._json(200, backend.traces[backend.by_url[url]])
                    return self._json(
                        404, {"error": {"code": "not_found", "message": f"{url} has not been traced yet."}}
                    )
                parts = parsed.path.strip("/").split("/")
                if parts[:2] == ["api", "traces"] and len(parts) >= 3 and parts[2].isdigit():
                    trace_id = int(parts[2])
                    if trace_id not in backend.traces:
                        return self._json(404, {"error": {"code": "not_found", "message": "No such trace."}})
                    if len(parts) == 4 and parts[3] == "events":
                        if backend.mode != "async":
                            return self._json(404, {"error": {"code": "not_found", "message": "No event stream."}})
                        return self._events(trace_id)
                    return self._json(200, backend._current(trace_id))
                self._json(404, {"error": {"code": "not_found", "message": "No such route."}})

            def _events(self, trace_id: int):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Connection", "close")
                self.end_headers()
                stages = [
                    ("fetch", "Fetching the page"),
                    ("extract", "Reading the article"),
                    ("attribute", "Finding who said what"),
                    ("follow", "Following the cited sources"),
                ]
                for done, (stage, message) in enumerate(stages):
                    data = json.dumps({"stage": stage, "done": done, "total": len(stages), "message": message})
                    self.wfile.write(f"event: progress\ndata: {data}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(backend.delay)
                backend.traces[trace_id]["status"] = "done"
                self.wfile.write(f"event: done\ndata: {json.dumps({'id': trace_id})}\n\n".encode())
                self.wfile.flush()
                self.close_connection = True

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"null")
                except ValueError:
                    body = None
                backend.requests.append(("POST", self.path, dict(self.headers), body))
                if not self._authorised():
                    return
                if self.path != "/api/traces" or not isinstance(body, dict) or not body.get("url"):
                    return self._json(400, {"error": {"code": "bad_request", "message": 'Send {"url": ...}.'}})
                if backend.mode == "error":
                    time.sleep(backend.delay)
                    return self._json(
                        422,
                        {"error": {"code": "fetch_failed", "message": "The page answered 503 Service Unavailable."}},
                    )
                trace_id = len(backend.traces) + 1
                if backend.fixture is not None:
                    trace = fixture_trace(backend.fixture, body["url"], trace_id, body.get("claim"))
                else:
                    trace = seed_trace(body["url"], trace_id, body.get("claim"))
                backend.traces[trace_id] = trace
                backend.by_url[body["url"]] = trace_id
                if backend.mode == "sync":
                    time.sleep(backend.delay)
                    return self._json(201, trace)
                trace["status"] = "running"
                backend._started = time.monotonic()
                return self._json(202, {"id": trace_id, "status": "running"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._started = 0.0
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _current(self, trace_id: int) -> dict:
        trace = self.traces[trace_id]
        if self.mode == "poll" and trace["status"] == "running":
            if time.monotonic() - self._started > max(self.delay, 0.5) * 2:
                trace["status"] = "done"
            else:
                return {
                    "id": trace_id,
                    "status": "running",
                    "progress": {"stage": "attribute", "done": 1, "total": 2, "message": "Finding who said what"},
                }
        return trace

    def start(self) -> FakeBackend:
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
