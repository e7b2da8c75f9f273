"""Which process on which machine holds something (a lease, a temporary file).

Several nashra processes may share a store and a ``public/`` folder, on one
machine or several. What a process holds is marked with ``holder()``: a short
hash of the machine's name and the process id. A holder is known to be gone
only when it ran on this machine and no process has its id any more; a holder
on another machine is never judged from here (its lease expires instead).

A ``nashra run`` process is a *node* (``NodeInfo``): its mark, its role, its
machine; nodes sharing a PostgreSQL store agree on the sources they poll by a
digest of their ``[[sources]]`` (``source_list_digest``).
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sources.base import SourceSpec

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


HOSTNAME = socket.gethostname()
"""This machine's name, as people know it (``nashra status``)."""


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """A ``nashra run`` process as other nodes see it in the store."""

    id: str
    """Its ``holder()`` mark: what its leases are marked with."""
    role: str
    host: str
    pid: int
    started: datetime


def this_node(role: str, started: datetime) -> NodeInfo:
    """This process, running in ``role`` since ``started``."""
    return NodeInfo(holder(), role, HOSTNAME, os.getpid(), started)


def source_list_digest(specs: Sequence[SourceSpec]) -> str:
    """A digest of the configured sources (every field of every spec, in name
    order): equal on two nodes exactly when their ``[[sources]]`` agree."""
    text = "\n".join(repr(spec) for spec in sorted(specs, key=lambda s: s.name))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
