"""Card payments: the protocol-neutral payment-terminal port (terminal.py).

The patron flow (paying fines, holding the payment open until the library system accepts it)
builds on this port; ZVT, nexo Retailer or a cash acceptor plug in behind it.
"""
