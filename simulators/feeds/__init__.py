"""The new-books feed simulator (issue 7): an OPAC's RSS, Atom and JSON feeds on loopback.

model (the list and its faults, shared), render (the feed shapes), server (HTTP with ETag,
faults), fake (the same model in-process for unit tests), cli (`kiosk sim feed`).
"""
