"""`headwater analyze FILE...` on the corpus engine: plain-text files attributed, results in input order.

    for result in analyze_files(paths, workers=None, progress=True):   # None: one worker per core
        print(result.file, len(result.attributions or []), result.error)

With one worker (or one file) the files are analysed in this process, without a cluster.
A file that cannot be read (or whose analysis fails) gives a result with `error` set
and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from headwater.corpus.pipeline import text_attributor
from headwater.corpus.progress import Progress, default_workers


@dataclass
class FileResult:
    file: str
    attributions: list[dict] | None  # the JSON contract's attribution objects; None on error
    error: str | None = None


def analyze_file(path: str) -> FileResult:
    """Attribute one plain-text file with this process's (or this worker's) pipeline."""
    attributor = text_attributor()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return FileResult(str(path), None, getattr(error, "strerror", None) or str(error))
    try:
        return FileResult(str(path), [a.to_dict() for a in attributor.attribute(text)])
    except Exception as error:  # one bad file must not end a batch of thousands
        return FileResult(str(path), None, f"analysis failed: {error!r}")


def analyze_chunk(chunk: list[tuple[int, str]]) -> list[tuple[int, FileResult]]:
    return [(index, analyze_file(path)) for index, path in chunk]


def analyze_files(
    paths: Iterable[str | Path], *, workers: int | None = None, progress: bool | Progress = False, client=None
) -> Iterator[FileResult]:
    """`headwater analyze` over many files on the engine's workers; results in input order."""
    from headwater.corpus.engine import cluster, ordered

    paths = [str(p) for p in paths]
    if progress is True:
        progress = Progress(len(paths), "analyze", "files")
    workers = min(workers or default_workers(), max(1, len(paths)))

    def step(results):
        for result in results:
            yield result
            if progress:
                progress.step()

    if workers == 1 and client is None:
        yield from step(analyze_file(path) for path in paths)
        return
    size = max(1, len(paths) // (workers * 4))  # a few chunks per worker: even load, few tasks
    indexed = list(enumerate(paths))
    chunks = [indexed[i : i + size] for i in range(0, len(indexed), size)]

    def run(client):
        from distributed import as_completed

        futures = [client.submit(analyze_chunk, chunk, pure=False) for chunk in chunks]

        def arrived():
            for future in as_completed(futures):
                yield from future.result()
                future.release()

        yield from step(ordered(arrived(), len(paths)))

    if client is not None:
        yield from run(client)
        return
    with cluster(workers=workers) as own:
        yield from run(own)
