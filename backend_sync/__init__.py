"""Links to the central systems: SIP2 client, booking client, notifier, local store and outbox."""
