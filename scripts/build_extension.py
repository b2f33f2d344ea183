"""Build the browser extension for Chromium and Firefox from the one tree in extension/.

    python scripts/build_extension.py [--out dist] [--build build/extension]

Writes
    dist/headwater-chromium.zip     extension/ as is (Manifest V3, background service worker)
    dist/headwater-firefox.zip      the same files with the Firefox manifest variant
and the unpacked trees build/extension/{chromium,firefox}/ (`web-ext lint
--source-dir build/extension/firefox` checks the Firefox one).

The Firefox manifest differs only where Firefox needs it: the background runs as
an event page (`background.scripts`, still an ES module) instead of a service
worker, and `browser_specific_settings.gecko` gives the add-on its id and the
oldest Firefox it supports. Stdlib only; the zips are reproducible (sorted
entries, fixed timestamps).
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "extension"
GECKO_ID = "headwater@headwater.invalid"
# Firefox 140 (ESR) is the first to read `data_collection_permissions`; on Android, 142.
FIREFOX_MIN_VERSION = "140.0"
FIREFOX_ANDROID_MIN_VERSION = "142.0"
# What ships: the extension's code, pages, styles and icons; not its README or editor files,
# nor its tests (extension/test/, run by `node --test`).
SHIPPED_SUFFIXES = {".js", ".html", ".css", ".png", ".json"}
NOT_SHIPPED_DIRS = {"test"}
EPOCH = (2020, 1, 1, 0, 0, 0)


def source_files(source: Path = SOURCE) -> list[Path]:
    files = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if (
            path.is_file()
            and path.suffix in SHIPPED_SUFFIXES
            and not any(p.startswith(".") for p in rel.parts)
            and rel.parts[0] not in NOT_SHIPPED_DIRS
        ):
            files.append(rel)
    return files


def chromium_manifest(manifest: dict) -> dict:
    return copy.deepcopy(manifest)


def firefox_manifest(manifest: dict) -> dict:
    firefox = copy.deepcopy(manifest)
    background = firefox.get("background", {})
    worker = background.pop("service_worker", None)
    if worker:
        background["scripts"] = [worker]
    firefox["background"] = background
    firefox.pop("minimum_chrome_version", None)
    firefox["browser_specific_settings"] = {
        "gecko": {
            "id": GECKO_ID,
            "strict_min_version": FIREFOX_MIN_VERSION,
            # Nothing is collected by the extension's developers: traces go only to the
            # reader's own backend on 127.0.0.1 / localhost.
            "data_collection_permissions": {"required": ["none"]},
        },
        "gecko_android": {"strict_min_version": FIREFOX_ANDROID_MIN_VERSION},
    }
    return firefox


def write_tree(files: list[Path], manifest: dict, target: Path, source: Path = SOURCE) -> None:
    if target.exists():
        shutil.rmtree(target)
    for rel in files:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if rel.as_posix() == "manifest.json":
            dest.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        else:
            shutil.copyfile(source / rel, dest)


def write_zip(tree: Path, zip_path: Path) -> None:
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())


def build(out: Path, build_dir: Path, source: Path = SOURCE) -> dict[str, Path]:
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    files = source_files(source)
    results = {}
    for browser, variant in (("chromium", chromium_manifest), ("firefox", firefox_manifest)):
        tree = build_dir / browser
        write_tree(files, variant(manifest), tree, source)
        zip_path = out / f"headwater-{browser}.zip"
        write_zip(tree, zip_path)
        results[browser] = zip_path
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the zips go (default dist/)")
    parser.add_argument(
        "--build",
        type=Path,
        default=ROOT / "build" / "extension",
        help="where the unpacked trees go (default build/extension/)",
    )
    args = parser.parse_args(argv)
    for browser, path in build(args.out, args.build).items():
        print(f"{browser}: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
