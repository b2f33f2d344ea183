"""Datasette plugins for `headwater review` (loaded with --plugins-dir; see host_guard.py)."""
