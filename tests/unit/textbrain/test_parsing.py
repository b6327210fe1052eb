"""Release-title parser: hard real-world cases, one behaviour per test."""

from __future__ import annotations

import pytest

from chalicelib.textbrain.normalise import normalise_text
from chalicelib.textbrain.parsing import parse
from chalicelib.textbrain.release import RedFlag, ReleaseKind


@pytest.mark.parametrize(
    ("title", "artist", "album"),
    [
        ("ATCQ - The Love Movement 1998 2CD 192kbps  RIP", "ATCQ", "The Love Movement"),
        ("Kehlani - SweetSexySavage (Deluxe Edition) (2017) 320", "Kehlani", "SweetSexySavage"),
        (
            "Imagine Dragons-Smoke And Mirrors-Deluxe Edition-2CD-FLAC-2015-JLM",
            "Imagine Dragons",
            "Smoke And Mirrors",
        ),
        ("Brother Ali-2007-The Undisputed Truth-FTD", "Brother Ali", "The Undisputed Truth"),
        (
            "Gary Clark Jr - Live North America 2016 (2017) MP3 192kbps",
            "Gary Clark Jr",
            "Live North America 2016",
        ),
        (
            "(Folk Rock / Pop) Aztec Two-Step - Naked - 2017, MP3, 320 kbps",
            "Aztec Two-Step",
            "Naked",
        ),
        ("A.I. - Sex & Robots [2007/MP3/V0(VBR)]", "A.I.", "Sex & Robots"),
    ],
)
def test_music_artist_and_album(title: str, artist: str, album: str) -> None:
    release = parse(title)
    assert release.content_type is ReleaseKind.MUSIC
    assert release.artist == artist
    assert release.album == album


def test_multi_disc_is_counted() -> None:
    assert parse("Roxette - Charm School(2011) (2CD) [WV]").disc_count == 2


def test_deluxe_edition_is_an_edition_not_part_of_the_album() -> None:
    release = parse("Little Mix - Salute [Deluxe Edition] [2013] [M4A-256]-V3nom [GLT]")
    assert release.album == "Salute"
    assert "deluxe" in release.edition
    assert release.audio_format == "AAC 256"


@pytest.mark.parametrize(
    ("title", "artist", "year_range"),
    [
        (
            "Led Zeppelin - Studio Discography 1969-1982 (10 albums)(flac)",
            "Led Zeppelin",
            (1969, 1982),
        ),
        ("Captain-Discography_1998_-_2001-CD-FLAC-2007-UTP", "Captain", (1998, 2001)),
        (
            "(Heavy Metal) Aria - Discography(46 CD) [1985 - 2015], FLAC(image + .cue), lossless",
            "Aria",
            (1985, 2015),
        ),
    ],
)
def test_discography_packs_with_year_ranges(
    title: str, artist: str, year_range: tuple[int, int]
) -> None:
    release = parse(title)
    assert release.is_discography
    assert release.artist == artist
    assert release.year_range == year_range


@pytest.mark.parametrize(
    ("title", "flag"),
    [
        ("Sing King Karaoke - Adele Hits (2016) MP3", RedFlag.KARAOKE),
        ("A Tribute to Metallica - Metal Militia (2009) FLAC", RedFlag.TRIBUTE),
        ("The Piano Guys - Coldplay Cover Versions (2014) MP3 320", RedFlag.COVER),
        ("Radiohead - OK Computer Instrumentals (1997) FLAC", RedFlag.INSTRUMENTAL),
        ("Nirvana - Live at Reading (2009) FLAC", RedFlag.LIVE),
        ("VA - NOW Thats What I Call Music 96 (2017) [Mp3~Kbps]", RedFlag.VA_COMPILATION),
        ("Daft Punk - Random Access Memories [Booklet PDF]", RedFlag.BOOKLET_ONLY),
        ("Stephen King - It (Unabridged Audiobook) MP3", RedFlag.AUDIOBOOK),
        ("Avicii - Levels (Remixes) 2012 MP3 320", RedFlag.REMIX),
    ],
)
def test_red_flags(title: str, flag: RedFlag) -> None:
    assert flag in parse(title).red_flags


@pytest.mark.parametrize(
    "title",
    [
        "Metallica - Master of Puppets (Remastered 2017) FLAC",
        "A$AP Rocky - LONG LIVE A$AP Deluxe asap[ALAC]",
        "Coverdale Page - Coverdale Page (1993) FLAC",
    ],
)
def test_lookalikes_are_not_flagged_as_tribute_live_or_cover(title: str) -> None:
    flags = parse(title).red_flags
    assert RedFlag.TRIBUTE not in flags
    assert RedFlag.LIVE not in flags
    assert RedFlag.COVER not in flags


@pytest.mark.parametrize(
    ("title", "series", "season", "episodes"),
    [
        ("Series.S03E01-06.DUAL.BDRip.XviD.AC3.-HELLYWOOD", "Series", 3, (1, 2, 3, 4, 5, 6)),
        ("Series.Title.S07E22E23.720p.HDTV.X264-DIMENSION", "Series Title", 7, (22, 23)),
        ("Series Kings - 2x09-2x10 - Served Code [SDTV] ", "Series Kings", 2, (9, 10)),
        ("Series.Title.103.104.720p.HDTV.X264-DIMENSION", "Series Title", 1, (3, 4)),
        ("Series.Title.4x05.HDTV.XviD-LOL", "Series Title", 4, (5,)),
        ("Show.Name.1x02.1x03.HDTV.XViD.Etc-Group", "Show Name", 1, (2, 3)),
        (
            "Marvels.Agents.of.S.H.I.E.L.D.S01E06.720p.HDTV.X264-DIMENSION.mkv",
            "Marvels Agents of S.H.I.E.L.D.",
            1,
            (6,),
        ),
        ("Series Title - S02E21 - 18-5-4", "Series Title", 2, (21,)),
        (
            "The Series And The Code - S42 Ep10718 - Ep10722",
            "The Series And The Code",
            42,
            (10718, 10719, 10720, 10721, 10722),
        ),
    ],
)
def test_episodes(title: str, series: str, season: int, episodes: tuple[int, ...]) -> None:
    release = parse(title)
    assert release.content_type is ReleaseKind.TV
    assert release.title == series
    assert release.season == season
    assert release.episodes == episodes
    assert not release.is_season_pack


