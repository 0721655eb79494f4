"""The kiosk's local store: one SQLite file holding the durable outbox, the reconciliation list
and the statistics. The only package that imports SQLAlchemy for them.

database.py opens it (WAL, synchronous=FULL) and migrates it (Alembic, migrations/); outbox.py is
the outbox port's implementation; replayer.py and sync_worker.py send it to the ILS;
statistics.py records and reports activity.
"""
