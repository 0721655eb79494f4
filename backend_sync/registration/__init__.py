"""Registration backends (issue 17): the core's RegistrationPort over Koha's REST API, FOLIO's
staging users and an e-mail to the lending desk. Each takes plain arguments (never
kiosk.settings); kiosk/wiring/registration.py builds the configured one.
"""
