"""File mapping: multi-disc, deluxe, discographies, episodes, features, covers, assignment."""

from __future__ import annotations

import itertools
import random

import pytest

from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.request import ContentType, ItemKind, QueryContext, TicketItem
from chalicelib.textbrain.mapping import FileMapping, map_files
from chalicelib.textbrain.mapping.assignment import solve_assignment
from chalicelib.textbrain.mapping.layout import episode_numbers, track_numbering

from .builders import OK_COMPUTER, album_files, album_request, episode_request, files, request
from .builders import movie_request as movie_request


def paths_by_item(mapping: FileMapping) -> dict[str, str]:
    return {m.item_id: m.path for m in mapping.mapped}


@pytest.mark.parametrize(
    ("path", "disc", "track"),
    [
        ("A/CD1/03 - Song.flac", 1, 3),
        ("A/Disc 2/03 Song.flac", 2, 3),
        ("A/1-03 Song.flac", 1, 3),
        ("A/2.11 Song.flac", 2, 11),
        ("A/103 Song.flac", 1, 3),
        ("A/Artist - Album - 07 - Song.mp3", None, 7),
        ("A/Song without number.mp3", None, None),
    ],
)
def test_track_numbers_are_read_from_layouts(
    path: str, disc: int | None, track: int | None
) -> None:
    numbering = track_numbering(path)
    assert (numbering.disc, numbering.track) == (disc, track)


@pytest.mark.parametrize(
    ("name", "season", "episodes"),
    [
        ("Show.S01E02.720p.mkv", 1, (2,)),
        ("Show.S01E01-E03.1080p.mkv", 1, (1, 2, 3)),
        ("Show.S02E05E06.mkv", 2, (5, 6)),
        ("Show - 1x02 - Title.avi", 1, (2,)),
        ("Show.1920x1080.mkv", None, ()),
    ],
)
def test_episode_numbers(name: str, season: int | None, episodes: tuple[int, ...]) -> None:
    assert episode_numbers(name) == (season, episodes)


def test_assignment_is_optimal_not_greedy() -> None:
    # Greedy takes (0,0) at cost 1 and is then forced into (1,1) at cost 10: total 11.
    # The optimum is (0,1) + (1,0) = 2 + 2 = 4.
    assert solve_assignment([[1, 2], [2, 10]]) == [(0, 1), (1, 0)]


def test_assignment_matches_brute_force_on_random_rectangles() -> None:
    rng = random.Random(7)
    for rows, columns in [(3, 5), (5, 3), (4, 4), (1, 6), (6, 1)]:
        cost = [[rng.random() for _ in range(columns)] for _ in range(rows)]
        pairs = solve_assignment(cost)
        assert len(pairs) == min(rows, columns)
        if rows <= columns:
            best = min(sum(cost[r][c] for r, c in enumerate(chosen))
                       for chosen in itertools.permutations(range(columns), rows))
        else:
            best = min(sum(cost[r][c] for c, r in enumerate(chosen))
                       for chosen in itertools.permutations(range(rows), columns))
        assert sum(cost[r][c] for r, c in pairs) == pytest.approx(best)


def test_assignment_rejects_ragged_matrix() -> None:
    with pytest.raises(ValueError, match="same length"):
        solve_assignment([[1.0, 2.0], [1.0]])


def test_plain_album_maps_every_track_by_number_and_name() -> None:
    mapping = map_files(album_request(), album_files("Radiohead - OK Computer (1997) [FLAC]"))
    assert mapping.complete
    assert len(mapping.mapped) == 12
    assert paths_by_item(mapping)["t6"].endswith("06 - Karma Police.flac")
    assert "number matches" in mapping.for_item("t6").reason  # type: ignore[union-attr]


def test_multi_disc_with_disc_folders_and_shared_track_numbers() -> None:
    names = ["Intro", "Alpha", "Beta", "Gamma", "Intro (Reprise)", "Delta"]
    discs = [1, 1, 1, 2, 2, 2]
    req = album_request(artist="Band", album="Double", names=names, discs=discs, year=None)
    torrent = files(
        "Band - Double/CD1/01 Intro.flac", "Band - Double/CD1/02 Alpha.flac",
        "Band - Double/CD1/03 Beta.flac", "Band - Double/CD2/01 Gamma.flac",
        "Band - Double/CD2/02 Intro (Reprise).flac", "Band - Double/CD2/03 Delta.flac",
    )
    mapping = map_files(req, torrent)
    got = paths_by_item(mapping)
    assert mapping.complete
    assert got["t1"] == "Band - Double/CD1/01 Intro.flac"
    assert got["t5"] == "Band - Double/CD2/02 Intro (Reprise).flac"
    assert got["t4"] == "Band - Double/CD2/01 Gamma.flac"


