"""Event ids in the UUID version 7 layout (48 bits of Unix milliseconds, then random bits), as the .NET SDK makes
them: time-ordered, unique, made once per operation so a retried batch is counted once by the server. From
``random`` rather than ``os.urandom`` (a system call per id): an id must be unique, not unguessable."""

from __future__ import annotations

import random

_bits = random.getrandbits


def new_event_id(unix_seconds: float) -> str:
    """32 lower-case hex digits, the form the .NET SDK sends (``Guid.ToString("N")``)."""
    ms = int(unix_seconds * 1000) & 0xFFFF_FFFF_FFFF
    value = (ms << 80) | (0x7 << 76) | (_bits(12) << 64) | (0b10 << 62) | _bits(62)
    return "%032x" % value
