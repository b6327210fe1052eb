"""The Broadcaster with in-memory fakes for the connection store and the poster."""

from __future__ import annotations

from chalicelib.domain.connections import Connection, Viewer
from chalicelib.realtime.broadcaster import Broadcaster
from tests.support.fakes import InMemoryConnections, RecordingPoster
from tests.unit.realtime.test_protocol import ADMIN, USER, make_ticket


def test_events_go_only_to_matching_connections_with_their_own_seq() -> None:
    store = InMemoryConnections(Connection("admin", ADMIN), Connection("user", USER),
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
    store = InMemoryConnections(Connection("gone", ADMIN), Connection("live", ADMIN))
    poster = RecordingPoster(gone=frozenset({"gone"}))
    Broadcaster(store, poster).publish("progress", make_ticket(), {"progress_pct": 5})
    assert set(store.conns) == {"live"}
    assert [c for c, _ in poster.sent] == ["live"]


def test_a_failing_post_never_reaches_the_caller_and_leaves_a_seq_gap() -> None:
    store = InMemoryConnections(Connection("flaky", ADMIN))
    poster = RecordingPoster(broken=frozenset({"flaky"}))
    b = Broadcaster(store, poster)
    b.publish("progress", make_ticket(), {})  # must not raise
    poster.broken = frozenset()
    b.publish("progress", make_ticket(), {})
    assert poster.sent[0][1]["seq"] == 2  # the client sees 1 missing and resubscribes


def test_unknown_kinds_are_not_broadcast() -> None:
    poster = RecordingPoster()
    store = InMemoryConnections(Connection("a", ADMIN))
    Broadcaster(store, poster).publish("weird", make_ticket(), {})
    assert poster.sent == []
