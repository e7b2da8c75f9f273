"""Writing files under the public folder: atomically, and only when the bytes change.

A file is written to a temporary file in the same folder, fsynced and renamed
over the old one, so a reader never sees half a file; when the bytes are the
same as on disk, nothing is written and the modification time is kept.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sources.errors import PublishError


def write_if_changed(path: Path, data: bytes, *, durable: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds it. True if written.

    ``durable=False`` skips the fsyncs (the rename is still atomic): for many small
    files written together, followed by one ``sync_all()``.
    """
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise PublishError(str(path), f"cannot read: {exc.strerror}") from exc
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if durable:
            _fsync_dir(path.parent)
    except OSError as exc:
        raise PublishError(str(path), f"cannot write: {exc.strerror}") from exc
    return True


def sync_all() -> None:
    """Flush every written file to disk (after a batch of non-durable writes)."""
    os.sync()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files a killed run left behind. Returns how many."""
    removed = 0
    if folder.is_dir():
        for tmp in folder.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed
