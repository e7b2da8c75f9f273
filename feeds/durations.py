"""Lengths of time as an operator reads them in a log line or ``nashra status``."""

from __future__ import annotations


def duration_text(seconds: float) -> str:
    """``seconds`` rounded to the unit that reads best: 45 s, 12 min, 3.5 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
