"""CatalogEnrichment: durations from the music catalog, and no harm when it is away."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.media_catalog import (
    CatalogTrack,
    CatalogUnavailable,
    Release,
    ReleaseSummary,
)
from chalicelib.domain.stage_protocol import Stage, StageMessage
from chalicelib.domain.validation import parse_ticket_request
from chalicelib.services.acquisition import AcquisitionService
from chalicelib.services.catalog_enrichment import CatalogEnrichment
from chalicelib.textbrain.brain import BrainMode, TextBrain
from tests.support.fakes import ALICE, FakeCandidateSource, album_request, offer
from tests.unit.services.conftest import Rig
from tests.unit.services.test_acquisition import FILES, GOOD, GOOD_HASH

MBID = "0b6b4ba0-d36f-47bd-b4ea-6a5b91842d29"
SUMMARY = ReleaseSummary(MBID, "OK Computer", "Radiohead", "1997-05-21", "GB", 3, ("CD",), None)
RELEASE = Release(SUMMARY, tuple(CatalogTrack(f"r{n}", 1, n, f"Track {n}", 280.0 + n)
                                 for n in (1, 2, 3)))


class Music:
    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure
        self.asked: list[str] = []

    def search_releases(self, artist: str, album: str, year: int | None = None,
                        limit: int = 10) -> list[ReleaseSummary]:
        self.asked.append(f"search {artist} {album} {year}")
        if self.failure:
            raise self.failure
        return [SUMMARY]

    def release(self, release_id: str) -> Release:
        self.asked.append(f"release {release_id}")
        return RELEASE

    def editions(self, release_group_id: str, limit: int = 25) -> list[ReleaseSummary]:
        return [SUMMARY]


def without_durations(**search: Any) -> dict[str, Any]:
    body = album_request()
    for track in body["tracks"]:
        del track["duration_secs"]
    body["search"].update(search)
    return body


def test_missing_durations_are_filled_by_disc_and_track_number() -> None:
    music = Music()
    request = parse_ticket_request(without_durations(), ["/media"])
    result = CatalogEnrichment(music).enrich(request)
    assert [t.duration_secs for t in result.request.tracks] == [281.0, 282.0, 283.0]
    assert result.note == {"used": True, "source": "musicbrainz", "release_id": MBID,
                           "release_track_count": 3, "durations_filled": 3,
                           "release_secs": 846.0}
    assert (result.request.query.release_track_count, result.request.query.release_secs) == (
        3, 846.0)
    assert music.asked == ["search Radiohead OK Computer 1997", f"release {MBID}"]


def test_a_release_id_is_looked_up_directly_and_known_durations_are_kept() -> None:
    music = Music()
    body = without_durations(musicbrainz_release_id=MBID)
    body["tracks"][0]["duration_secs"] = 100
    result = CatalogEnrichment(music).enrich(parse_ticket_request(body, ["/media"]))
    assert [t.duration_secs for t in result.request.tracks] == [100, 282.0, 283.0]
    assert music.asked == [f"release {MBID}"]


def test_a_full_album_with_every_duration_asks_nothing() -> None:
    music = Music()
    request = parse_ticket_request(album_request(), ["/media"])
    assert CatalogEnrichment(music).enrich(request).request is request
    # A few tracks with their durations but no album to look up: nothing to ask either.
    body = album_request()
    body.update(request_scope="tracks", search={"artist": "Radiohead"})
    track = CatalogEnrichment(music).enrich(parse_ticket_request(body, ["/media"]))
    assert track.note == {}
    assert music.asked == []


def test_a_few_tracks_of_an_album_learn_how_big_the_whole_release_is() -> None:
    body = album_request()
    body["request_scope"] = "tracks"
    body["tracks"] = body["tracks"][1:2]  # track 2 alone, its duration known
    result = CatalogEnrichment(Music()).enrich(parse_ticket_request(body, ["/media"]))
    assert result.request.query.release_track_count == 3
    assert result.request.query.release_secs == 846.0
    assert result.note["durations_filled"] == 0
    # A release none of whose tracks is wanted says nothing about the ticket.
    body["tracks"][0].update(name="Something Else Entirely", track_number=7)
    other = CatalogEnrichment(Music()).enrich(parse_ticket_request(body, ["/media"]))
    assert other.request.query.release_track_count is None


def test_another_album_or_track_title_is_not_borrowed_from() -> None:
    body = without_durations(album="Kid A")
    result = CatalogEnrichment(Music()).enrich(parse_ticket_request(body, ["/media"]))
    assert result.note == {"used": False, "reason": "no matching release"}
    body = without_durations()
    body["tracks"][1]["name"] = "Something Else Entirely"
    result = CatalogEnrichment(Music()).enrich(parse_ticket_request(body, ["/media"]))
    assert [t.duration_secs for t in result.request.tracks] == [281.0, None, 283.0]
    assert result.request.query.release_track_count == 3


def test_a_catalog_outage_leaves_the_ticket_as_it_was() -> None:
    request = parse_ticket_request(without_durations(), ["/media"])
    down = Music(CatalogUnavailable("musicbrainz", "busy (HTTP 503), retry later"))
    result = CatalogEnrichment(down).enrich(request)
    assert result.request is request
    assert result.note == {"used": False, "reason": "musicbrainz: busy (HTTP 503), retry later"}
    broken = CatalogEnrichment(Music(RuntimeError("bug"))).enrich(request)
    assert broken.request is request and broken.note["used"] is False


def acquisition(rig: Rig, music: Music) -> AcquisitionService:
    source = FakeCandidateSource([offer(GOOD, info_hash=GOOD_HASH)], dict(FILES))
    return AcquisitionService(rig.flow_state("acquisition"), rig.store,
                              TextBrain(BrainMode.DUMB_ONLY, None), source, rig.recorder,
                              rig.blocklist, 0.85, None, CatalogEnrichment(music))


def test_the_flow_searches_with_catalog_durations_and_audits_it(rig: Rig) -> None:
    ticket = rig.tickets.create(without_durations(), ALICE)
    acquisition(rig, Music()).acquire(StageMessage(Stage.ACQUIRE, ticket.ticket_id, "tok"))
    started = [e for e in rig.audit_log.events if e.event_type is E.MATCHING_STARTED][-1]
    assert started.data["catalog"]["durations_filled"] == 3


def test_the_flow_goes_on_without_catalog_data_when_the_catalog_is_down(rig: Rig) -> None:
    ticket = rig.tickets.create(without_durations(), ALICE)
    down = Music(CatalogUnavailable("musicbrainz", "unreachable: ConnectionError"))
    out = acquisition(rig, down).acquire(StageMessage(Stage.ACQUIRE, ticket.ticket_id, "tok"))
    assert out["outcome"] in ("auto_approved", "needs_approval")
    started = [e for e in rig.audit_log.events if e.event_type is E.MATCHING_STARTED][-1]
    assert started.data["catalog"]["used"] is False
