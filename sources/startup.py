"""What every nashra process sets before the modules it uses are imported.

httpx imports its command-line client, and with it rich, click and pygments
(40 to 60 ms of CPU at every start: a twentieth of a ``nashra once`` that finds
nothing new), whenever they are installed. nashra never runs that client (rich
and click are imported when its own command line needs them), so the client's
module is marked as absent before httpx is first imported: httpx then leaves it
out, as it does when they are missing.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
