"""The CLI's batch commands, on the corpus engine (headwater.corpus: dask.distributed).

`analyze_files` (headwater analyze), `trace_urls` (headwater trace --from) and the
progress line they print live in headwater.corpus; this module names them for the CLI.
"""

from headwater.corpus.progress import Progress, default_workers
from headwater.corpus.texts import FileResult, analyze_files
from headwater.corpus.trace_list import TraceResult, trace_urls

__all__ = ["Progress", "default_workers", "FileResult", "analyze_files", "TraceResult", "trace_urls"]
