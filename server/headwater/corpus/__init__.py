"""Corpus scale: a whole news archive (WARC files, saved pages, URL lists) traced on dask.distributed.

inputs.py    what a run reads, cut into partitions (a WARC file, 50 saved pages, a group of hosts)
pipeline.py  one page's analysis (trace's own) and the WorkerPlugin that loads it once per worker
tasks.py     what a worker does with a partition: read or fetch, analyse, write its rows
output.py    the Parquet datasets, written a partition at a time (temporary name, then rename)
engine.py    the cluster (local or --scheduler), the run, the outlet graph
trace_list.py, texts.py   `headwater trace --from` and `headwater analyze` on the same engine
load.py, stats.py          `headwater corpus load` (SQLite) and `headwater corpus stats`
progress.py  the progress line on stderr
"""
