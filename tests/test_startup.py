"""``sources.startup``: what a nashra process leaves out of its start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _loaded_after(code: str) -> set[str]:
    """The top-level modules a fresh interpreter holds after ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_starting_nashra_does_not_load_httpxs_command_line_client() -> None:
    """httpx alone loads rich and pygments for its command-line client (they are
    installed: nashra's progress display uses rich); nashra's command does not,
    and httpx still works in it."""
    assert {"rich", "pygments"} <= _loaded_after("import httpx")
    loaded = _loaded_after("import scheduler\nimport httpx\nhttpx.Client().close()")
    assert "httpx" in loaded and not {"rich", "pygments"} & loaded
