"""Wire simulators of the registration backends: Koha's patrons endpoint and FOLIO's staging
users on loopback HTTP, over the shared model in simulators/models/registration.py."""
