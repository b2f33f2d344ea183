"""How Headwater is measured: the scorers on gold data (PolNeAR; real pages, sources.py), the
benchmark harness, and the local fixture web that tests and benchmarks serve pages from."""
