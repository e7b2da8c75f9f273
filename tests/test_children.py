"""Worker processes end with their parent (sources/children.py), even a parent
killed with -9: nothing keeps its log open, nothing is left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PARENT = textwrap.dedent(
    """
    import multiprocessing, os, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from sources.children import end_with_parent

    if __name__ == "__main__":
        watched = sys.argv[1] == "watched"
        pool = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn"),
            initializer=end_with_parent if watched else None,
        )
        print(pool.submit(os.getpid).result(), flush=True)
        time.sleep(120)
    """
)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.parametrize("watched", [True, False])
def test_a_pool_worker_ends_when_its_parent_is_killed(tmp_path: Path, watched: bool) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen(
        [sys.executable, str(script), "watched" if watched else "bare"],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    try:
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + (15 if watched else 2)
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        # without the watch the worker is left behind, holding the parent's output
        assert _alive(worker) is not watched
        if watched:
            assert parent.stdout.read() == ""  # nobody holds the parent's output open
    finally:
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)
        parent.stdout.close()