@pytest.mark.parametrize("pattern", ["{d}-{t:02d} {name}", "{d}{t:02d} {name}"])
def test_multi_disc_numbered_files_without_folders(pattern: str) -> None:
    names = ["Same", "Other", "Same", "Last"]
    discs = [1, 1, 2, 2]
    req = album_request(artist="Band", album="Twice", names=names, discs=discs, year=None)
    torrent = files(*(f"Twice/{pattern.format(d=d, t=t, name=n)}.flac"
                      for d, t, n in [(2, 1, "Same"), (1, 2, "Other"), (1, 1, "Same"),
                                      (2, 2, "Last")]))
    got = paths_by_item(map_files(req, torrent))
    assert got["t1"] == f"Twice/{pattern.format(d=1, t=1, name='Same')}.flac"
    assert got["t3"] == f"Twice/{pattern.format(d=2, t=1, name='Same')}.flac"


def test_deluxe_edition_bonus_tracks_are_fine_but_missing_tracks_are_not() -> None:
    bonus = [*OK_COMPUTER, "Lull", "Meeting in the Aisle", "Climbing Up the Walls (Zero 7 Mix)"]
    mapping = map_files(album_request(), album_files("OK Computer (Deluxe)", names=bonus))
    assert mapping.complete
    assert "Zero 7" not in " ".join(paths_by_item(mapping).values())
    # The deluxe lists 'Climbing Up the Walls' twice; the plain one (track 9) must be used.
    assert paths_by_item(mapping)["t9"].endswith("09 - Climbing Up the Walls.flac")

    short = album_files("OK Computer (Incomplete)", names=OK_COMPUTER[:10])
    partial = map_files(album_request(), short)
    assert not partial.complete
    assert {u.item_id for u in partial.unmapped} == {"t11", "t12"}
    assert all("no audio file left" in u.reason or "well enough" in u.reason
               for u in partial.unmapped)


def test_discography_picks_the_album_folder_by_name_and_year() -> None:
    torrent = [
        *album_files("Radiohead Discography/1995 - The Bends",
                     names=[f"Bends song {n}" for n in range(1, 13)]),
        *album_files("Radiohead Discography/1997 - OK Computer"),
        *album_files("Radiohead Discography/2017 - OK Computer OKNOTOK 1997 2017",
                     names=[*OK_COMPUTER, "I Promise", "Man of War"]),
        *album_files("Radiohead Discography/2000 - Kid A",
                     names=[f"Kid A song {n}" for n in range(1, 11)]),
    ]
    mapping = map_files(album_request(), torrent)
    assert mapping.folder == "Radiohead Discography/1997 - OK Computer"
    assert mapping.complete
    assert all(m.path.startswith("Radiohead Discography/1997 - OK Computer/")
               for m in mapping.mapped)
    assert any("picked album folder" in note for note in mapping.notes)


def test_durations_disambiguate_when_names_and_numbers_are_missing() -> None:
    req = album_request(artist="X", album="Y", names=["A", "B"], durations=[200.0, 300.0],
                        year=None)
    torrent = files("Y/Track 01.flac", "Y/Track 02.flac")
    durations = {"Y/Track 01.flac": 301.0, "Y/Track 02.flac": 199.0}
    # File numbers say 1 and 2; the durations say the opposite, and two parts outvote one.
    got = map_files(req, torrent, durations)
    assert paths_by_item(got) == {"t1": "Y/Track 02.flac", "t2": "Y/Track 01.flac"}
    assert got.for_item("t1").reason.endswith("duration off by 1.0s)")  # type: ignore[union-attr]


def test_no_audio_files_for_music_ticket() -> None:
    mapping = map_files(album_request(), files("OK Computer/ok_computer.mkv"))
    assert len(mapping.unmapped) == 12
    assert mapping.unmapped[0].reason == "no audio files in the torrent"


def test_unrequested_items_are_not_mapped() -> None:
    req = album_request(names=["Airbag"])
    items = (*req.items, TicketItem("skip", ItemKind.TRACK, "/x.flac", name="Lucky",
                                    track_number=11, requested=False))
    req = request(req.query, items)
    mapping = map_files(req, album_files("OK Computer"))
    assert [m.item_id for m in mapping.mapped] == ["t1"]
    assert not mapping.unmapped


def test_cover_is_mapped_to_conventional_image_name_in_album_folder() -> None:
    torrent = [*album_files("Disco/1997 - OK Computer"), *album_files("Disco/2000 - Kid A"),
               TorrentFile("Disco/2000 - Kid A/cover.jpg", 100_000),
               TorrentFile("Disco/1997 - OK Computer/scans/back.jpg", 100_000),
               TorrentFile("Disco/1997 - OK Computer/folder.jpg", 100_000)]
    mapping = map_files(album_request(cover=True), torrent)
    assert paths_by_item(mapping)["cover"] == "Disco/1997 - OK Computer/folder.jpg"


def test_missing_cover_is_reported() -> None:
    mapping = map_files(album_request(cover=True), album_files("OK Computer"))
    assert [u.item_id for u in mapping.unmapped] == ["cover"]
    assert "no cover front image" in mapping.unmapped[0].reason


