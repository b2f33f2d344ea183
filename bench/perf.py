"""`make bench`: every performance benchmark, one table.

    .venv/bin/python bench/perf.py [--quick] [--only analysis,lookups,trace,store]

Runs, each in its own process (so that memory and caches do not leak from one
into the next):

1. bench/analysis.py      analysis throughput over ../shared/corpus
2. bench/lookups.py       GET /api/provenance under 32 clients, against /api/health
3. bench/trace.py         trace latency on the multi-hop fixture web (when present)
4. bench/store_growth.py  size per trace and query times at 10k and 100k traces
5. bench/growth.py        analysis time per KB of text at 1x, 4x and 16x the median article

and prints their rows as one table, with the machine. Every figure is a ratio
against a baseline measured in the same run; absolute times are for information.
Exits 1 if a benchmark failed to run (a missed target is reported, not an error).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from headwater.evaluation.benchkit import Row, load_rows, machine, table

BENCH_DIR = Path(__file__).resolve().parent
BENCHMARKS = {
    "analysis": "analysis.py",
    "lookups": "lookups.py",
    "trace": "trace.py",
    "store": "store_growth.py",
    "growth": "growth.py",
}


def run_one(name: str, quick: bool, tmp: Path) -> tuple[list[Row], list[str], str | None]:
    script = BENCH_DIR / BENCHMARKS[name]
    if not script.exists():
        return [Row(name, f"skipped: bench/{script.name} not present", None)], [], None
    out = tmp / f"{name}.json"
    command = [sys.executable, str(script)] + (["--quick"] if quick else [])
    if name == "trace":  # the multi-hop benchmark (`make bench-trace`): run as it is, show its own output
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
        if done.returncode:
            return [], [], f"bench/trace.py exited with {done.returncode}"
        return [Row(name, "its own output: see the notes below", seconds, "s run")], [done.stdout.rstrip()], None
    started = time.perf_counter()
    done = subprocess.run(command + ["--json", str(out)], stdout=subprocess.DEVNULL)
    if done.returncode or not out.exists():
        return [], [], f"bench/{script.name} exited with {done.returncode}"
    rows, notes = load_rows(out)
    return rows, notes + [f"{name}: ran in {time.perf_counter() - started:.0f} s"], None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick to every benchmark (a smoke run)")
    parser.add_argument("--only", help=f"a comma-separated subset of {','.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    rows, notes, failures = [], [], []
    with tempfile.TemporaryDirectory(prefix="headwater-bench-") as tmp:
        for name in names:
            print(f"== {name}", file=sys.stderr, flush=True)
            r, n, failure = run_one(name, args.quick, Path(tmp))
            rows += r
            notes += n
            if failure:
                failures.append(failure)
                rows.append(Row(name, f"FAILED: {failure}", None))
    print()
    print(f"Headwater benchmarks{' (--quick)' if args.quick else ''} on {machine()}")
    print(table(rows))
    for note in notes:
        print(note)
    missed = [r for r in rows if r.ok is False]
    print(
        f"\n{sum(r.ok is True for r in rows)} targets held, {len(missed)} missed"
        + (f": {'; '.join(f'{r.bench} {r.measure.strip()}' for r in missed)}" if missed else "")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
