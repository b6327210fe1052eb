"""DynamoTorrentCatalog against moto's server: registration, coverage lookups, cleanup."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.adapters.aws.searcher_models import SearcherModels, build_searcher_models
from chalicelib.adapters.aws.torrent_catalog import DynamoTorrentCatalog
from chalicelib.config import Config
from chalicelib.domain.bencode import TorrentMeta, read_torrent_files
from chalicelib.domain.catalog import CatalogContent, MatchBasis, RetentionPolicy, WantedAlbum
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.request import ItemKind, TicketItem
from chalicelib.services.catalog_entries import name_contents
from local.torrent_maker import make_torrent
from tests.support.fakes import FakeClock

TITLES = ["Airbag", "Paranoid Android", "Subterranean Homesick Alien", "Exit Music",
          "Let Down", "Karma Police", "Fitter Happier", "Electioneering"]  # fmt: skip
LENGTHS = [284.0, 383.0, 267.0, 264.0, 299.0, 261.0, 117.0, 230.0]
ALBUM = WantedAlbum("Radiohead", "OK Computer")



def wanted(n: int) -> TicketItem:
    return TicketItem(f"mb-{n}", ItemKind.TRACK, f"/media/ok/{n:02d}.ogg", name=TITLES[n - 1],
                      track_number=n, disc_number=1, duration_secs=LENGTHS[n - 1])  # fmt: skip


def album_torrent(root: Path, folder: str, numbers: range) -> TorrentMeta:
    album = root / folder
    album.mkdir(parents=True)
    for n in numbers:
        (album / f"{n:02d} - {TITLES[n - 1]}.flac").write_bytes(bytes([n]) * 2000)
    (album / "cover.jpg").write_bytes(b"\xff\xd8" * 10)
    return read_torrent_files(make_torrent(album, [], 1 << 14))


def probed(meta: TorrentMeta, numbers: range, *, with_ids: bool) -> list[CatalogContent]:
    """What the agent knows after mapping and probing: paths, ids, names, durations."""
    audio = [f for f in meta.files if f.path.endswith(".flac")]
    return [
        CatalogContent(path=f.path, size=f.size, artist="Radiohead", album="OK Computer",
                       title=TITLES[n - 1], duration_secs=LENGTHS[n - 1] + 1.5, track_number=n,
                       catalog_track_id=f"mb-{n}" if with_ids else None)
        for f, n in zip(audio[: len(numbers)], numbers, strict=True)
    ]  # fmt: skip


@pytest.fixture
def models(aws_config: Config) -> SearcherModels:
    return build_searcher_models(aws_config)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def catalog(models: SearcherModels, clock: FakeClock) -> DynamoTorrentCatalog:
    return DynamoTorrentCatalog(models, clock, RetentionPolicy(1.0, 7 * 86400))


def test_register_and_read_back(catalog: DynamoTorrentCatalog, tmp_path: Path) -> None:
    meta = album_torrent(tmp_path, "Radiohead - OK Computer (1997) [FLAC]", range(1, 4))
    entry = catalog.register_torrent(meta, probed(meta, range(1, 4), with_ids=True))
    stored = catalog.get(meta.info_hash.upper())
    assert stored == entry
    assert stored.total_size == meta.total_size
    assert [c.catalog_track_id for c in stored.contents] == ["mb-1", "mb-2", "mb-3"]
    with pytest.raises(NotFound):
        catalog.get("0" * 40)
    with pytest.raises(ValidationError, match="info_hash"):
        catalog.get("nope")


def test_the_keeping_agent_is_recorded_and_kept_on_refresh(
    catalog: DynamoTorrentCatalog, tmp_path: Path
) -> None:
    meta = album_torrent(tmp_path, "OKC", range(1, 3))
    catalog.register_torrent(meta, probed(meta, range(1, 3), with_ids=True),
                             save_path="/srv/b/downloads/t1", agent_id="host-b")
    assert catalog.get(meta.info_hash).agent_id == "host-b"
    assert [t.agent_id for t in catalog.list_torrents()] == ["host-b"]
    catalog.register_torrent(meta, probed(meta, range(1, 3), with_ids=True))
    stored = catalog.get(meta.info_hash)
    assert (stored.agent_id, stored.save_path) == ("host-b", "/srv/b/downloads/t1")
    catalog.register_torrent(meta, [], save_path="/srv/a/downloads/t2", agent_id="host-a")
    assert catalog.get(meta.info_hash).agent_id == "host-a"


def test_coverage_by_track_id_is_partial_for_five_of_eight(
    catalog: DynamoTorrentCatalog, models: SearcherModels, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_scans(*args: object, **kwargs: object) -> None:
        raise AssertionError("the catalog must not Scan")

    monkeypatch.setattr(models.catalog, "scan", no_scans)
    meta = album_torrent(tmp_path, "OKC", range(1, 6))
    catalog.register_torrent(meta, probed(meta, range(1, 6), with_ids=True))
    coverage = catalog.find_coverage([wanted(n) for n in range(1, 9)])  # no album: ids only
    assert [m.item_id for m in coverage.matches] == ["mb-1", "mb-2", "mb-3", "mb-4", "mb-5"]
    assert {m.basis for m in coverage.matches} == {MatchBasis.TRACK_ID}
    assert {m.info_hash for m in coverage.matches} == {meta.info_hash}
    assert coverage.missing == ("mb-6", "mb-7", "mb-8")
    assert coverage.partial


def test_coverage_by_names_and_durations(catalog: DynamoTorrentCatalog, tmp_path: Path) -> None:
    meta = album_torrent(tmp_path, "Radiohead - OK Computer", range(1, 6))
    catalog.register_torrent(meta, probed(meta, range(1, 6), with_ids=False))
    coverage = catalog.find_coverage([wanted(n) for n in range(1, 9)], ALBUM)
    assert [m.item_id for m in coverage.matches] == ["mb-1", "mb-2", "mb-3", "mb-4", "mb-5"]
    assert {m.basis for m in coverage.matches} == {MatchBasis.NAME_AND_DURATION}
    assert coverage.matches[0].path == "Radiohead - OK Computer/01 - Airbag.flac"
    assert coverage.missing == ("mb-6", "mb-7", "mb-8")
    # the same names under another album are not found (the album key differs)
    assert catalog.find_coverage([wanted(1)], WantedAlbum("Radiohead", "Kid A")).matches == ()


def test_contents_named_from_the_torrent_are_found(
    catalog: DynamoTorrentCatalog, tmp_path: Path
) -> None:
    meta = album_torrent(tmp_path, "Radiohead - OK Computer (1997) [FLAC]", range(1, 9))
    named = name_contents(meta)
    assert len(named) == 8  # the cover is not a track
    assert (named[0].artist, named[0].album, named[0].track_number) == (
        "Radiohead", "OK Computer", 1)  # fmt: skip
    catalog.register_torrent(meta, named)
    # no durations were probed, so matching falls back to title + track number
    assert catalog.find_coverage([wanted(n) for n in range(1, 9)], ALBUM).complete


def test_re_registering_replaces_contents_and_keeps_seeding(
    catalog: DynamoTorrentCatalog, tmp_path: Path
) -> None:
    meta = album_torrent(tmp_path, "OKC", range(1, 6))
    catalog.register_torrent(meta, probed(meta, range(1, 6), with_ids=True))
    catalog.update_seeding(meta.info_hash, 1.25, 3600)
    catalog.register_torrent(meta, probed(meta, range(1, 3), with_ids=True))
    stored = catalog.get(meta.info_hash)
    assert len(stored.contents) == 2
    assert (stored.ratio, stored.seeding_secs) == (1.25, 3600)
    assert catalog.find_coverage([wanted(5)]).missing == ("mb-5",)


def test_cleanup_candidates_are_lru_and_eligible_only(
    catalog: DynamoTorrentCatalog, clock: FakeClock, tmp_path: Path
) -> None:
    metas = {}
    for name in ("a", "b", "c", "d"):
        metas[name] = album_torrent(tmp_path, name, range(1, 2))
        catalog.register_torrent(metas[name], [])
        clock.advance(3600)
    size = metas["a"].total_size
    catalog.update_seeding(metas["a"].info_hash, 0.2, 3600)  # oldest but not eligible
    catalog.update_seeding(metas["b"].info_hash, 1.0, 60)  # ratio reached
    catalog.update_seeding(metas["c"].info_hash, 0.5, 8 * 86400)  # seeded long enough
    catalog.update_seeding(metas["d"].info_hash, 3.0, 60)
    catalog.touch(metas["b"].info_hash)  # b was just used: now the most recent
    picked = catalog.get_cleanup_candidates(max_bytes=4 * size - 2 * size)
    assert [t.name for t in picked] == ["c", "d"]
    assert [t.name for t in catalog.get_cleanup_candidates(max_bytes=0)] == ["c", "d", "b"]
    assert catalog.get_cleanup_candidates(max_bytes=4 * size) == []
    catalog.remove(metas["c"].info_hash)
    with pytest.raises(NotFound):
        catalog.get(metas["c"].info_hash)
    assert [t.name for t in catalog.get_cleanup_candidates(max_bytes=0)] == ["d", "b"]


def test_updating_an_unknown_torrent_is_not_found(catalog: DynamoTorrentCatalog) -> None:
    with pytest.raises(NotFound):
        catalog.touch("e" * 40)
    with pytest.raises(NotFound):
        catalog.update_seeding("e" * 40, 1.0, 10)
    with pytest.raises(ValidationError) as caught:
        catalog.update_seeding("e" * 40, -1.0, -5)
    assert [e.field for e in caught.value.errors] == ["ratio", "seeding_secs"]


def test_listing_is_most_recent_first_and_artist_coverage_reads_contents(
    catalog: DynamoTorrentCatalog, clock: FakeClock, tmp_path: Path
) -> None:
    from chalicelib.domain.catalog import artist_coverage

    album = album_torrent(tmp_path, "Radiohead - OK Computer", range(1, 4))
    catalog.register_torrent(album, probed(album, range(1, 4), with_ids=True))
    clock.advance(60)
    other = album_torrent(tmp_path, "other", range(1, 2))
    catalog.register_torrent(other, [])
    listed = catalog.list_torrents()
    assert [t.info_hash for t in listed] == [other.info_hash, album.info_hash]
    assert all(t.contents == () for t in listed)
    full = catalog.list_torrents(with_contents=True)
    assert [len(t.contents) for t in full] == [0, 3]
    assert artist_coverage(full, "radiohead") == [
        {"album": "OK Computer", "tracks": 3, "torrents": [album.info_hash]}]
    assert artist_coverage(full, "Björk") == []


def test_a_discography_covering_the_request_and_more_is_preferred(
    catalog: DynamoTorrentCatalog, clock: FakeClock, tmp_path: Path
) -> None:
    album = album_torrent(tmp_path, "Radiohead - OK Computer", range(1, 4))
    catalog.register_torrent(album, probed(album, range(1, 4), with_ids=False))
    disco_dir = tmp_path / "Radiohead - Discography"
    (disco_dir / "OK Computer").mkdir(parents=True)
    (disco_dir / "Kid A").mkdir()
    for n in range(1, 4):
        (disco_dir / "OK Computer" / f"{n:02d} - {TITLES[n - 1]}.flac").write_bytes(
            bytes([n]) * 2000)
        (disco_dir / "Kid A" / f"{n:02d} - Track {n}.flac").write_bytes(bytes([n]) * 2000)
    disco = read_torrent_files(make_torrent(disco_dir, [], 1 << 14))
    okc = [f for f in disco.files if "/OK Computer/" in f.path]
    contents = [CatalogContent(path=f.path, size=f.size, artist="Radiohead",
                               album="OK Computer", title=TITLES[n - 1],
                               duration_secs=LENGTHS[n - 1], track_number=n)
                for n, f in enumerate(sorted(okc, key=lambda f: f.path), 1)]
    clock.advance(-3600)  # registered earlier: recency alone would pick the album torrent
    catalog.register_torrent(disco, contents)
    coverage = catalog.find_coverage([wanted(n) for n in range(1, 4)], ALBUM)
    assert coverage.complete
    assert {m.info_hash for m in coverage.matches} == {disco.info_hash}
