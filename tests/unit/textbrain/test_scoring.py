"""Scoring with hand-built parses: the breakdown, hard fails and the orderings that matter."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.domain.request import ContentType, ItemKind, OutputFormat, QueryContext, TicketItem
from chalicelib.textbrain.release import ParsedRelease, RedFlag, ReleaseKind
from chalicelib.textbrain.scoring import DumbMatcher, ScoredCandidate
from chalicelib.textbrain.scoring.breakdown import Component

from .builders import (
    OK_COMPUTER,
    album_files,
    album_request,
    candidate,
    episode_request,
    movie_request,
    request,
)

MUSIC = ReleaseKind.MUSIC


def release(raw: str, **fields: object) -> ParsedRelease:
    return ParsedRelease(raw_title=raw, **fields)  # type: ignore[arg-type]


class HandParser:
    """Answers with parses written by hand, so these tests do not depend on the parser."""

    def __init__(self, *parses: ParsedRelease) -> None:
        self.parses = {p.raw_title: p for p in parses}

    def __call__(self, title: str) -> ParsedRelease:
        return self.parses.get(title, ParsedRelease(raw_title=title))


def reasons(scored: ScoredCandidate) -> str:
    return scored.explain()


FLAC_ALBUM = release("Radiohead - OK Computer (1997) [FLAC]", content_type=MUSIC,
                     artist="Radiohead", album="OK Computer", year=1997, audio_format="FLAC")
MP3_ALBUM = release("Radiohead - OK Computer (1997) [MP3 320]", content_type=MUSIC,
                    artist="Radiohead", album="OK Computer", year=1997, audio_format="MP3 320")
KARAOKE = release("Karaoke Hits of Radiohead - OK Computer Karaoke", content_type=MUSIC,
                  artist="Karaoke Hits of Radiohead", album="OK Computer Karaoke",
                  red_flags=frozenset({RedFlag.KARAOKE}))
TRIBUTE = release("Various Artists - A Tribute to OK Computer (2006) FLAC", content_type=MUSIC,
                  artist="Various Artists", album="A Tribute to OK Computer", year=2006,
                  audio_format="FLAC", red_flags=frozenset({RedFlag.TRIBUTE}))
WRONG_ARTIST = release("Coldplay - Parachutes (2000) FLAC", content_type=MUSIC,
                       artist="Coldplay", album="Parachutes", year=2000, audio_format="FLAC")
WRONG_ALBUM = release("Radiohead - Kid A (2000) FLAC", content_type=MUSIC, artist="Radiohead",
                      album="Kid A", year=2000, audio_format="FLAC")
DISCOGRAPHY = release("Radiohead - Discography 1993-2016 [FLAC]", content_type=MUSIC,
                      artist="Radiohead", year_range=(1993, 2016), audio_format="FLAC",
                      is_discography=True)
LIVE = release("Radiohead - OK Computer Live 1998 FLAC", content_type=MUSIC, artist="Radiohead",
               album="OK Computer Live", year=1998, audio_format="FLAC",
               red_flags=frozenset({RedFlag.LIVE}))

MATCHER = DumbMatcher(HandParser(FLAC_ALBUM, MP3_ALBUM, KARAOKE, TRIBUTE, WRONG_ARTIST,
                                 WRONG_ALBUM, DISCOGRAPHY, LIVE))


def test_breakdown_names_each_component_with_weight_value_and_reason() -> None:
    scored = MATCHER.score(album_request(), candidate(FLAC_ALBUM.raw_title, seeders=50))
    names = [c.name for c in scored.components]
    assert names[:2] == ["artist", "album"]
    assert {"format", "track_count", "year", "red_flags", "seeders"} <= set(names)
    assert not scored.rejected
    assert 0.8 < scored.total <= 1.0
    fmt = scored.component("format")
    assert fmt is not None and fmt.value == 1.0
    assert "lossless as requested" in fmt.reason
    text = scored.explain()
    assert "artist 'Radiohead' ~ 100%" in text
    assert "1997 as requested" in text
    assert text.splitlines()[0].startswith("Radiohead - OK Computer (1997) [FLAC] [test]: 0.")


def test_karaoke_and_tribute_lookalikes_are_rejected_with_reasons_but_kept() -> None:
    ranked = MATCHER.rank(album_request(), [
        candidate(KARAOKE.raw_title, seeders=500), candidate(TRIBUTE.raw_title, seeders=300),
        candidate(FLAC_ALBUM.raw_title, seeders=5),
    ])
    assert [s.candidate.title for s in ranked] == [
        FLAC_ALBUM.raw_title, KARAOKE.raw_title, TRIBUTE.raw_title]
    karaoke, tribute = ranked[1], ranked[2]
    assert karaoke.rejected and karaoke.total == 0.0 and karaoke.raw_total > 0
    assert "karaoke release, not requested" in reasons(karaoke)
    assert karaoke.red_flags == ("karaoke",)
    assert "tribute release, not requested" in reasons(tribute)
    assert any(r.code == "wrong_artist" for r in tribute.rejections)


def test_requested_live_album_is_not_a_red_flag() -> None:
    req = album_request(album="OK Computer Live", year=1998)
    scored = MATCHER.score(req, candidate(LIVE.raw_title))
    assert scored.red_flags == ()
    plain = MATCHER.score(album_request(), candidate(LIVE.raw_title))
    assert plain.red_flags == ("live",)
    assert not plain.rejected  # live is suspicious, not a different thing


def test_wrong_artist_and_wrong_album_are_hard_fails() -> None:
    artist = MATCHER.score(album_request(), candidate(WRONG_ARTIST.raw_title))
    assert [r.code for r in artist.rejections] == ["wrong_artist", "wrong_album"]
    assert "wrong artist: 'Coldplay' is not 'Radiohead'" in artist.explain()
    album = MATCHER.score(album_request(), candidate(WRONG_ALBUM.raw_title))
    assert [r.code for r in album.rejections] == ["wrong_album"]
    assert album.total == 0.0


def test_flac_preferred_over_mp3_for_ogg_vorbis_320() -> None:
    req = album_request(fmt=OutputFormat.OGG_VORBIS, bitrate=320)
    ranked = MATCHER.rank(req, [candidate(MP3_ALBUM.raw_title, seeders=40),
                                candidate(FLAC_ALBUM.raw_title, seeders=40)])
    assert ranked[0].candidate.title == FLAC_ALBUM.raw_title
    flac_fmt = ranked[0].component("format")
    mp3_fmt = ranked[1].component("format")
    assert flac_fmt is not None and mp3_fmt is not None
    assert "lossless source transcodes cleanly to ogg_vorbis" in flac_fmt.reason
    assert "lossy-to-lossy" in mp3_fmt.reason
    assert flac_fmt.value > mp3_fmt.value


def test_mp3_320_is_fine_for_an_mp3_320_request() -> None:
    req = album_request(fmt=OutputFormat.MP3, bitrate=320)
    scored = MATCHER.score(req, candidate(MP3_ALBUM.raw_title))
    fmt = scored.component("format")
    assert fmt is not None and fmt.value == 1.0
    assert "no transcode needed" in fmt.reason
    assert not scored.rejected


def test_mp3_offered_for_a_lossless_request_scores_low() -> None:
    scored = MATCHER.score(album_request(fmt=OutputFormat.FLAC),
                           candidate(MP3_ALBUM.raw_title))
    fmt = scored.component("format")
    assert fmt is not None and fmt.value <= 0.1
    assert fmt.reason == "lossless flac requested but MP3 320 offered"


def test_discography_is_a_valid_candidate_and_mapping_shows_the_folder() -> None:
    disco = candidate(DISCOGRAPHY.raw_title, size=9_000_000_000)
    blind = MATCHER.score(album_request(), disco)
    assert not blind.rejected and blind.scope == "discography"
    assert "should hold 'OK Computer'" in blind.explain()
    torrent = [*album_files("Radiohead - Discography/1997 - OK Computer"),
               *album_files("Radiohead - Discography/2000 - Kid A",
                            names=[f"Kid A {n}" for n in range(10)])]
    seen = MATCHER.score(album_request(), disco, torrent)
    assert not seen.rejected
    assert seen.mapping is not None
    assert (seen.mapping.folder or "").endswith("1997 - OK Computer")
    assert "holding folder 'Radiohead - Discography/1997 - OK Computer'" in seen.explain()
    assert seen.total > blind.total
    year = seen.component("year")
    assert year is not None and year.reason == "1993-2016 spans 1997"


def test_single_with_two_tracks_loses_to_the_full_album_of_the_same_name() -> None:
    album = release("Oasis - Supersonic (1994) FLAC", content_type=MUSIC, artist="Oasis",
                    album="Supersonic", year=1994, audio_format="FLAC")
    single = release("Oasis - Supersonic (Single) 1994 FLAC", content_type=MUSIC,
                     artist="Oasis", album="Supersonic", year=1994, audio_format="FLAC",
                     edition=("Single",))
    matcher = DumbMatcher(HandParser(album, single))
    names = [f"Song {n}" for n in range(1, 13)]
    req = album_request(artist="Oasis", album="Supersonic", names=names, year=1994)
    one = candidate(single.raw_title, seeders=400, files_count=2)
    full = candidate(album.raw_title, seeders=10, files_count=14)
    ranked = matcher.rank(req, [one, full])
    assert ranked[0].candidate.title == album.raw_title
    assert ranked[1].rejected
    assert "2 files cannot hold the 12 requested tracks" in ranked[1].explain()
    # Without a file count the single is still judged by its scope.
    blind = matcher.rank(req, [candidate(single.raw_title, seeders=400),
                               candidate(album.raw_title, seeders=10)])
    assert blind[0].candidate.title == album.raw_title
    assert "a single/EP, but 12 tracks requested" in blind[1].explain()
    # With file lists, the single's missing tracks are a hard fail naming what is missing.
    listed = matcher.score(req, one, album_files("Supersonic", names=["Song 1", "Song 2"]))
    assert listed.rejected
    assert "only 2 of 12 requested tracks found" in listed.explain()


def test_multi_disc_deluxe_with_bonus_tracks_maps_and_scores_high() -> None:
    deluxe = release("Radiohead - OK Computer OKNOTOK 1997 2017 (2CD) [FLAC]",
                     content_type=MUSIC, artist="Radiohead", album="OK Computer OKNOTOK 1997 2017",
                     year=2017, audio_format="FLAC", disc_count=2)
    matcher = DumbMatcher(HandParser(deluxe))
    torrent = [*album_files("OKNOTOK/CD1"),
               *album_files("OKNOTOK/CD2", names=["I Promise", "Lift", "Man of War"])]
    scored = matcher.score(album_request(), candidate(deluxe.raw_title), torrent)
    assert not scored.rejected
    count = scored.component("track_count")
    assert count is not None and count.reason.startswith("12/12 requested tracks mapped")
    assert scored.total > 0.8


def test_no_audio_files_for_music_is_a_hard_fail() -> None:
    scored = MATCHER.score(album_request(), candidate(FLAC_ALBUM.raw_title),
                           album_files("OK Computer", ext="mkv"))
    assert scored.rejected
    assert "no audio files in the torrent" in scored.explain()


def test_track_ticket_accepts_the_album_and_maps_the_track() -> None:
    item = TicketItem("t", ItemKind.TRACK, "/m/karma.ogg", name="Karma Police", track_number=6)
    req = request(QueryContext(ContentType.TRACK, artist="Radiohead", album="OK Computer"),
                  [item], OutputFormat.OGG_VORBIS, 320)
    scored = MATCHER.score(req, candidate(FLAC_ALBUM.raw_title), album_files("OK Computer"))
    assert not scored.rejected
    assert scored.mapping is not None
    assert scored.mapping.for_item("t").path.endswith("06 - Karma Police.flac")  # type: ignore[union-attr]


EPISODE = release("Breaking.Bad.S01E02.1080p.BluRay.x264-GRP", content_type=ReleaseKind.TV,
                  title="Breaking Bad", seasons=(1,), episodes=(2,), resolution="1080p")
MULTI = release("Breaking.Bad.S01E01-E03.720p.HDTV", content_type=ReleaseKind.TV,
                title="Breaking Bad", seasons=(1,), episodes=(1, 2, 3), resolution="720p")
PACK = release("Breaking Bad Season 1 Complete 1080p", content_type=ReleaseKind.TV,
               title="Breaking Bad", seasons=(1,), is_season_pack=True, resolution="1080p")
OTHER_EP = release("Breaking.Bad.S01E05.1080p", content_type=ReleaseKind.TV,
                   title="Breaking Bad", seasons=(1,), episodes=(5,), resolution="1080p")
OTHER_SEASON = release("Breaking.Bad.S02E02.1080p", content_type=ReleaseKind.TV,
                       title="Breaking Bad", seasons=(2,), episodes=(2,), resolution="1080p")
TV = DumbMatcher(HandParser(EPISODE, MULTI, PACK, OTHER_EP, OTHER_SEASON))


def test_tv_orders_exact_episode_then_multi_episode_then_season_pack() -> None:
    ranked = TV.rank(episode_request(), [candidate(t.raw_title) for t in
                                         (PACK, OTHER_SEASON, MULTI, OTHER_EP, EPISODE)])
    titles = [s.candidate.title for s in ranked]
    assert titles[:3] == [EPISODE.raw_title, MULTI.raw_title, PACK.raw_title]
    assert {s.candidate.title for s in ranked[3:]} == {OTHER_EP.raw_title,
                                                         OTHER_SEASON.raw_title}
    assert all(s.rejected for s in ranked[3:])
    text = "\n".join(s.explain() for s in ranked)
    assert "wrong episode: S01E05 offered, S01E02 requested" in text
    assert "wrong season: S02 offered, S01E02 requested" in text
    assert "multi-episode S01E01-E03 holds S01E02" in text
    assert "season pack S01 holds S01E02" in text


def test_season_pack_with_file_list_maps_the_episode() -> None:
    from chalicelib.domain.candidate import TorrentFile

    torrent = [TorrentFile(f"BB.S01/Breaking.Bad.S01E{e:02d}.mkv", 1_000_000_000)
               for e in range(1, 8)]
    scored = TV.score(episode_request(), candidate(PACK.raw_title), torrent)
    assert scored.mapping is not None
    assert scored.mapping.for_item("e2").path == "BB.S01/Breaking.Bad.S01E02.mkv"  # type: ignore[union-attr]
    assert not scored.rejected


def test_movie_year_mismatch_and_sample_are_rejected() -> None:
    heat = release("Heat.1995.1080p.BluRay.x264", content_type=ReleaseKind.MOVIE, title="Heat",
                   year=1995, resolution="1080p")
    remake = release("Heat.2013.1080p.WEB", content_type=ReleaseKind.MOVIE, title="Heat",
                     year=2013, resolution="1080p")
    sample = release("Heat.1995.1080p.SAMPLE", content_type=ReleaseKind.MOVIE, title="Heat",
                     year=1995, resolution="1080p", red_flags=frozenset({RedFlag.SAMPLE}))
    low = release("Heat.1995.720p.HDTV", content_type=ReleaseKind.MOVIE, title="Heat",
                  year=1995, resolution="720p")
    matcher = DumbMatcher(HandParser(heat, remake, sample, low))
    ranked = matcher.rank(movie_request(), [candidate(t.raw_title) for t in
                                            (remake, sample, low, heat)])
    assert [s.candidate.title for s in ranked[:2]] == [heat.raw_title, low.raw_title]
    assert "720p is below the minimum 1080p" in ranked[1].explain()
    assert "year 2013 is not 1995: a different film of that name?" in "\n".join(
        s.explain() for s in ranked)
    assert all(s.rejected for s in ranked[2:])


def test_ebook_scoring_uses_title_and_author() -> None:
    book = release("Frank Herbert - Dune (1965) EPUB", content_type=ReleaseKind.EBOOK,
                   title="Dune", year=1965)
    other = release("Dune Messiah EPUB", content_type=ReleaseKind.EBOOK, title="Dune Messiah")
    matcher = DumbMatcher(HandParser(book, other))
    req = request(QueryContext(ContentType.EBOOK, title="Dune", author="Frank Herbert"),
                  [TicketItem("b", ItemKind.FILE, "/b/dune.epub", name="Dune")])
    ranked = matcher.rank(req, [candidate(other.raw_title), candidate(book.raw_title)])
    assert ranked[0].candidate.title == book.raw_title
    author = ranked[0].component("author")
    assert author is not None and author.value == 1.0


def test_rank_is_deterministic_on_ties() -> None:
    same = [TorrentCandidate(title=FLAC_ALBUM.raw_title, indexer="a", indexer_id="a",
                             info_hash=h * 40, seeders=5) for h in "cab"]
    first = [s.candidate.info_hash for s in MATCHER.rank(album_request(), same)]
    second = [s.candidate.info_hash for s in MATCHER.rank(album_request(), list(reversed(same)))]
    assert first == second == ["a" * 40, "b" * 40, "c" * 40]


def test_rank_uses_file_lists_by_info_hash_in_any_case() -> None:
    offer = candidate(FLAC_ALBUM.raw_title, info_hash="AB" * 20)
    ranked = MATCHER.rank(album_request(), [offer],
                          {"ab" * 20: album_files("OK Computer", names=OK_COMPUTER[:3])})
    assert ranked[0].rejected
    assert ranked[0].mapping is not None


def test_scored_candidate_round_trips_through_json() -> None:
    scored = MATCHER.score(album_request(cover=True), candidate(KARAOKE.raw_title),
                           album_files("K"))
    data = json.loads(json.dumps(scored.to_dict()))
    back = ScoredCandidate.from_dict(data)
    assert back == scored
    assert data["rejected"] is True and data["total"] == 0.0


def test_component_value_outside_range_is_refused() -> None:
    with pytest.raises(ValueError, match=r"component artist: value 1\.5 is outside 0\.\.1"):
        Component("artist", 1.0, 1.5, "x")


# --- The same hard cases end to end with the real title parser -------------------------------

REAL = DumbMatcher()


def test_real_parser_album_beats_karaoke_tribute_live_and_single() -> None:
    titles = [
        "Karaoke Hits of Radiohead - OK Computer Karaoke (2010) MP3 320",
        "VA - A Tribute to OK Computer (2006) [FLAC]",
        "Radiohead - OK Computer (Live at Glastonbury 1997) FLAC",
        "Radiohead - OK Computer (1997) [MP3 320]",
        "Radiohead - OK Computer (1997) [FLAC] {Parlophone}",
        "Radiohead - Kid A (2000) [FLAC]",
        "Radiohead - Discography 1993-2016 [FLAC]",
    ]
    ranked = REAL.rank(album_request(fmt=OutputFormat.OGG_VORBIS, bitrate=320),
                       [candidate(t, seeders=50) for t in titles])
    order = [s.candidate.title for s in ranked]
    # Lossless first (best source for a Vorbis transcode), then the MP3, then the flagged
    # live recording and the unconfirmed discography; the rejected lookalikes last.
    assert order[:4] == [titles[4], titles[3], titles[2], titles[6]]
    assert all(s.rejected for s in ranked[4:])
    by_title = {s.candidate.title: s for s in ranked}
    assert by_title[titles[0]].rejected and "karaoke" in by_title[titles[0]].explain()
    assert by_title[titles[1]].rejected and "tribute" in by_title[titles[1]].explain()
    assert by_title[titles[5]].rejected and "wrong album" in by_title[titles[5]].explain()
    assert by_title[titles[2]].flagged
    assert not by_title[titles[6]].rejected


def test_real_parser_tv_orderings() -> None:
    titles = [
        "Breaking.Bad.S01.1080p.BluRay.x264-GRP",
        "Breaking.Bad.S01E01-E03.720p.HDTV.x264",
        "Breaking.Bad.S01E02.1080p.BluRay.x264-GRP",
        "Breaking Bad 1x02 Cat's in the Bag 720p",
        "Breaking.Bad.S02E02.1080p.BluRay.x264",
        "Better.Call.Saul.S01E02.1080p",
    ]
    ranked = REAL.rank(episode_request(), [candidate(t) for t in titles])
    order = [s.candidate.title for s in ranked]
    assert order[0] == "Breaking.Bad.S01E02.1080p.BluRay.x264-GRP"
    assert order.index("Breaking.Bad.S01E01-E03.720p.HDTV.x264") < order.index(
        "Breaking.Bad.S01.1080p.BluRay.x264-GRP")
    assert not next(s for s in ranked if "1x02" in s.candidate.title).rejected
    assert {s.candidate.title for s in ranked if s.rejected} == {
        "Better.Call.Saul.S01E02.1080p", "Breaking.Bad.S02E02.1080p.BluRay.x264"}
    assert all(s.rejected for s in ranked[-2:])


def test_real_parser_movie_main_release_over_sample_and_remake() -> None:
    from chalicelib.domain.candidate import TorrentFile

    titles = ["Heat.1995.1080p.BluRay.x264-GRP", "Heat.1995.1080p.BluRay.x264-GRP.SAMPLE",
              "Heat.2013.1080p.WEB-DL"]
    torrent = [TorrentFile("Heat.1995/Sample/heat.sample.mkv", 60_000_000),
               TorrentFile("Heat.1995/Heat.1995.1080p.BluRay.x264-GRP.mkv", 12_000_000_000)]
    first = candidate(titles[0], size=12_060_000_000)
    ranked = REAL.rank(movie_request(), [candidate(titles[2]), candidate(titles[1]), first],
                       {first.info_hash or "": torrent})
    assert ranked[0].candidate.title == titles[0]
    assert ranked[0].mapping is not None
    assert ranked[0].mapping.for_item("movie").path.endswith("x264-GRP.mkv")  # type: ignore[union-attr]
    assert all(s.rejected for s in ranked[1:])


@pytest.mark.parametrize(
    ("wanted", "offered", "low", "high"),
    [
        ("pink floyd", "pink", 0.0, 0.65),  # a missing wanted word is not a match
        ("radiohead", "radio head", 0.95, 1.0),  # spacing does not matter
        ("ok computer", "ok computer oknotok 1997 2017", 0.8, 0.95),  # extra words cost a bit
        ("dune", "comme une image", 0.0, 0.5),  # one letter off a short word is another word
        ("heat", "test", 0.0, 0.6),
        ("breaking bad", "breaking bad", 1.0, 1.0),
    ],
)
def test_similarity_is_asymmetric_and_strict_on_short_words(
    wanted: str, offered: str, low: float, high: float
) -> None:
    from chalicelib.textbrain.scoring.components import similarity

    assert low <= similarity(wanted, offered) <= high


def test_an_episode_offered_for_a_film_is_rejected() -> None:
    ranked = REAL.rank(movie_request("Heat", 1995, None),
                       [candidate("Heat.S01E02.720p.HDTV.x264"), candidate("Heat.1995.720p")])
    assert ranked[0].candidate.title == "Heat.1995.720p"
    assert any(r.code == "wrong_kind" for r in ranked[1].rejections)
    assert "looks like tv, movie requested" in ranked[1].explain()
