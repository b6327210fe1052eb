"""RealtimeService on in-memory ports: connect, subscribe (snapshot), disconnect."""

from __future__ import annotations

import base64

from chalicelib.domain.states import TicketState as S
from chalicelib.realtime.service import RealtimeService
from tests.support.fakes import (
    ADMIN,
    ALICE,
    BOB,
    FakeAuthenticator,
    InMemoryConnections,
    RecordingPoster,
    album_request,
)
from tests.unit.services.conftest import Rig

KEYS = {"k-admin": ADMIN, "k-alice": ALICE}


def service(rig: Rig, poster: RecordingPoster) -> tuple[RealtimeService, InMemoryConnections]:
    connections = InMemoryConnections()
    return RealtimeService(FakeAuthenticator(KEYS), connections, poster, rig.tickets,
                           rig.clock), connections


def key_protocol(key: str) -> str:
    return "quentin.key." + base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def test_connect_authenticates_like_the_rest_api() -> None:
    rig, poster = Rig(), RecordingPoster()
    realtime, connections = service(rig, poster)
    refused = realtime.connect("c0", {"api_key": "wrong"}, {}, "127.0.0.1")
    assert refused.status == 401 and connections.get("c0") is None
    accepted = realtime.connect("c1", {}, {"Sec-WebSocket-Protocol":
                                           f"quentin.v1, {key_protocol('k-alice')}"}, "127.0.0.1")
    assert accepted.status == 200
    assert accepted.headers == {"Sec-WebSocket-Protocol": "quentin.v1"}  # never the key
    conn = connections.get("c1")
    # Events flow from the start: the design sends a snapshot on connect, not on subscribe.
    assert conn is not None and conn.viewer.user_id == "alice"
    assert not conn.subscription.muted and conn.subscription.include_terminal is False


def test_subscribe_answers_with_a_snapshot_of_what_the_viewer_may_see() -> None:
    rig, poster = Rig(), RecordingPoster()
    realtime, _ = service(rig, poster)
    mine = rig.tickets.create(album_request(), ALICE)
    rig.tickets.create(album_request(album="Kid A"), BOB)
    ended = rig.tickets.create(album_request(album="Amnesiac"), ALICE)
    rig.tickets.cancel(ended.ticket_id, ALICE)
    realtime.connect("c1", {"api_key": "k-alice"}, {}, "127.0.0.1")
    realtime.opened("c1")
    (sent_to, first), = poster.sent
    assert sent_to == "c1" and first["type"] == "snapshot" and first["seq"] == 1
    assert [t["ticket_id"] for t in first["tickets"]] == [mine.ticket_id]
    realtime.message("c1", '{"action": "subscribe"}')
    (_, ack), (_, snapshot) = poster.sent[1:]
    assert ack == {"type": "subscribed", "seq": 2, "subscription": {
        "ticket_ids": [], "requested_by": None, "include_terminal": False, "muted": False}}
    assert snapshot["type"] == "snapshot" and snapshot["seq"] == 3
    assert [t["ticket_id"] for t in snapshot["tickets"]] == [mine.ticket_id]
    realtime.message("c1", "not json")
    assert poster.sent[-1][1]["type"] == "error"


def test_an_admin_snapshot_lists_active_tickets_and_a_gone_client_is_forgotten() -> None:
    rig = Rig()
    realtime, connections = service(rig, RecordingPoster())
    active = rig.tickets.create(album_request(), ALICE)
    rig.flow_state().enter(active.ticket_id, S.ACQUIRING, "searching")
    realtime.connect("c1", {"api_key": "k-admin"}, {}, "127.0.0.1")
    realtime.message("c1", '{"action": "subscribe"}')
    gone_realtime = RealtimeService(FakeAuthenticator(KEYS), connections,
                                    RecordingPoster(gone=frozenset({"c1"})), rig.tickets,
                                    rig.clock)
    gone_realtime.message("c1", '{"action": "subscribe"}')
    assert connections.get("c1") is None
    realtime.connect("c2", {"api_key": "k-admin"}, {}, "127.0.0.1")
    realtime.disconnect("c2")
    assert connections.get("c2") is None
