"""The CLI's side of multi-hop tracing: its options, a progress bar on stderr, the chains as text.

cli.py adds the flags (`headwater trace --follow/--depth/--budget/--seconds`) and the
`export` command and calls in here.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from headwater.settings import FollowSettings


def add_arguments(parser) -> None:
    parser.add_argument(
        "--follow", action="store_true", help="follow the cited pages upstream (depth 3, 25 pages unless given)"
    )
    parser.add_argument("--depth", type=int, default=None, help="hops to follow upstream (implies --follow)")
    parser.add_argument("--budget", type=int, default=None, help="pages to fetch at most (implies --follow)")
    parser.add_argument("--seconds", type=float, default=None, help="wall-clock budget of the follow")


def settings_from(args) -> FollowSettings | None:
    if not (args.follow or args.depth or args.budget or args.seconds):
        return None
    settings = FollowSettings.from_env()
    changes = {
        k: v
        for k, v in (("depth", args.depth), ("max_pages", args.budget), ("time_budget", args.seconds))
        if v is not None
    }
    settings = replace(settings, **changes)
    return settings if settings.depth > 0 else None


class ProgressBar:
    """`[#####-----] 3/7 pages  Read https://...` redrawn in place on a terminal; a line per step otherwise."""

    WIDTH = 24

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done, self.total = 0, 1

    def event(self, event: dict) -> None:
        data = event["data"]
        if "total" in data:
            self.done, self.total = data["done"], max(1, data["total"])
        if event["type"] in ("done", "failed"):
            self.done = self.total

    def message(self, text: str) -> None:
        filled = int(self.WIDTH * self.done / self.total)
        bar = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {self.done}/{self.total} pages"
        if self.live:
            self.stream.write(f"\r\033[K{bar}  {text[:80]}")
            if text.startswith("Followed"):
                self.stream.write("\n")
        else:
            self.stream.write(f"{bar}  {text}\n")
        self.stream.flush()


def format_follow(trace: dict) -> str:
    """The chains across pages, with the evidence of each hop, for a terminal."""
    follow = trace.get("follow")
    if not follow:
        return ""
    if follow["state"] == "running":
        return f"\nFollowing upstream in the background: see `headwater export {trace['id']}` later."
    lines = ["", f"Upstream, across {sum(d['status'] == 'traced' for d in follow['documents'])} pages:"]
    for number, chain in enumerate(follow["chains"], 1):
        lines.append(f"  {number}. this page")
        for hop in chain[1:]:
            where = f"  <{hop['url']}>" if hop.get("document") is not None else ""
            match = hop.get("match") or {}
            verdict = {
                "quoted": "quoted from",
                "paraphrase": "paraphrased from",
                "not_found": "claim not found in",
            }.get(match.get("verdict"), "")
            mark = " [circular]" if hop.get("circular") else ""
            archived = f" [archived {hop['archived']['date']}]" if hop.get("archived") else ""
            lines.append(f"     -> {hop['name']} ({hop['kind']}){mark}{archived}{where}")
            if verdict:
                lines.append(
                    f'        {verdict}: "{_short(match["cited"]["text"] if match.get("cited") else match["citing"]["text"])}"'
                )
    for p in follow["primary_sources"]:
        lines.append(f"  primary: {p['name']} ({p['kind']}): {p['reason']}")
    for cycle in follow["cycles"]:
        lines.append(f"  {cycle['message']}")
    for hop in follow["hops"]:
        for flag in hop["flags"]:
            if flag["code"] != "circular":
                lines.append(f"  note: {hop['url']}: {flag['message']}")
    for stop in follow["stopped"]:
        lines.append(f"  not followed: {stop['url'] or ''} ({stop['reason']})")
    return "\n".join(lines)


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."
