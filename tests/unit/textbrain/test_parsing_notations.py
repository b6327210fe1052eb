"""Episode and season notations of other languages and scene habits (issue 12, second pass).

Every case is written here for its class (invented names, several separators and positions),
not copied from a bench corpus, so that a rule fitted to one title fails the others.
"""

from __future__ import annotations

import pytest

from chalicelib.textbrain.normalise import normalise_text
from chalicelib.textbrain.parsing import parse
from chalicelib.textbrain.release import ReleaseKind


def _read(title: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    release = parse(title)
    assert release.content_type is ReleaseKind.TV, title
    return normalise_text(release.title or "", False), release.seasons, release.episodes


@pytest.mark.parametrize(
    ("title", "name", "seasons", "episodes"),
    [
        # A number written before the season word, with or without an ordinal mark.
        ("Casa Azul 2ª Temporada Completa 720p", "casa azul", (2,), ()),
        ("Los Vecinos - 05º Temporada [HDTV]", "los vecinos", (5,), ()),
        ("Ruta Norte 1a. Temporada DVDRip", "ruta norte", (1,), ()),
        ("Night Garden 7 th season 480p", "night garden", (7,), ()),
        ("Sea Fort 2ª a 4ª Temporada [WEB-DL]", "sea fort", (2, 3, 4), ()),
        # Russian, transliterated and Turkish season and episode words, either order.
        (
            "Тихий Дом / Quiet House / Сезон: 2 / Серии: 1-8 [WEB-DL 720p]",
            None,
            (2,),
            tuple(range(1, 9)),
        ),
        ("Zolotoy.Gorod.(3.sez.14.ser.iz.20).2014.HDTVRip.avi", "zolotoy gorod", (3,), (14,)),
        ("Dolgaya Doroga 4.sezon.11.seriya.iz.16.WEBRip.avi", "dolgaya doroga", (4,), (11,)),
        # "Cap" (capítulo) with a one- or two-digit number after a season.
        ("Casa Verde Temporada 2 Cap 7 HDTV", "casa verde", (2,), (7,)),
        ("Kara.Deniz.3.Sezon.12.Bölüm.1080p.WEB-DL.mkv", "kara deniz", (3,), (12,)),
        # "Blm", the short form of Bölüm.
        ("Kara Deniz 45. Blm (12.03.2022) 1080p WEB-DL", "kara deniz", (), (45,)),
        ("Kara Deniz 07 BLM(02.11.2021) 720p HDTV x264", "kara deniz", (), (7,)),
        ("Новая гавань 2-й сезон 07-я серия.avi", "новая гавань", (2,), (7,)),
        ("Лесник. Сезон 4. Эпизод 15.avi", "лесник", (4,), (15,)),
        # S01xE03, Sn4 Ep14: an x or an n inside the usual marker.
        ("Harbour Lights - S02xE07.mp4", "harbour lights", (2,), (7,)),
        ("Iron Valley Sn3 Ep11 HDTV", "iron valley", (3,), (11,)),
        # Spaced episode ranges with a word or a dash between two E markers.
        (
            "Le Bureau (2015) - S03 - E01 à E10 - [WEB-DL]",
            "le bureau 2015",
            (3,),
            tuple(range(1, 11)),
        ),
        # The episode words in the plural after a season.
        ("Blue Harbour Season 2 Episodes 1-6 WEB", "blue harbour", (2,), tuple(range(1, 7))),
    ],
)
def test_worded_and_variant_markers(
    title: str, name: str | None, seasons: tuple[int, ...], episodes: tuple[int, ...]
) -> None:
    got_name, got_seasons, got_episodes = _read(title)
    if name is not None:
        assert got_name == name, title
    assert (got_seasons, got_episodes) == (seasons, episodes), title


@pytest.mark.parametrize(
    ("title", "episode"),
    [
        # After S05E53 a spaced "- Ep.129" is the absolute number, not the end of a range.
        ("Star Racer S02E14 - Ep.40.mkv", (14,)),
        ("Hero Files S01E05 - Ep.105 [720p]", (5,)),
    ],
)
def test_absolute_number_after_marker_is_not_a_range(title: str, episode: tuple[int, ...]) -> None:
    assert _read(title)[2] == episode


@pytest.mark.parametrize(
    "title",
    [
        # A channel layout followed by a track count is audio, not season 1 episode 2.
        "Night Wolf (1999) (BDRip 1920x1080p x265 HEVC AC3 5.1x2)[grp].mkv",
        "Quiet Field 2003 BluRay 1080p DTS-HD 7.1x2 2.0x3-GRP",
    ],
)
def test_audio_track_counts_are_not_episodes(title: str) -> None:
    release = parse(title)
    assert release.episodes == () and release.seasons == (), title


@pytest.mark.parametrize(
    ("title", "seasons"),
    [
        # Seasons listed with "+", "&", ",", "/", ":" or a double dash.
        ("Harbour Town Seasons 1 + 2 DVDRip", (1, 2)),
        ("North Pier Season 1, 2, 3, & 5 + Extras", (1, 2, 3, 5)),
        ("Red Canyon Complete Seasons 1:6 720p", (1, 2, 3, 4, 5, 6)),
        ("Blue Lagoon S01--S04 Complete", (1, 2, 3, 4)),
        ("Star Base ALL Seasons - S01 / S02 / S03", (1, 2, 3)),
        # Spaces alone: a plural word, or numbers counting up by one.
        ("Old Mill Temporadas 2 3 4 [DVD]", (2, 3, 4)),
        ("Cape Hope (Season 3 4 5 6) 720p HEVC", (3, 4, 5, 6)),
        # A spaced dash before packaging words closes a season range.
        ("Lake House Season 1 - 5 Complete DVDRip", (1, 2, 3, 4, 5)),
        ("[Grp] River Town Season 2 - 4 + Extras [480p]", (2, 3, 4)),
        # A list stops before a resolution.
        ("Deep Field Complete Season 1 , 2 ,3 ,1080p HEVC", (1, 2, 3)),
    ],
)
def test_season_lists(title: str, seasons: tuple[int, ...]) -> None:
    assert _read(title)[1:] == (seasons, ()), title


@pytest.mark.parametrize(
    ("title", "seasons", "episodes"),
    [
        # "Season 3 - 11 [1080p]" and "Season 3 12" still name an episode.
        ("[Subs] Sky Castle Season 3 - 11 [1080p].mkv", (3,), (11,)),
        ("Grey Harbour Season 2 14.avi", (2,), (14,)),
        # A season with a T (temporada) or with no letter before the E marker.
        ("Casa Roja - T03E11.mp4", (3,), (11,)),
        ("Casa Roja T02xE04 [HDTV]", (2,), (4,)),
        ("Meadow Lane 02E07.mkv", (2,), (7,)),
        # A season and an episode joined by a dot or an underscore (not in a leading bracket).
        ("Pine Ridge - 4.12 - Night Shift.mkv", (4,), (12,)),
        ("Pn.Rdg.03.08.avi", (3,), (8,)),
        ("Pn-Rdg-05_11.F.avi", (5,), (11,)),
        ("pine_ridge_02_19.avi", (2,), (19,)),
        # At the very start: "N-NN Title".
        ("3-14 The Long Night.m4v", (3,), (14,)),
    ],
)
def test_terse_season_episode(
    title: str, seasons: tuple[int, ...], episodes: tuple[int, ...]
) -> None:
    assert _read(title)[1:] == (seasons, episodes), title


@pytest.mark.parametrize(
    ("title", "name", "year"),
    [
        # Dates, codecs, channel layouts and film names with dotted numbers are not episodes.
        ("Some.Film.1.15.Version.2011.720p.BluRay", "some film 1 15 version", 2011),
        # An S-number hyphened to a tag that ends in a digit is the release group.
        ("Far Harbour (2001) [1080p] [WEB-DL] [x264] [E-AC3-S78] [Lektor PL]", "far harbour", 2001),
        ("The Long Game 2022 PL 1080p WEB-DL H264 DD5.1-S56", "the long game", 2022),
    ],
)
def test_not_episodes(title: str, name: str, year: int) -> None:
    release = parse(title)
    assert release.content_type is ReleaseKind.MOVIE, title
    assert (normalise_text(release.title or "", False), release.year) == (name, year)
    assert release.seasons == () and release.episodes == ()


@pytest.mark.parametrize(
    ("title", "name", "seasons", "episodes"),
    [
        # A name that starts with NxN keeps it when an S01E09 marker follows.
        ("3x3.Mountain.Roads.S02E05.1080p.WEB.h264-GRP", "3x3 mountain roads", (2,), (5,)),
        # "Eps" as the episode word, with a range.
        ("Star.Pilots.Eps.03-05.DVDRip.XviD-GRP", "star pilots", None, (3, 4, 5)),
    ],
)
def test_marker_choice(
    title: str, name: str, seasons: tuple[int, ...] | None, episodes: tuple[int, ...]
) -> None:
    got_name, got_seasons, got_episodes = _read(title)
    assert (got_name, got_episodes) == (name, episodes)
    if seasons is not None:
        assert got_seasons == seasons


@pytest.mark.parametrize(
    ("title", "year"),
    [
        # A year after the episode marker is the show's year when the name has none ...
        ("Moon.Patrol.E04.Der.Anfang.German.2019.ANiME.DL.BDRiP.x264-GRP", 2019),
        # ... but not a date, a span of years or a Spanish episode number.
        ("Moon.Patrol.S01E04.2019.05.14.720p.HDTV", None),
        ("Moon Patrol Season 1 (1988 - 89) DVDRip", None),
        ("Moon Patrol - Temporada 12 [HDTV][Cap.1205][Castellano].avi", None),
    ],
)
def test_series_year_after_marker(title: str, year: int | None) -> None:
    assert parse(title).year == year, title


@pytest.mark.parametrize(
    ("title", "name", "air_date"),
    [
        # A daily show names its episode by the air date.
        ("Late.Night.Talk.2021.11.03.720p.HDTV.x264-GRP", "late night talk", "2021-11-03"),
        ("Morning News 2018-02-28 Guest Name 1080p WEB h264", "morning news", "2018-02-28"),
    ],
)
def test_daily_air_dates(title: str, name: str, air_date: str) -> None:
    release = parse(title)
    assert release.content_type is ReleaseKind.TV
    assert (normalise_text(release.title or "", False), release.air_date) == (name, air_date)
    assert release.year == int(air_date[:4]) and release.episodes == ()


def test_concert_dates_are_not_air_dates() -> None:
    release = parse("Some Band - Live at the Hall 2003-05-14 [FLAC]")
    assert release.content_type is ReleaseKind.MUSIC and release.air_date is None


@pytest.mark.parametrize(
    ("title", "name", "alternative"),
    [
        ("Silent River AKA Cicha rzeka 1998 DVDRip", "Silent River", "Cicha rzeka"),
        ("Red.Lantern.aka.Hong.Deng.2004.1080p.BluRay.x264-GRP", "Red Lantern", "Hong Deng"),
    ],
)
def test_aka_alternative_titles(title: str, name: str, alternative: str) -> None:
    release = parse(title)
    assert (release.title, release.alternative_title) == (name, alternative)


@pytest.mark.parametrize(
    ("title", "name", "episodes"),
    [
        # A lettered part names its episode; a fraction (a recap between two) names none.
        ("Cloud Town - 112b - The Second Story [720p].mkv", "cloud town", (112,)),
        ("[Grp]_Star_Harbour_-_03a_[1A2B3C4D].mkv", "star harbour", (3,)),
        ("[Grp] Star Harbour - 12.5 - Recap [720p].mkv", "star harbour", ()),
        ("[Grp]_Star_Harbour_07.5_[1A2B3C4D].mkv", "star harbour", ()),
    ],
)
def test_partial_episodes(title: str, name: str, episodes: tuple[int, ...]) -> None:
    got_name, _, got_episodes = _read(title)
    assert (got_name, got_episodes) == (name, episodes)


@pytest.mark.parametrize(
    ("title", "name", "seasons", "episodes"),
    [
        # A batch's bracketed range after its tags, or with what else the batch holds.
        ("Moon Riders [720p] (001-052) [Complete]", "moon riders", (), tuple(range(1, 53))),
        (
            "[Grp] Moon Riders (001-120+Movies+OVA) [BD] [1080p]",
            "moon riders",
            (),
            tuple(range(1, 121)),
        ),
        # A season in another language followed by its episodes after a dash.
        ("Jinetes 3º Temporada - 41 ao 45 - [WEB]", "jinetes", (3,), (41, 42, 43, 44, 45)),
        ("Всадники Сезон 2 - 07 [WEB-DL]", "всадники", (2,), (7,)),
    ],
)
def test_batches_and_worded_seasons_with_episodes(
    title: str, name: str, seasons: tuple[int, ...], episodes: tuple[int, ...]
) -> None:
    assert _read(title) == (name, seasons, episodes)


@pytest.mark.parametrize(
    "title",
    [
        # A volume is not an episode, and its word is not the name's.
        "[Grp] Sky Lines - Vol.2 [BD 720p-AAC]",
        "[Grp] Sky Lines Vol. 1v2 & Vol. 2 (BD 1280x720 x264 AAC)",
        "[Grp] Sky Lines Vol.1&2 (BD 1080p 10bit FLAC)",
    ],
)
def test_volumes_end_names(title: str) -> None:
    release = parse(title)
    assert (release.title, release.episodes) == ("Sky Lines", ()), title


def test_a_films_volume_stays_in_its_name() -> None:
    assert parse("Kill.Bill.Vol.1.2003.1080p.BluRay.x264-GRP").title == "Kill Bill Vol 1"


@pytest.mark.parametrize(
    ("title", "name", "seasons", "episodes"),
    [
        # A file in a season's folder, named by its episode number and title.
        ("Harbor Lights/Season 2/07 The Lighthouse Keeper.mkv", "harbor lights", (2,), (7,)),
        ("Harbor.Lights.S03.720p.WEB-DL/04 - Low Tide.mkv", "harbor lights", (3,), (4,)),
        ("Green Valley/Saison 1/12_Le_Retour.avi", "green valley", (1,), (12,)),
        # The file's own marker still wins; a folder of several seasons names no one season.
        ("Harbor Lights/Season 2/Harbor.Lights.S02E05.mkv", "harbor lights", (2,), (5,)),
        ("Harbor Lights/Seasons 1-3/Extras.mkv", "harbor lights", (1, 2, 3), ()),
    ],
)
def test_a_numbered_file_in_a_season_folder_is_that_episode(
    title: str, name: str, seasons: tuple[int, ...], episodes: tuple[int, ...]
) -> None:
    assert _read(title) == (name, seasons, episodes)


def test_a_numbered_track_in_an_album_folder_is_no_episode() -> None:
    release = parse("Some Band - Early Days/CD1/03 Night Drive.flac")
    assert release.content_type is ReleaseKind.MUSIC
    assert release.episodes == ()


@pytest.mark.parametrize(
    ("title", "name", "episodes"),
    [
        # A zero-padded number after the name, then the episode's title.
        ("Harbor Lights - 02 The Lighthouse Keeper.mkv", "harbor lights", (2,)),
        ("[Fansub] Sky Garden 05 A New Wind [720p][1A2B3C4D].mkv", "sky garden", (5,)),
        ("[Fansub]_Sky_Garden_07_The_Storm_[BD][5E6F7A8B].mkv", "sky garden", (7,)),
    ],
)
def test_a_padded_number_followed_by_an_episode_title_is_the_episode(
    title: str, name: str, episodes: tuple[int, ...]
) -> None:
    assert _read(title) == (name, (), episodes)


@pytest.mark.parametrize(
    "title",
    [
        "[Fansub] Gundam 00 Awakening [720p]",  # "00" is a name's
        "[Fansub] 05 Centimeters Per Second [720p]",  # a number first starts the name
        "Station 19 Lights Out 2019 1080p WEB-DL",  # not padded
    ],
)
def test_other_numbers_before_words_stay_in_the_name(title: str) -> None:
    assert parse(title).episodes == ()


@pytest.mark.parametrize(
    "title",
    ["Ocean's 11 (2001) 1080p BluRay", "Schindler’s 12 2010 720p", "Adele's 21 (2011) FLAC"],
)
def test_a_possessive_s_before_a_number_is_no_season(title: str) -> None:
    assert parse(title).seasons == ()
