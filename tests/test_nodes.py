"""The nodes sharing a store (#11): heartbeats in the ``nodes`` table and what
``nashra status`` shows of them; the render lock; changes announced to other
processes; the shared source list a PostgreSQL node must agree with. Real SQLite
and PostgreSQL; real Arabic articles (Goud.ma, MArSum corpus, CC BY 4.0).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from feeds.config import load_config
from feeds.daemon import Daemon, DaemonSettings, InProcessPoller, Role, StoreQueue, agree_sources
from feeds.node import HOSTNAME, NodeInfo, holder, source_list_digest, this_node
from feeds.publish import publish
from feeds.status import read_status, status_json, status_lines
from feeds.store import Store
from feeds.store.changes import ChangeWatch
from feeds.store.nodes import PRUNE_AFTER, Nodes
from sources.errors import ConfigError
from tests.conftest import NOW, POSTGRES, Site, postgres_database
from tests.test_cli import NASHRA
from tests.test_topics import _entry

needs_postgres = pytest.mark.skipif(
    not POSTGRES, reason="NASHRA_TEST_POSTGRES is not set (.ci/run sets it)"
)


def node(number: int, role: str = "worker") -> NodeInfo:
    return NodeInfo(
        f"cafe0{number:03d}:{4000 + number}", role, f"عقدة-{number}", 4000 + number, NOW
    )


# ------------------------------------------------------------------- heartbeats


def test_status_lists_every_node_with_its_heartbeat_polls_and_leases(
    store: Store, site: Site
) -> None:
    config = site.config()
    store.sync_sources(config.sources, NOW)
    me = this_node("worker", NOW - timedelta(minutes=5))
    assert me.id == holder() and me.host == HOSTNAME
    Nodes(store).beat(me, NOW - timedelta(seconds=4), 17)
    claimed = store.claim(NOW, 2, lease=300)  # leased to this process: ``me``
    Nodes(store).beat(node(1, "publisher"), NOW - timedelta(seconds=2), 0)
    Nodes(store).beat(node(2), NOW - timedelta(minutes=7), 40)  # stopped without a word
    report = read_status(config, store, NOW)
    assert [(n.id, n.role, n.polls, n.leases) for n in report.nodes] == [  # oldest first
        (me.id, "worker", 17, len(claimed)),
        (node(1).id, "publisher", 0, 0),
        (node(2).id, "worker", 40, 0),
    ]
    assert len(claimed) == 2
    data = status_json(report, 3)
    shown = {n["id"]: n for n in data["nodes"]}
    assert shown[me.id]["heartbeat_age_seconds"] == 4.0 and not shown[me.id]["gone"]
    assert shown[me.id]["leases"] == 2 and shown[me.id]["polls_last_minute"] == 17
    assert shown[node(2).id]["gone"] and shown[node(1).id]["host"] == "عقدة-1"
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    lines = status_lines(report, 3)
    head = next(i for i, line in enumerate(lines) if line.startswith("node "))
    assert lines[head].split() == [
        "node",
        "role",
        "host",
        "pid",
        "heartbeat",
        "polls/min",
        "leases",
    ]
    rows = {line.split()[0]: line for line in lines[head + 1 : head + 4]}
    assert rows[me.id].split()[-2:] == ["17", "2"] and "4 s ago" in rows[me.id]
    assert "gone (7 min ago)" in rows[node(2).id]


def test_a_node_that_stops_leaves_and_a_long_silent_one_is_forgotten(store: Store) -> None:
    Nodes(store).beat(node(1), NOW - PRUNE_AFTER - timedelta(minutes=1), 3)
    Nodes(store).beat(node(2), NOW - timedelta(hours=2), 3)
    Nodes(store).beat(node(3), NOW, 5)  # its beat prunes node 1, not node 2
    assert [n.id for n in Nodes(store).rows(NOW)] == [node(1).id, node(2).id, node(3).id][1:]
    Nodes(store).beat(node(3), NOW + timedelta(seconds=10), 6)  # the same row, beaten again
    assert [(n.id, n.polls) for n in Nodes(store).rows(NOW)] == [(node(2).id, 3), (node(3).id, 6)]
    Nodes(store).leave(node(3).id)
    assert [n.id for n in Nodes(store).rows(NOW)] == [node(2).id]


def test_status_with_no_node_says_so(store: Store, site: Site) -> None:
    report = read_status(site.config(), store, NOW)
    assert "nodes: none running" in status_lines(report, 3)
    assert status_json(report, 3)["nodes"] == []


# ----------------------------------------------------------------- the render lock


def test_two_renders_of_one_public_tree_take_turns(store: Store, tmp_path: Path) -> None:
    """On PostgreSQL the second waits for the first; on SQLite (one machine) the
    lock is nothing, so the second goes in at once."""
    order: list[str] = []
    inside, leave = threading.Event(), threading.Event()

    def first() -> None:
        with Nodes(store).render_lock(str(tmp_path / "public")):
            order.append("first in")
            inside.set()
            leave.wait(timeout=30)
            order.append("first out")

    def second() -> None:
        with Nodes(store).render_lock(str(tmp_path / "public")):
            order.append("second in")
            leave.set()

    one = threading.Thread(target=first)
    one.start()
    assert inside.wait(timeout=30)
    two = threading.Thread(target=second)
    two.start()
    if store.engine.dialect.name == "postgresql":
        assert not leave.wait(timeout=1)  # still waiting for the lock
        leave.set()
    one.join(timeout=30)
    two.join(timeout=30)
    if store.engine.dialect.name == "postgresql":
        assert order == ["first in", "first out", "second in"]
    else:
        assert order == ["first in", "second in", "first out"]
    with (
        Nodes(store).render_lock(str(tmp_path / "other")),  # another tree: its own lock
        Nodes(store).render_lock(str(tmp_path / "public")),
    ):
        pass


# ---------------------------------------------------------------- announced changes


def test_a_stored_story_is_announced_and_a_publish_announces_nothing(
    store: Store, site: Site
) -> None:
    watch = ChangeWatch(store, every=0.1)
    try:
        watch.wait(0.2)  # listening (PostgreSQL), or the tokens as they are (SQLite)
        assert not watch.wait(0.3)
        store.save_batch("libya", [_entry(31, "libya")], now=NOW)
        assert watch.wait(10)
        publish(site.config(), store)  # renders, records the publish: no story changed
        assert not watch.wait(0.5)
        store.save_batch("libya", [_entry(32, "libya")], now=NOW)
        assert watch.wait(10)
    finally:
        watch.close()


# ------------------------------------------------------------- the shared source list


def test_a_sqlite_store_takes_any_source_list(site: Site) -> None:
    """One machine: a changed configuration is simply the new list, as before."""
    store = site.store()
    try:
        config = site.config()
        agree_sources(config, store)
        agree_sources(replace(config, sources=config.sources[:1]), store)
    finally:
        store.close()


@needs_postgres
def test_a_postgres_node_with_another_source_list_is_refused_unless_it_adopts_it(
    site: Site,
) -> None:
    with postgres_database() as url:
        text = site.config_path.read_text("utf-8")
        text = text.replace("[[sources]]", f'database = "{url}"\n\n[[sources]]', 1)
        site.config_path.write_text(text, "utf-8")
        fewer = site.root / "fewer.toml"  # one source less
        fewer.write_text(
            text.replace('[[sources]]\nname = "records"\npath = "sources/*.jsonl"\n', ""), "utf-8"
        )
        config, other = site.config(), load_config(str(fewer))
        assert source_list_digest(other.sources) != source_list_digest(config.sources)
        store = Store.open(url)
        try:
            agree_sources(config, store)  # the first node: its list is the shared one
            agree_sources(config, store)
            store.sync_sources(config.sources, NOW)
            done = subprocess.run(
                [*NASHRA, "--config", str(fewer), "run", "--role", "worker"],
                cwd=site.root, capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            assert done.returncode == 2
            assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"error: {fewer}: ")
            assert "its [[sources]] differ" in done.stderr and "--adopt-sources" in done.stderr
            active = [r["name"] for r in store.source_rows() if r["active"]]
            assert active == ["docs", "libya", "records"]  # nothing deactivated

            async def reload() -> bool:
                daemon = Daemon(
                    config, StoreQueue(store, 300), InProcessPoller(store),
                    DaemonSettings(role=Role.WORKER), watch=None,
                    check=lambda checked: agree_sources(checked, store),
                )  # fmt: skip
                return await daemon.reload(str(fewer))

            assert asyncio.run(reload()) is False  # a running node keeps its list
            agree_sources(other, store, adopt=True)  # `nashra run --adopt-sources`
            assert asyncio.run(reload()) is True  # now it is the shared list
            active = [r["name"] for r in store.source_rows() if r["active"]]
            assert active == ["docs", "libya"]
            with pytest.raises(ConfigError, match=r"its \[\[sources\]\] differ") as refused:
                agree_sources(config, store)
            assert str(refused.value).startswith(f"{site.config_path}: ")
        finally:
            store.close()
