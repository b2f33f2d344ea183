"""What the browser tests take from outside tests/browser, in one place.

- `followweb`: the multi-hop fixture web, tests/followweb.py (imported by its top-level
  name, as tests/ is on sys.path under pytest's rootdir conftest; when tests/ becomes a
  package with tests/helpers/, this is the one import to re-point:
  `from ..helpers import followweb`).
- `build_extension`: scripts/build_extension.py, loaded from its file (scripts/ is not
  a package), so the tests build the zips exactly as `make extension` does.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import followweb  # noqa: F401  (tests/followweb.py; see above)

ROOT = Path(__file__).resolve().parent.parent.parent


def _load_script(name: str):
    module_name = f"headwater_scripts_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


build_extension = _load_script("build_extension")
