"""Make the store fixtures of the first release (schema version 1).

Run it with the release's code first on the import path (its ``scheduler`` and
``feeds`` packages), from a folder holding the release's ``examples/``:

    PYTHONPATH=RELEASE python tests/data/stores/make_release_store.py RELEASE OUT [ADMIN_URL]

It copies the release's examples into a scratch site, adds URL sources served
by a loopback HTTP server (a feed with validators, a permanent redirect, a feed
that is gone, one that fails) and runs the release's ``nashra once`` on it:

- OUT/nashra-0.1.0.db: the SQLite store it made;
- OUT/nashra-0.1.0.postgres.sql: with ADMIN_URL (a PostgreSQL server where a
  scratch database may be created), the same run against PostgreSQL, dumped by
  ``pg_dump``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).parent
FEED = (HERE / "release-feed.xml").read_bytes()
ETAG = '"wire-2026-11-29"'
LAST_MODIFIED = "Sun, 29 Nov 2026 07:05:00 GMT"


class Wire(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/feed.xml":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", ETAG)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)
        elif self.path == "/old.xml":
            self.send_response(301)
            self.send_header("Location", "/feed.xml")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(410 if self.path == "/gone.xml" else 500)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def site_config(port: int, database: str) -> str:
    base = f"http://127.0.0.1:{port}"
    wire = "".join(
        f'\n[[sources]]\nname = "{name}"\nurl = "{base}/{path}"\nallow_private = true\nevery = "10m"\n'
        for name, path in (
            ("wire", "feed.xml"),
            ("wire-old", "old.xml"),
            ("wire-gone", "gone.xml"),
            ("wire-broken", "broken.xml"),
        )
    )
    config = (Path("nashra.toml").read_text(encoding="utf-8") + wire).replace(
        '# database = "sqlite:///.state/nashra.db"', f'database = "{database}"'
    )
    assert f'database = "{database}"' in config
    return config


def run_release(release: Path, database: str) -> Path:
    """The release's ``nashra once`` in a scratch site using ``database``."""
    import scheduler  # the release's

    site = Path(tempfile.mkdtemp(prefix="nashra-release-"))
    shutil.copytree(release / "examples", site / "examples")
    shutil.copy(release / "nashra.toml", site / "nashra.toml")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Wire)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        os.chdir(site)
        (site / "nashra.toml").write_text(
            site_config(server.server_address[1], database), encoding="utf-8"
        )
        with contextlib.suppress(SystemExit):  # failed sources: a non-zero status, expected
            scheduler.cli.main(["--config", "nashra.toml", "once"], standalone_mode=False)
    finally:
        server.shutdown()
    return site


def main() -> None:
    release, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    admin = sys.argv[3] if len(sys.argv) > 3 else ""
    site = run_release(release, "sqlite:///.state/nashra.db")
    made = site / ".state" / "nashra.db"
    with sqlite3.connect(made) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # one file, no WAL beside it
    conn.close()
    shutil.copy(made, out / "nashra-0.1.0.db")
    os.chdir(out)
    shutil.rmtree(site)
    if not admin:
        return
    from sqlalchemy import create_engine, text

    name = f"nashra_release_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin.rsplit("/", 1)[0] + f"/{name}"
        os.chdir(out)
        shutil.rmtree(run_release(release, url))
        libpq = url.replace("postgresql+psycopg://", "postgresql://")
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", "--inserts", f"--dbname={libpq}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        # psql's own commands (``\\restrict``) are not SQL: any driver must run the dump
        sql = "".join(line for line in dump.splitlines(True) if not line.startswith("\\"))
        (out / "nashra-0.1.0.postgres.sql").write_text(sql, encoding="utf-8")
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


if __name__ == "__main__":
    main()
