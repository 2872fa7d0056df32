"""Progress of long work: what a job's generator yields (DESIGN.md §5: long work is a
generator that yields progress and checks a cancel flag; the engine turns it into signals)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` units (0 total: unknown), with a short text for the status line."""

    done: int
    total: int
    text: str = ""
