"""`kiosk sim jack`: plug and unplug headphones without a sound card, through a FIFO."""

from __future__ import annotations

import os
import stat


def make_fifo(path: str) -> None:
    """Make the FIFO the kiosk reads as its headphone jack ([ui] headphone_jack); one already
    there is kept. Raises FileExistsError when something that is not a FIFO is at ``path``,
    OSError when the FIFO cannot be made."""
    try:
        os.mkfifo(path, 0o660)
    except FileExistsError:
        if not stat.S_ISFIFO(os.stat(path).st_mode):
            raise
