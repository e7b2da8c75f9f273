"""The store's Alembic migrations: ``env.py`` and ``versions/``, run by ``feeds.store.migrate``."""
