"""Headwater: trace a news story upstream to where it came from.

The package mirrors the pipeline: fetch -> extract -> attribute -> trace -> store,
with api, cli (and the browser extension) as thin shells over it.
"""

__version__ = "0.1.0"
