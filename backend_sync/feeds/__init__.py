"""The attract screen's live "new books" strip (issue 7) from a feed the library's OPAC publishes.

SIP2 has no "new acquisitions" query, so the live source is the OPAC's own feed: Koha's RSS for
a search or a public list, VuFind's or Evergreen's RSS/Atom, or a JSON list. books (the NewBook
value), errors (who is at fault), cleaning (titles and authors made fit for the screen, pure),
parse (bytes -> books, pure), client (requests: timeouts, conditional GET, size cap; the
keep_fresh refresher). Never reads kiosk.settings: kiosk/wiring/feeds.py builds the feed.
"""
