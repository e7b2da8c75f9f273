"""What one poll of a source came to: one word, used everywhere.

``nashra once`` prints it at the start of each source's line, ``nashra run``
writes it in the poll's log line, and the store keeps it for ``nashra status``,
so that "failed" means the same thing in all three.
"""

from __future__ import annotations

from enum import StrEnum

from sources.base import Collected
from sources.errors import SourceError


class PollStatus(StrEnum):
    """The status of one poll; its value is the word shown and stored."""

    OK = "ok"
    """Everything was collected (there may be nothing new)."""
    PARTIAL = "partial"
    """Something was collected, and part of the source had problems (one bad file
    of a glob, one bad line), or the source has a notice (a glob that matches no
    file yet): reported, but not a failure that backs off."""
    NOT_MODIFIED = "not-modified"
    """A URL source answered 304: nothing changed since the last poll."""
    GONE = "gone"
    """A URL source answered 410: it is not polled again."""
    FAILED = "failed"
    """Nothing of the source could be collected or stored: counts as a failure."""
    SKIPPED_GONE = "skipped-gone"
    """``nashra once`` only: a source marked gone earlier, not polled (never stored)."""


def failed_whole(outcome: Collected | SourceError) -> bool:
    """Nothing of the source could be collected (as opposed to a partial problem:
    one bad file of a glob, one bad line, one item without a title)."""
    if isinstance(outcome, SourceError):
        return True
    if outcome.status is not None and outcome.status >= 400:
        return True
    collected_something = (
        outcome.items or outcome.files or outcome.unchanged or outcome.not_modified
    )
    return bool(outcome.errors) and not collected_something


def poll_status(outcome: Collected | SourceError) -> PollStatus:
    """The status of a poll from what collecting the source gave."""
    if isinstance(outcome, Collected) and outcome.state is not None and outcome.state.gone:
        return PollStatus.GONE
    if isinstance(outcome, SourceError) or outcome.errors:
        return PollStatus.FAILED if failed_whole(outcome) else PollStatus.PARTIAL
    if outcome.notices:  # e.g. a glob that matches no file yet: said, never a failure
        return PollStatus.PARTIAL
    return PollStatus.NOT_MODIFIED if outcome.not_modified else PollStatus.OK
