"""Scoring with the catalog's size of the whole release (a ticket wanting a few tracks)."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.request import TicketRequest
from chalicelib.textbrain.brain import BrainMode, TextBrain
from chalicelib.textbrain.mapping import map_files
from chalicelib.textbrain.release import ParsedRelease, ReleaseKind
from chalicelib.textbrain.scoring import DumbMatcher

from .builders import OK_COMPUTER, album_request, candidate

TITLE = "Radiohead - OK Computer (1997) [FLAC]"
SINGLE = "Radiohead - OK Computer (CDS) 1997 FLAC"
SECS = 240.0
PER_TRACK = int(SECS * 900 * 1000 / 8)  # FLAC at ~900 kbit/s
WANTED = (2, 5, 8)


def parse(title: str) -> ParsedRelease:
    return ParsedRelease(raw_title=title, content_type=ReleaseKind.MUSIC, artist="Radiohead",
                         album="OK Computer", year=1997, audio_format="FLAC",
                         edition=("CDS",) if title == SINGLE else ())


MATCHER = DumbMatcher(parse)


def few_tracks(release_tracks: int | None) -> TicketRequest:
    """Three tracks of OK Computer, each 240 s; the release's size as the catalog told."""
    whole = album_request(durations=[SECS] * 12)
    request = replace(whole, request_scope="tracks",
                      items=tuple(whole.items[n - 1] for n in WANTED))
    if release_tracks is None:
        return request
    return replace(request, query=replace(request.query, release_track_count=release_tracks,
                                          release_secs=SECS * release_tracks))


def tracks(root: str, numbers: tuple[int, ...]) -> list[TorrentFile]:
    return [TorrentFile(f"{root}/{n:02d} - {OK_COMPUTER[n - 1]}.flac", PER_TRACK)
            for n in numbers]


WHOLE = candidate(TITLE, seeders=40, size=12 * PER_TRACK, info_hash="a" * 40)
PART = candidate(TITLE, seeders=40, size=3 * PER_TRACK, info_hash="b" * 40)
FILES = {"a" * 40: tracks("OK Computer", tuple(range(1, 13))),
         "b" * 40: tracks("OK Computer (selected)", WANTED)}


def test_the_whole_album_outranks_an_upload_of_just_the_wanted_tracks() -> None:
    blind = MATCHER.rank(few_tracks(None), [WHOLE, PART], FILES)
    # Without the release's size the whole album looks four times too big.
    assert blind[0].candidate.info_hash == "b" * 40
    assert "is large for 3 tracks" in blind[1].explain()
    known = MATCHER.rank(few_tracks(12), [WHOLE, PART], FILES)
    assert known[0].candidate.info_hash == "a" * 40
    assert "plausible for 3 of the release's 12 tracks" in known[0].explain()
    assert "3 audio files of the release's 12 tracks" in known[1].explain()
    assert not known[1].rejected  # it still serves the ticket


def test_a_file_count_below_the_release_ranks_lower_without_a_file_list() -> None:
    whole = replace(WHOLE, files_count=13)
    part = replace(PART, files_count=3, size=12 * PER_TRACK)
    ranked = MATCHER.rank(few_tracks(12), [part, whole])
    assert ranked[0].candidate.info_hash == "a" * 40
    assert "3 files: fewer than the release's 12 tracks" in ranked[1].explain()


def test_a_single_named_like_the_album_is_never_approved_alone() -> None:
    single = candidate(SINGLE, seeders=300, size=3 * PER_TRACK)
    decision = TextBrain(BrainMode.DUMB_ONLY).decide(few_tracks(12), [single], {})
    assert decision.recommended is not None and not decision.auto_approve
    assert "a single/EP, but 12 tracks on the album" in decision.reasoning


def test_file_mapping_takes_the_folder_as_big_as_the_release() -> None:
    # Two editions of the album in one torrent: the full one, and a three-track one.
    listing = [*tracks("Radiohead/OK Computer [CD]", tuple(range(1, 13))),
               *tracks("Radiohead/OK Computer [LP]", WANTED)]
    assert map_files(few_tracks(None), listing).folder == "Radiohead/OK Computer [LP]"
    assert map_files(few_tracks(12), listing).folder == "Radiohead/OK Computer [CD]"
