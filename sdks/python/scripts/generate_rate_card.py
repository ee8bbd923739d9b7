#!/usr/bin/python3
"""Copies the server's rate card (src/Panoptic.Sdk/Pricing/rate-card.json, the single source of prices) into the
Python package as data. `--check` exits 1 when the copy is stale instead of writing it."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[2] / "src" / "Panoptic.Sdk" / "Pricing" / "rate-card.json"
TARGET = HERE.parent / "src" / "panoptic" / "pricing" / "rate-card.json"


def main(argv: list[str]) -> int:
    source = SOURCE.read_bytes()
    current = TARGET.read_bytes() if TARGET.exists() else b""
    if "--check" in argv:
        if current != source:
            print(f"{TARGET} is stale: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    if current != source:
        TARGET.write_bytes(source)
        print(f"wrote {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
