"""What the performance benchmarks share: statistics, the result rows, the table.

Every benchmark module (analysis.py, lookups.py, store_growth.py) measures its
subject and a baseline in the same run, and reports a row per figure:

    Row(bench, measure, value, unit, baseline, ratio, target, ok)

`ratio` is the figure the target is about (a ratio against the baseline, never
an absolute time: the machines are shared and noisy); `ok` is None when the row
is for information only. `--json FILE` writes the rows, so that perf.py can run
each benchmark in its own process and print one table.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import resource
import statistics
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]  # server/headwater/evaluation/ -> the checkout


def shared_dir() -> Path:
    """The research data: ../shared beside the repo, or $HEADWATER_SHARED."""
    return Path(os.environ.get("HEADWATER_SHARED") or REPO.parent / "shared")


def corpus_pages(limit: int | None = None) -> list[tuple[str, bytes]]:
    """(url, html bytes) of the corpus pages, sorted by file name."""
    corpus = shared_dir() / "corpus"
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    files = sorted((corpus / "html").glob("*.html.gz"))
    if not files:
        raise SystemExit(f"No pages in {corpus / 'html'}: set HEADWATER_SHARED to the folder holding corpus/.")
    if limit:
        files = files[:limit]
    pages = []
    for f in files:
        key = f.name.removesuffix(".html.gz")
        url = (truth.get(key) or {}).get("url")
        pages.append((url, gzip.decompress(f.read_bytes())))
    return pages


# -- statistics -------------------------------------------------------------------


def median(values) -> float:
    values = list(values)
    if not values:
        raise ValueError("median of no values")
    return statistics.median(values)


def percentile(values, q: float) -> float:
    """The q-th percentile (0..100), linear between the closest ranks (numpy's default)."""
    values = sorted(values)
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is not within 0..100")
    position = (len(values) - 1) * q / 100
    lower, upper = math.floor(position), math.ceil(position)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


def ratio(value: float, baseline: float) -> float:
    """value / baseline; infinite when the baseline is zero and the value is not."""
    if baseline == 0:
        return 0.0 if value == 0 else math.inf
    return value / baseline


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB.

    VmHWM from /proc/self/status where there is one: getrusage's ru_maxrss of a
    process started by fork + exec starts at its parent's peak (Linux keeps it
    across both), so a child would report the parent's memory.
    """
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def machine() -> str:
    cores = os.cpu_count() or 1
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = "unknown CPU"
    return f"{cores} cores ({model}), Python {sys.version.split()[0]}"


# -- rows and the table ------------------------------------------------------------


@dataclass
class Row:
    bench: str
    measure: str
    value: float | None
    unit: str = ""
    baseline: str = ""  # what the ratio is against, with its value: "health 2100 req/s"
    ratio: float | None = None
    target: str = ""  # "<= 3x", ">= 0.5x"; empty for information
    ok: bool | None = None  # None: information only


def check(value: float, target: str) -> bool:
    """Does `value` meet a target written as "<= N" or ">= N" (an optional trailing x or unit)?"""
    op, _, number = target.strip().partition(" ")
    limit = float(number.strip().rstrip("x").split()[0])
    if op == "<=":
        return value <= limit
    if op == ">=":
        return value >= limit
    raise ValueError(f"a target is '<= N' or '>= N', not {target!r}")


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    if math.isinf(value):
        return "inf"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(rows: list[Row]) -> str:
    header = ("benchmark", "measure", "value", "baseline (same run)", "ratio", "target", "")
    lines = [header]
    for r in rows:
        verdict = "" if r.ok is None else ("ok" if r.ok else "MISSED")
        value = f"{fmt(r.value)} {r.unit}".strip() if r.value is not None else "-"
        ratio_text = f"{fmt(r.ratio)}x" if r.ratio is not None else ""
        lines.append((r.bench, r.measure, value, r.baseline, ratio_text, r.target, verdict))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(str(cell).ljust(w) for cell, w in zip(line, widths)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def emit(rows: list[Row], json_path: str | None, notes: list[str] = ()):
    """Print the rows as a table (and any notes), and write them to `json_path` if given."""
    print(table(rows))
    for note in notes:
        print(note)
    if json_path:
        Path(json_path).write_text(json.dumps({"rows": [asdict(r) for r in rows], "notes": list(notes)}, indent=1))


def load_rows(json_path: str | Path) -> tuple[list[Row], list[str]]:
    data = json.loads(Path(json_path).read_text())
    return [Row(**r) for r in data["rows"]], data.get("notes", [])


def say(message: str):
    """Progress goes to stderr, so that stdout holds only the table."""
    print(message, file=sys.stderr, flush=True)


def check_all_clients_served(results: dict, clients: int, share: float = 0.75) -> None:
    """wrk times only the requests answered within the round: a server that served a few
    connections and left the others waiting would show the latencies of the few. Little's
    law tells: requests/s x mean latency is the number of clients served at a time, which
    must be about all of them (less the clients' own time between two requests)."""
    for name, rounds in results.items():
        served = min(res["in_flight"] for res in rounds)
        if served < share * clients:
            raise RuntimeError(
                f"{name}: only {served:.1f} of {clients} clients were being served at a time "
                "(requests/s x mean latency); the others waited unmeasured, so the latencies "
                "would flatter the server"
            )
