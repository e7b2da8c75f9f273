"""One file per schema version: ``000N_what.py`` with ``revision = "000N"``."""