@pytest.mark.parametrize(
    ("title", "series", "seasons"),
    [
        ("Series.S01.720p.WEBDL.DD5.1.H.264-NTb", "Series", (1,)),
        ("The Series Season 4 WS PDTV XviD FUtV", "The Series", (4,)),
        (
            "Series.Title.S01-S09.1080p.AMZN.WEB-DL.DDP2.0.H.264-NTb",
            "Series Title",
            tuple(range(1, 10)),
        ),
        ("Dexter Saison VII FRENCH.BDRip.XviD-MiND.nfo", "Dexter", (7,)),
    ],
)
def test_season_packs(title: str, series: str, seasons: tuple[int, ...]) -> None:
    release = parse(title)
    assert release.title == series
    assert release.seasons == seasons
    assert release.is_season_pack


def test_complete_series_is_a_collection() -> None:
    assert parse("Firefly Complete Series 1080p BluRay x264").is_collection


@pytest.mark.parametrize(
    ("title", "name", "year"),
    [
        ("1776.1979.EXTENDED.720p.BluRay.X264-AMIABLE", "1776", 1979),
        (
            "2001.A.Space.Odyssey.1968.HDDVD.1080p.DTS.x264.dxva EuReKA.mkv",
            "2001 A Space Odyssey",
            1968,
        ),
        ("R.I.P.D.2013.720p.BluRay.x264-SPARKS", "R.I.P.D.", 2013),
        ("V.H.S.2.2013.LIMITED.720p.BluRay.x264-GECKOS", "V.H.S. 2", 2013),
        (
            "Movie.Klasse.von.1999.1990.German.720p.HDTV.x264-NORETAiL",
            "Movie Klasse von 1999",
            1990,
        ),
        ("(500).Days.Of.Summer.(2009).DTS.1080p.BluRay.x264.NLsubs", "(500) Days Of Summer", 2009),
        ("World.War.Z.EXTENDED.2013.German.DL.1080p.BluRay.AVC-XANOR", "World War Z", 2013),
    ],
)
def test_movie_titles_containing_years_and_dots(title: str, name: str, year: int) -> None:
    release = parse(title)
    assert release.content_type is ReleaseKind.MOVIE
    assert release.title == name
    assert release.year == year


@pytest.mark.parametrize(
    ("title", "resolution"),
    [
        ("Movie.Name.2016.2160p.UHD.BluRay.x265-GRP", "2160p"),
        ("Deadpool.2016.4K.UHD.BluRay.x265-GRP", "2160p"),
        ("Series.S02E01.HDTV.XviD-2HD", "480p"),
        ("Some.Movie.2007.DVD9.NTSC", "480p"),
        ("[SubsPlease] Series Title (540p) [AB649D32].mkv", "480p"),
        ("Movie.Name.2004.576p.BDRip.x264-HANDJOB", "576p"),
        ("Series Title - S02E01 1920x1080", "1080p"),
    ],
)
def test_resolution(title: str, resolution: str) -> None:
    assert parse(title).resolution == resolution


@pytest.mark.parametrize(
    ("title", "audio_format"),
    [
        ("Kid_Cudi-Entergalactic-24BIT-WEBFLAC-2022-NACHOS", "FLAC 24bit"),
        ("Opus - Drums Unlimited (1966) [Flac]", "FLAC"),
        ("Brain Ape - Rig it [2014][ape]", "APE"),
        ("Zeynep_Erbay-Flashlights_On_Love-WEB-2022-BABAS", "MP3 320"),
        ("The Weeknd - The Hills - Single[iTunes Plus AAC M4A]", "AAC 256"),
        ("Various Artists - No New York [1978/Ogg/q8]", "Vorbis q8"),
        ("Mount Eerie - A Crow Looked at Me (2017) [MP3 V0 VBR)]", "MP3 V0"),
    ],
)
def test_audio_format(title: str, audio_format: str) -> None:
    assert parse(title).audio_format == audio_format


def test_video_source_codec_and_group() -> None:
    release = parse("The.Simpsons.S24E03.720p.WEB-DL.DD5.1.H.264-CtrlHD.mkv")
    assert (release.source, release.codec, release.release_group) == ("WEB-DL", "H.264", "CtrlHD")


def test_hints_pick_the_searched_artist_and_album() -> None:
    release = parse(
        "Black Sabbath Black Sabbath FLAC", hint_artist="Black Sabbath", hint_album="Black Sabbath"
    )
    assert (release.artist, release.album) == ("Black Sabbath", "Black Sabbath")


def test_normalise_text_folds_case_diacritics_punctuation_and_article() -> None:
    assert normalise_text("The Beyoncé & Jay-Z!") == "beyonce and jay z"
    assert normalise_text("The Cure", drop_leading_article=False) == "the cure"
    assert normalise_text("Barış Manço") == "baris manco"
