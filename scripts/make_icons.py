"""Draw the extension's toolbar icons (stdlib only): extension/icons/icon-{16,32,48,128}.png.

The icon is the popup's chain in miniature: three stops on a path down a teal
tile, the last one (the primary source) in gold. Run it again only to change
the design; the PNGs are checked in so the unpacked extension loads as is.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "extension" / "icons"
SIZES = (16, 32, 48, 128)
TEAL = (10, 125, 110)
WHITE = (255, 255, 255)
GOLD = (242, 178, 36)


def png(width: int, height: int, rgba: list[tuple[int, int, int, int]]) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(struct.pack("BBBB", *rgba[y * width + x]) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def shade(u: float, v: float) -> tuple[tuple[int, int, int], float]:
    """Colour and coverage at (u, v) in the unit square."""
    # rounded tile
    r = 0.2
    dx = max(abs(u - 0.5) - (0.5 - r), 0.0)
    dy = max(abs(v - 0.5) - (0.5 - r), 0.0)
    if math.hypot(dx, dy) > r:
        return (0, 0, 0), 0.0
    stops = [(0.36, 0.22), (0.62, 0.5), (0.4, 0.78)]
    for i, (sx, sy) in enumerate(stops):
        if math.hypot(u - sx, v - sy) < 0.115:
            return (GOLD if i == len(stops) - 1 else WHITE), 1.0
    for (ax, ay), (bx, by) in zip(stops, stops[1:]):
        t = max(0.0, min(1.0, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)))
        if math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay))) < 0.04:
            return WHITE, 1.0
    return TEAL, 1.0


def draw(size: int, samples: int = 4) -> bytes:
    pixels = []
    for y in range(size):
        for x in range(size):
            acc = [0.0, 0.0, 0.0]
            cover = 0.0
            for sy in range(samples):
                for sx in range(samples):
                    colour, a = shade((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size)
                    cover += a
                    for k in range(3):
                        acc[k] += colour[k] * a
            n = samples * samples
            if cover:
                pixels.append(tuple(round(c / cover) for c in acc) + (round(255 * cover / n),))
            else:
                pixels.append((0, 0, 0, 0))
    return png(size, size, pixels)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        (ICONS / f"icon-{size}.png").write_bytes(draw(size))
        print(ICONS / f"icon-{size}.png")


if __name__ == "__main__":
    main()
