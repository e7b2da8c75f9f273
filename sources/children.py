"""Worker processes that end with the process that started them.

A ``ProcessPoolExecutor``'s worker outlives a parent killed with -9: it waits on a
queue whose writing end it holds itself, and keeps what it inherited, the
parent's stderr above all, so whoever reads the parent's log to its end waits
forever. ``end_with_parent``, a pool's ``initializer``, starts a thread in each
worker that waits for the parent to end and then ends the worker. What a worker does is safe to cut short: parsing returns nothing, files
are replaced atomically.
"""

from __future__ import annotations

import multiprocessing
import os
import threading

_WATCHER = "nashra: ends with its parent"


def end_with_parent() -> None:
    """In a worker process (a pool's ``initializer``): end it when its parent ends."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def wait() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=wait, name=_WATCHER, daemon=True).start()
