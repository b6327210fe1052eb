"""Catalog coverage (by track id, by names + duration) and the cleanup policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.catalog import (
    CatalogContent,
    CatalogTorrent,
    MatchBasis,
    RetentionPolicy,
    WantedAlbum,
    album_key,
    cleanup_candidates,
    find_coverage,
    name_key,
)
from chalicelib.domain.request import ItemKind, TicketItem

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ALBUM = WantedAlbum("Radiohead", "OK Computer")
TITLES = ["Airbag", "Paranoid Android", "Subterranean Homesick Alien", "Exit Music (For a Film)",
          "Let Down", "Karma Police", "Fitter Happier", "Electioneering"]  # fmt: skip
LENGTHS = [284.0, 383.0, 267.0, 264.0, 299.0, 261.0, 117.0, 230.0]


def item(n: int, *, duration: float | None = None, name: str | None = None) -> TicketItem:
    return TicketItem(
        item_id=f"mb-track-{n}",
        kind=ItemKind.TRACK,
        dest_path=f"/media/ok/{n:02d}.ogg",
        name=name or TITLES[n - 1],
        track_number=n,
        disc_number=1,
        duration_secs=LENGTHS[n - 1] if duration is None else duration,
    )


def torrent(info_hash: str, contents: list[CatalogContent], **fields: object) -> CatalogTorrent:
    values: dict[str, object] = {"name": info_hash, "total_size": 100, "registered_at": T0,
                                 "last_used_at": T0, **fields}  # fmt: skip
    return CatalogTorrent(info_hash, contents=tuple(contents), **values)  # type: ignore[arg-type]


def named_file(n: int, *, drift: float = 0.0, artist: str = "Radiohead") -> CatalogContent:
    return CatalogContent(
        path=f"Radiohead - OK Computer/{n:02d} - {TITLES[n - 1]}.flac",
        size=30_000_000,
        artist=artist,
        album="OK Computer",
        title=TITLES[n - 1],
        duration_secs=LENGTHS[n - 1] + drift,
        track_number=n,
    )


WANTED = [item(n) for n in range(1, 9)]


def test_keys_fold_case_punctuation_and_diacritics() -> None:
    assert name_key("Exit Music (For a Film)") == "exit music for a film"
    assert name_key("Beyoncé & Jay-Z") == "beyonce and jay z"
    assert album_key("Radiohead", "OK Computer") == album_key("RADIOHEAD", "ok computer!")
    assert album_key("Radiohead", None) is None


def test_track_ids_cover_items_without_any_names() -> None:
    files = [CatalogContent(f"x/{n}.flac", catalog_track_id=f"mb-track-{n}") for n in (1, 2)]
    coverage = find_coverage(WANTED, [torrent("a" * 40, files)], WantedAlbum())
    assert [(m.item_id, m.basis) for m in coverage.matches] == [
        ("mb-track-1", MatchBasis.TRACK_ID), ("mb-track-2", MatchBasis.TRACK_ID)]  # fmt: skip
    assert coverage.partial and not coverage.complete


def test_tracks_one_to_five_of_eight_is_partial_coverage_naming_the_missing() -> None:
    catalogued = torrent("b" * 40, [named_file(n) for n in range(1, 6)])
    coverage = find_coverage(WANTED, [catalogued], ALBUM)
    assert [m.item_id for m in coverage.matches] == [f"mb-track-{n}" for n in range(1, 6)]
    assert {m.basis for m in coverage.matches} == {MatchBasis.NAME_AND_DURATION}
    assert coverage.matches[3].path == "Radiohead - OK Computer/04 - Exit Music (For a Film).flac"
    assert coverage.missing == ("mb-track-6", "mb-track-7", "mb-track-8")
    assert coverage.partial
    assert coverage.torrents == ("b" * 40,)


def test_duration_must_agree_within_five_seconds() -> None:
    close = torrent("c" * 40, [named_file(1, drift=5.0), named_file(2, drift=-4.5)])
    far = torrent("d" * 40, [named_file(1, drift=5.5), named_file(2, drift=-12)])
    assert find_coverage(WANTED[:2], [close], ALBUM).complete
    assert find_coverage(WANTED[:2], [far], ALBUM).missing == ("mb-track-1", "mb-track-2")


def test_names_must_match_artist_album_and_title() -> None:
    cover_band = torrent("e" * 40, [named_file(n, artist="Vitamin String Quartet")
                                    for n in (1, 2)])  # fmt: skip
    assert find_coverage(WANTED[:2], [cover_band], ALBUM).matches == ()
    renamed = item(1, name="Airbag (Remastered)")  # fuzzy: extra words lower the score
    assert find_coverage([renamed], [torrent("f" * 40, [named_file(1)])], ALBUM).matches == ()
    spelled = item(2, name="paranoid android")  # only case differs
    assert find_coverage([spelled], [torrent("f" * 40, [named_file(2)])], ALBUM).complete


def test_without_durations_track_numbers_must_agree() -> None:
    no_length = CatalogContent("x/01 Airbag.flac", artist="Radiohead", album="OK Computer",
                               title="Airbag", track_number=1)  # fmt: skip
    wanted = TicketItem("t1", ItemKind.TRACK, "/media/1.ogg", name="Airbag", track_number=1)
    other_number = TicketItem("t1", ItemKind.TRACK, "/media/1.ogg", name="Airbag",
                              track_number=2)  # fmt: skip
    assert find_coverage([wanted], [torrent("1" * 40, [no_length])], ALBUM).complete
    assert not find_coverage([other_number], [torrent("1" * 40, [no_length])], ALBUM).matches


def test_the_torrent_covering_most_items_is_preferred() -> None:
    small = torrent("2" * 40, [named_file(1), named_file(2)], last_used_at=T0 + timedelta(days=9))
    full = torrent("3" * 40, [named_file(n) for n in range(1, 9)])
    coverage = find_coverage(WANTED, [small, full], ALBUM)
    assert coverage.complete
    assert coverage.torrents == ("3" * 40,)


def test_one_file_serves_one_item() -> None:
    duplicate = [item(1), TicketItem("again", ItemKind.TRACK, "/media/x.ogg", name="Airbag",
                                     track_number=1, duration_secs=284.0)]  # fmt: skip
    coverage = find_coverage(duplicate, [torrent("4" * 40, [named_file(1)])], ALBUM)
    assert [m.item_id for m in coverage.matches] == ["mb-track-1"]
    assert coverage.missing == ("again",)


def test_nothing_catalogued_means_everything_missing() -> None:
    coverage = find_coverage(WANTED[:2], [], ALBUM)
    assert not coverage.complete and not coverage.partial
    assert coverage.to_dict() == {"complete": False, "matches": [],
                                  "missing": ["mb-track-1", "mb-track-2"]}  # fmt: skip


def _kept(
    name: str, days_ago: int, size: int, ratio: float = 0.0, seeded: int = 0
) -> CatalogTorrent:
    return torrent(name * 40, [], name=name, total_size=size, ratio=ratio, seeding_secs=seeded,
                   last_used_at=T0 - timedelta(days=days_ago))  # fmt: skip


def test_cleanup_takes_least_recently_used_eligible_torrents_until_under_budget() -> None:
    policy = RetentionPolicy(min_ratio=1.0, min_seeding_secs=7 * 86400)
    oldest_unseeded = _kept("a", 30, 500, ratio=0.4, seeded=3600)  # not eligible
    old_ratio = _kept("b", 20, 300, ratio=1.0)
    old_time = _kept("c", 10, 300, ratio=0.1, seeded=8 * 86400)
    recent = _kept("d", 1, 300, ratio=2.0)
    every = [recent, old_time, oldest_unseeded, old_ratio]  # total 1400
    assert [t.name for t in cleanup_candidates(every, 1400, policy)] == []
    assert [t.name for t in cleanup_candidates(every, 1100, policy)] == ["b"]
    assert [t.name for t in cleanup_candidates(every, 1000, policy)] == ["b", "c"]
    assert [t.name for t in cleanup_candidates(every, 0, policy)] == ["b", "c", "d"]


def test_without_a_time_rule_only_the_ratio_counts() -> None:
    policy = RetentionPolicy(min_ratio=1.0)
    long_seeded = _kept("a", 5, 100, ratio=0.9, seeded=10**7)
    assert cleanup_candidates([long_seeded], 0, policy) == []
    with pytest.raises(ValueError, match="max_bytes"):
        cleanup_candidates([long_seeded], -1, policy)
