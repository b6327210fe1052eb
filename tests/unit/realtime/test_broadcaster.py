"""The Broadcaster with in-memory fakes for the connection store and the poster."""

from __future__ import annotations

import json
from collections.abc import Iterator

from chalicelib.domain.connections import Connection, Subscription, Viewer
from chalicelib.ports import ConnectionGone
from chalicelib.realtime.broadcaster import Broadcaster
from tests.unit.realtime.test_protocol import ADMIN, USER, make_ticket


class MemoryConnections:
    def __init__(self, *conns: Connection) -> None:
        self.conns = {c.connection_id: c for c in conns}
        self.seq: dict[str, int] = {}

    def add(self, conn: Connection) -> None:
        self.conns[conn.connection_id] = conn

    def get(self, connection_id: str) -> Connection | None:
        return self.conns.get(connection_id)

    def set_subscription(self, connection_id: str, sub: Subscription) -> None:
        c = self.conns[connection_id]
        self.conns[connection_id] = Connection(c.connection_id, c.viewer, sub)

    def remove(self, connection_id: str) -> None:
        self.conns.pop(connection_id, None)

    def all(self) -> Iterator[Connection]:
        yield from list(self.conns.values())

    def next_seq(self, connection_id: str) -> int | None:
        if connection_id not in self.conns:
            return None
        self.seq[connection_id] = self.seq.get(connection_id, 0) + 1
        return self.seq[connection_id]


class RecordingPoster:
    def __init__(self, gone: frozenset[str] = frozenset(), broken: frozenset[str] = frozenset()
                 ) -> None:
        self.sent: list[tuple[str, dict[str, object]]] = []
        self.gone = gone
        self.broken = broken

    def post(self, connection_id: str, data: str) -> None:
        if connection_id in self.gone:
            raise ConnectionGone(connection_id)
        if connection_id in self.broken:
            raise OSError("connection reset")
        self.sent.append((connection_id, json.loads(data)))


def test_events_go_only_to_matching_connections_with_their_own_seq() -> None:
    store = MemoryConnections(Connection("admin", ADMIN), Connection("user", USER),
                              Connection("other", Viewer("someone", False)))
    poster = RecordingPoster()
    b = Broadcaster(store, poster)
    b.publish("created", make_ticket("t1"), {})
    b.publish("state_change", make_ticket("t1"), {"to": "cancelled"})
    assert [(c, m["seq"], m["type"]) for c, m in poster.sent] == [
        ("admin", 1, "created"), ("user", 1, "created"),
        ("admin", 2, "state_change"), ("user", 2, "state_change"),
    ]


def test_stale_connections_are_deleted_and_others_still_served() -> None:
    store = MemoryConnections(Connection("gone", ADMIN), Connection("live", ADMIN))
    poster = RecordingPoster(gone=frozenset({"gone"}))
    Broadcaster(store, poster).publish("progress", make_ticket(), {"progress_pct": 5})
    assert set(store.conns) == {"live"}
    assert [c for c, _ in poster.sent] == ["live"]


def test_a_failing_post_never_reaches_the_caller_and_leaves_a_seq_gap() -> None:
    store = MemoryConnections(Connection("flaky", ADMIN))
    poster = RecordingPoster(broken=frozenset({"flaky"}))
    b = Broadcaster(store, poster)
    b.publish("progress", make_ticket(), {})  # must not raise
    poster.broken = frozenset()
    b.publish("progress", make_ticket(), {})
    assert poster.sent[0][1]["seq"] == 2  # the client sees 1 missing and resubscribes


def test_unknown_kinds_are_not_broadcast() -> None:
    poster = RecordingPoster()
    store = MemoryConnections(Connection("a", ADMIN))
    Broadcaster(store, poster).publish("weird", make_ticket(), {})
    assert poster.sent == []
