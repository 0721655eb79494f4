"""Why a new-books feed gave no list, named for who is at fault.

The refresher (client.keep_fresh) treats every FeedError alike, keeping the last good list; the
names and messages are for the technician reading the log. Never carries a response body.
"""

from __future__ import annotations


class FeedError(Exception):
    """The new-books feed gave no list this time; the message says why."""


class FeedFormatError(FeedError):
    """The feed answered with something that is not a feed (an HTML page, garbage, bad XML)."""


class FeedTooLarge(FeedError):
    """The feed's answer is larger than the configured cap; it was not read to the end."""


class FeedUnavailable(FeedError):
    """The feed could not be reached, timed out, or answered 5xx: try again later."""


class FeedRefused(FeedError):
    """The feed answered 4xx: the URL (or the OPAC's permissions) is wrong in the settings."""
