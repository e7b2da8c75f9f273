"""Which process on which machine holds something (a lease, a temporary file).

Several nashra processes may share a store and a ``public/`` folder, on one
machine or several. What a process holds is marked with ``holder()``: a short
hash of the machine's name and the process id. A holder is known to be gone
only when it ran on this machine and no process has its id any more; a holder
on another machine is never judged from here (its lease expires instead).
"""

from __future__ import annotations

import hashlib
import os
import socket

HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
"""This machine, as 8 hex digits."""


def holder() -> str:
    """This process: ``<host>:<pid>``."""
    return f"{HOST}:{os.getpid()}"


def process_gone(host: str, pid: int) -> bool:
    """Whether the process ``pid`` of machine ``host`` is known to be gone: it ran
    on this machine and no process has its id any more."""
    if host != HOST or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):  # another user's process, or a pid out of range
        return False
    return False


def holder_gone(mark: str) -> bool:
    """Whether the process a ``holder()`` mark names is known to be gone."""
    host, _, pid = mark.partition(":")
    return pid.isdigit() and process_gone(host, int(pid))
