"""A mail catcher: the SMTP server of the demo and the technicians' tests."""
