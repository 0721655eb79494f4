"""SIP2 2.00: the pure codec and session, and the socket client."""
