"""bench/archives.py on a small store: both folders end byte-identical, and the
rebuild reusing entries renders fewer of them than the one rendering every entry
of the pages it touches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_archive_benchmark_compares_two_identical_folders(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "bench" / "archives.py")]
    command += ["--stories", "1200", "--new", "40", "--out", str(tmp_path / "work")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    lines = done.stdout.splitlines()
    assert "byte-identical: yes" in lines[0]
    first, again = (line.split() for line in lines[-2:])
    # label, reuse s, files, entries, render s, files, entries, ratio
    assert first[:2] == ["first", "publish"] and again[:3] == ["40", "new", "stories"]
    reuse_first, render_first = int(first[4]), int(first[7])
    reuse_again, render_again = int(again[5]), int(again[8])
    assert 0 < reuse_first < render_first  # a story in two feeds rendered once
    assert 0 < reuse_again < render_again / 4  # unchanged entries taken from the files
    assert first[3] == first[6] and again[4] == again[7]  # the same files written