def test_movie_main_file_over_sample_and_extras() -> None:
    torrent = [
        TorrentFile("Heat.1995.1080p/Sample/heat-sample.mkv", 80_000_000),
        TorrentFile("Heat.1995.1080p/Extras/Making of.mkv", 2_000_000_000),
        TorrentFile("Heat.1995.1080p/Heat.1995.1080p.BluRay.x264.mkv", 9_000_000_000),
        TorrentFile("Heat.1995.1080p/Heat.1995.trailer.mkv", 3_000_000_000),
        TorrentFile("Heat.1995.1080p/heat.nfo", 4_000),
    ]
    mapping = map_files(movie_request(), torrent)
    mapped = mapping.for_item("movie")
    assert mapped is not None
    assert mapped.path.endswith("Heat.1995.1080p.BluRay.x264.mkv")
    assert mapped.confidence == 0.95
    assert "sample/extra file(s) skipped" in mapped.reason


def test_extra_in_the_release_name_is_not_an_extras_folder() -> None:
    torrent = [TorrentFile("E.T. the Extra-Terrestrial 1982/E.T. the Extra-Terrestrial.mkv",
                           8_000_000_000),
               TorrentFile("E.T. the Extra-Terrestrial 1982/Featurettes/Spielberg.mkv",
                           900_000_000),
               TorrentFile("E.T. the Extra-Terrestrial 1982/et-trailer.mkv", 90_000_000)]
    mapping = map_files(movie_request("E.T. the Extra-Terrestrial", 1982), torrent)
    mapped = mapping.for_item("movie")
    assert mapped is not None
    assert mapped.path.endswith("/E.T. the Extra-Terrestrial.mkv")
    assert "2 sample/extra file(s) skipped" in mapped.reason


def test_movie_with_only_a_sample_is_unmapped() -> None:
    mapping = map_files(movie_request(), [TorrentFile("Heat/sample.mkv", 50_000_000)])
    assert mapping.unmapped[0].reason == "only samples or extras, no feature file"


def test_season_pack_maps_each_requested_episode() -> None:
    torrent = [TorrentFile(f"Breaking.Bad.S01.1080p/Breaking.Bad.S01E{e:02d}.1080p.mkv",
                           1_500_000_000) for e in range(1, 8)]
    torrent.append(TorrentFile("Breaking.Bad.S01.1080p/Sample/breaking.bad.s01e02.sample.mkv",
                               20_000_000))
    mapping = map_files(episode_request(episodes=(2, 5)), torrent)
    assert paths_by_item(mapping) == {
        "e2": "Breaking.Bad.S01.1080p/Breaking.Bad.S01E02.1080p.mkv",
        "e5": "Breaking.Bad.S01.1080p/Breaking.Bad.S01E05.1080p.mkv",
    }


def test_multi_episode_file_serves_each_episode_it_holds() -> None:
    torrent = [TorrentFile("Show/Show.S01E01-E03.mkv", 3_000_000_000),
               TorrentFile("Show/Show.S01E04.mkv", 1_000_000_000)]
    mapping = map_files(episode_request("Show", 1, (2, 3, 4)), torrent)
    assert paths_by_item(mapping)["e2"] == "Show/Show.S01E01-E03.mkv"
    assert paths_by_item(mapping)["e3"] == "Show/Show.S01E01-E03.mkv"
    assert "multi-episode" in mapping.for_item("e2").reason  # type: ignore[union-attr]
    assert mapping.for_item("e4").confidence == 0.95  # type: ignore[union-attr]


def test_1x02_naming_and_wrong_season() -> None:
    torrent = [TorrentFile("Show - 1x02 - Pilot Part 2.avi", 400_000_000),
               TorrentFile("Show - 2x02 - Other.avi", 400_000_000)]
    mapping = map_files(episode_request("Show", 1, (2,)), torrent)
    assert paths_by_item(mapping)["e2"] == "Show - 1x02 - Pilot Part 2.avi"
    wrong = map_files(episode_request("Show", 3, (2,)), torrent)
    assert wrong.unmapped[0].reason == "no video file for S03E02"


def test_ebook_file_by_extension_and_name() -> None:
    query = QueryContext(ContentType.EBOOK, title="Dune", author="Frank Herbert")
    req = request(query, [TicketItem("book", ItemKind.FILE, "/books/dune.epub", name="Dune")])
    torrent = [TorrentFile("Frank Herbert - Dune/Dune.pdf", 5_000_000),
               TorrentFile("Frank Herbert - Dune/Dune.epub", 1_000_000),
               TorrentFile("Frank Herbert - Dune/readme.txt", 1_000)]
    mapping = map_files(req, torrent)
    assert paths_by_item(mapping) == {"book": "Frank Herbert - Dune/Dune.epub"}


def test_mapping_round_trips_through_dict() -> None:
    mapping = map_files(album_request(cover=True), album_files("OK Computer"))
    assert FileMapping.from_dict(mapping.to_dict()) == mapping
    assert mapping.to_dict()["complete"] is False
