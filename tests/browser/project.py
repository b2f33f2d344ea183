"""What the browser tests take from outside tests/browser, in one place.

- `followweb`: the multi-hop fixture web, tests/helpers/followweb.py.
- `build_extension`: scripts/build_extension.py, loaded from its file (scripts/ is not
  a package), so the tests build the zips exactly as `make extension` does.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from ..helpers import followweb  # noqa: F401  (re-exported for conftest)

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
