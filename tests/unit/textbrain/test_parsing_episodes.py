"""Episode notations beyond S01E02: absolute (anime) numbering and season-then-number forms.

Each class has the issue's example plus variants written here (other names, separators and
positions), so that a rule fitted to one title fails the others.
"""

from __future__ import annotations

import pytest

from chalicelib.textbrain.normalise import normalise_text
from chalicelib.textbrain.parsing import parse
from chalicelib.textbrain.release import ReleaseKind


def _episode(title: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    release = parse(title)
    assert release.content_type is ReleaseKind.TV, title
    return normalise_text(release.title or "", False), release.seasons, release.episodes


@pytest.mark.parametrize(
    ("title", "name", "episodes"),
    [
        # A group bracket, a dash, the number, metadata brackets.
        ("[Erai-raws] Spy x Family - 07 [1080p].mkv", "spy x family", (7,)),
        ("[SomeSubs] Kaze no Uta - 12v2 [720p][1A2B3C4D].mkv", "kaze no uta", (12,)),
        (
            "[Fansub-Team]_Hoshi_no_Michi_-_03_(1280x720_h264)_[ABCDEF12].mkv",
            "hoshi no michi",
            (3,),
        ),
        # Three- and four-digit absolute numbers stay whole (not season 10 episode 71).
        ("One Piece - 1071 - The Ultimate Form [1080p].mkv", "one piece", (1071,)),
        ("Detective Tales - 315 - The Locked Room [720p].mkv", "detective tales", (315,)),
        ("[Grp] Long Runner 0456 [480p]", "long runner", (456,)),
        # The name and the number are brackets themselves.
        ("[Judas]_[JUJUTSU_KAISEN]_[023]_[x265_1080p].mkv", "jujutsu kaisen", (23,)),
        ("[GroupA][Hana_Yori][07][DVDRip][x264_AC3].mkv", "hana yori", (7,)),
        # A checksum is evidence enough for a bare number after the name.
        ("Mori no Kuma 2 [88F4F7F0].mkv", "mori no kuma", (2,)),
        # Ranges: "01 ~ 28", "13-15", "(01-04)", "ep. 1-5", "#1-4".
        ("[SubsPlease] Frieren - 01 ~ 28 (1080p) [Batch]", "frieren", tuple(range(1, 29))),
        ("[Grp] Umi no Koe - 01 ~ 12 [BD 1080p]", "umi no koe", tuple(range(1, 13))),
        ("Sora_Kakeru_13-15_[BD_1080p][Grp]", "sora kakeru", (13, 14, 15)),
        ("[Grp] Tsuki Monogatari - (01-04) [1080p].mkv", "tsuki monogatari", (1, 2, 3, 4)),
        ("Chrono Road ep. 1-5", "chrono road", (1, 2, 3, 4, 5)),
        # An alternative numbering in brackets after the absolute number.
        ("Mushoku Tensei 46 (S2-23)", "mushoku tensei", (46,)),
        ("Yama no Susume 61 (S4-12) [1080p]", "yama no susume", (61,)),
    ],
)
def test_absolute_episode_numbers(title: str, name: str, episodes: tuple[int, ...]) -> None:
    found_name, _, found_episodes = _episode(title)
    assert (found_name, found_episodes) == (name, episodes)


def test_absolute_numbering_names_no_season() -> None:
    assert parse("[Erai-raws] Spy x Family - 07 [1080p].mkv").seasons == ()


def test_a_metadata_bracket_in_front_is_not_a_group() -> None:
    release = parse("[h265 - hevc] Rocket Men 2 1080p french ac3 6ch.")
    assert release.content_type is ReleaseKind.MOVIE
    assert release.episodes == ()


def test_a_plain_scene_number_is_still_season_and_episode() -> None:
    assert _episode("Show.Name.103.HDTV.XviD-GRP")[1:] == ((1,), (3,))


@pytest.mark.parametrize(
    ("title", "name", "seasons", "episodes"),
    [
        ("Severance S01 05.mkv", "severance", (1,), (5,)),
        ("Dark.S02.04.mkv", "dark", (2,), (4,)),
        ("The.Expanse.S03.11.720p.WEB.x264-GRP", "the expanse", (3,), (11,)),
        ("Lost Season 3 12.avi", "lost", (3,), (12,)),
        ("Bluey Season 2 - 07 [1080p]", "bluey", (2,), (7,)),
        ("Ookami S2 - 09 (Central Anime) [BD841253].mkv", "ookami", (2,), (9,)),
    ],
)
def test_a_bare_number_after_a_season_is_its_episode(
    title: str, name: str, seasons: tuple[int, ...], episodes: tuple[int, ...]
) -> None:
    assert _episode(title) == (name, seasons, episodes)


@pytest.mark.parametrize(
    "title",
    [
        "Some.Show.S02.1080p.BluRay.x264-GRP",
        "Some Show S02 2019 720p",
        "Some.Show.S02.10bit.x265-GRP",
    ],
)
def test_a_resolution_a_year_or_a_bit_depth_after_a_season_is_no_episode(title: str) -> None:
    release = parse(title)
    assert (release.seasons, release.episodes) == ((2,), ())


@pytest.mark.parametrize(
    ("title", "name", "seasons", "episodes"),
    [
        # A cross marker glued to the name.
        ("Fringe2x05.HDTV.XviD", "fringe", (2,), (5,)),
        ("Monk3x11.DSR.XviD-GRP", "monk", (3,), (11,)),
        # Season and episode words in other languages, an episode range in brackets.
        ("La Casa de Papel Temporada 2 Capitulo 9", "la casa de papel", (2,), (9,)),
        (
            "El Ministerio del Tiempo Temporada 3 Capítulo 4 HDTV",
            "el ministerio del tiempo",
            (3,),
            (4,),
        ),
        ("Ozark.Season.03.Ep(01-10)", "ozark", (3,), tuple(range(1, 11))),
        ("The Bridge Season 2 Episode(3-5) 720p", "the bridge", (2,), (3, 4, 5)),
        # Season ranges, with packaging words dropped from the name.
        ("Seinfeld.COMPLETE.S01-S09", "seinfeld", tuple(range(1, 10)), ()),
        ("Frasier The Complete Series S01 - S11 DVDRip", "frasier", tuple(range(1, 12)), ()),
        ("Cheers.S01-S03.720p.WEB-DL", "cheers", (1, 2, 3), ()),
        # A disc of a season pack glued to the season.
        ("Friends.S05DVD2", "friends", (5,), ()),
        ("Scrubs.S02D1.NTSC.DVDR-GRP", "scrubs", (2,), ()),
    ],
)
def test_other_season_and_episode_notations(
    title: str, name: str, seasons: tuple[int, ...], episodes: tuple[int, ...]
) -> None:
    assert _episode(title) == (name, seasons, episodes)


def test_a_frame_size_is_no_glued_cross_marker() -> None:
    release = parse("Nature.Film.1920x1080.BluRay.x264-GRP")
    assert release.episodes == () and release.seasons == ()


def test_a_year_in_a_series_name_stays_in_the_name_and_is_also_the_year() -> None:
    release = parse("Doctor.Who.2005.S08E03.720p.HDTV.x264-GRP")
    assert (release.title, release.year, release.episodes) == ("Doctor Who 2005", 2005, (3,))


@pytest.mark.parametrize(
    ("title", "seasons"),
    [
        ("Attack.on.Titan.S01.S02.S03.1080p.Blu-Ray.Remux", (1, 2, 3)),
        ("Hero Mask S1 + S2 + Extras [BD REMUX, 1080p]", (1, 2)),
        ("[Grp] Nisekoi S1+S2 [BDrip 1920x1080 x264 FLAC]", (1, 2)),
        ("The Simpsons - Complete Seasons S01 to S28 (1080p, DVDRip)", tuple(range(1, 29))),
        ("Justified - Season 1 to 6 - Mp4 x264 AC3 1080p", tuple(range(1, 7))),
        ("The Wire (Season 1, 2, 3, 4 & 5) DVDRip", (1, 2, 3, 4, 5)),
    ],
)
def test_season_lists_and_ranges(title: str, seasons: tuple[int, ...]) -> None:
    assert parse(title).seasons == seasons


@pytest.mark.parametrize(
    ("title", "name", "season", "episodes"),
    [
        ("[Grp] Kimi no Michi 2nd Season - 05 [720p].mkv", "kimi no michi", 2, (5,)),
        ("Hayate no Gotoku 3rd Season 24 (Blu-Ray 1080p) [Grp]", "hayate no gotoku", 3, (24,)),
        (
            "Sultan of Delhi (2023) S01EP(01-09) [HDRip x264]",
            "sultan of delhi 2023",
            1,
            tuple(range(1, 10)),
        ),
    ],
)
def test_ordinal_seasons_and_bracketed_episode_ranges(
    title: str, name: str, season: int, episodes: tuple[int, ...]
) -> None:
    found_name, seasons, found_episodes = _episode(title)
    assert (found_name, seasons[:1], found_episodes) == (name, (season,), episodes)


def test_a_bracketed_year_after_the_name_is_the_series_year() -> None:
    release = parse("Borgen-Season 1-[2010].x264.DVDrip")
    assert (release.title, release.year, release.seasons) == ("Borgen", 2010, (1,))


def test_a_site_name_with_a_dash_in_front_goes() -> None:
    assert parse("SomeSite4TV.com - Dark Matter Season 1 720p BluRay").title == "Dark Matter"


def test_a_resolution_in_a_leading_bracket_counts() -> None:
    assert parse("[Show Name HD][07][Big5][720p][AVC_AAC].mp4").resolution == "720p"


@pytest.mark.parametrize(
    ("title", "name", "episodes"),
    [
        # An episode word later in the title wins over a number that belongs to the name.
        (
            "[Grp] Space Cruiser 2202 (2017) episode 04 (720p AAC)[1A2B3C4D]",
            "space cruiser 2202 2017",
            (4,),
        ),
        ("Robot 009 (1968) [TSHS] episode 06 [30C15D62].mp4", "robot 009 1968", (6,)),
        # An episode word after a metadata bracket, and "#01".
        ("[Grp] Koi Kaze [Dual Audio] Ep01 (c13cefe0).mkv", "koi kaze", (1,)),
        ("[Grp] Tiger & Bunny #03 A Title. (1080p Hi10P) [4A9AB85F].mkv", "tiger and bunny", (3,)),
        # A number of the name before "- NN" stays in the name.
        ("[Grp] The World God Only Knows 2 - 03 [720p].mkv", "the world god only knows 2", (3,)),
        ("[Grp]_Fairy_Tale_2_-_52_[720p][9DF6B8D5].mkv", "fairy tale 2", (52,)),
        # A version after the number, as its own word or glued in upper case.
        ("[Grp]_Kono_Sora_ni_10_v2_[DVD][h264][C83D206B].mkv", "kono sora ni", (10,)),
        ("[Grp]_D.Gray-man_04V2.avi", "d gray man", (4,)),
        # A metadata bracket before a dash and the number.
        ("Mary Bell (DVD) - 02 [h-b].mkv", "mary bell", (2,)),
        # The name is the only group bracket before the number.
        ("[Keroro].148.[Xvid.mp3].[FE68D5F1].avi", "keroro", (148,)),
        # A file extension of older fansubs.
        ("[Grp]FullMetalAlchemist_09.rmvb", "fullmetalalchemist", (9,)),
    ],
)
def test_more_absolute_notations(title: str, name: str, episodes: tuple[int, ...]) -> None:
    found_name, _, found_episodes = _episode(title)
    assert (found_name, found_episodes) == (name, episodes)


def test_japanese_season_and_episode_counters() -> None:
    assert _episode("呪術廻戦 第2期 01話") == ("呪術廻戦", (2,), (1,))
    assert _episode("[Grp] Some Show 第12話 1080p")[2] == (12,)


def test_an_anime_series_year_stays_in_the_name_and_is_the_year() -> None:
    release = parse("[Grp] Full Metal Tale (2009) - 04 [720p][40F2A957].mp4")
    assert (release.title, release.year, release.episodes) == ("Full Metal Tale (2009)", 2009, (4,))


@pytest.mark.parametrize(
    ("title", "episodes"),
    [
        # A second number after a dash that starts an episode title is no range end.
        ("[Grp]_Series_Name_-_11_-_511_Kinderheim_[6C70C4E4].mkv", (11,)),
        # A glued range after "Name 2 - ".
        ("[Grp] Series-Name! 2 - 01~04 [1080p]", (1, 2, 3, 4)),
        # A square-bracketed number after the name, without a group bracket in front.
        ("Series_Name_2_[07]_[Team_TV]_[WEBRip_1080p]", (7,)),
        ("Series Name (2010) {03} Episode Title.hdtv-720p", (3,)),
        # Episode words in other languages.
        ("Series Name Kai Episodio 13 Audio Latino", (13,)),
    ],
)
def test_absolute_episode_edges(title: str, episodes: tuple[int, ...]) -> None:
    assert parse(title).episodes == episodes


@pytest.mark.parametrize(
    ("title", "seasons", "episodes"),
    [
        # An episode word later in the title than the season.
        ("Fear.the.Dead.-.Season.2.epi.02.XviD.Eng.Ac3-GRP", (2,), (2,)),
        ("Cucina Italia - Stagione 6 (2016) 720p Episodio 13 grp.mkv", (6,), (13,)),
        ("Some Show Season 4 1080p WEB-DL E07", (4,), (7,)),
        # Spanish abbreviations and a chapter range with an underscore.
        ("Show.Name.-.Tem.1.720p.HDTV.x264[Cap.102]SPANISH.AUDIO-GRP", (1,), (2,)),
        ("Show.Name.-.Temporada.1.720p.HDTV.x264[Cap.102_104]SPANISH-GRP", (1,), (2, 3, 4)),
        # Two episodes joined by "and".
        ("Project.Way.S14E00.and.S14E01.SDTV.x264-GRP.mp4", (14,), (0, 1)),
        # A short number right before a television source.
        ("Test.Show.14.HDTV-GRP", (), (14,)),
        ("FooBar.7v3.PDTV-GRP", (), (7,)),
    ],
)
def test_season_then_episode_words_and_broadcast_numbers(
    title: str, seasons: tuple[int, ...], episodes: tuple[int, ...]
) -> None:
    release = parse(title)
    assert (release.seasons, release.episodes) == (seasons, episodes)


def test_a_sequel_number_before_a_disc_source_stays_a_movie() -> None:
    release = parse("Cars.2.2011.720p.BluRay.x264-GRP")
    assert (release.content_type, release.title, release.episodes) == (
        ReleaseKind.MOVIE,
        "Cars 2",
        (),
    )


@pytest.mark.parametrize(
    ("title", "name", "episodes"),
    [
        ("[DeadFish] 01 - Tari Tari [BD][720p][AAC].mp4", "tari tari", (1,)),
        ("003. Show Name - Ep Name.avi", "show name", (3,)),
        ("[Grp]_07_-_Kaze_no_Uta_[720p].mkv", "kaze no uta", (7,)),
    ],
)
def test_a_zero_padded_number_first_is_the_episode(
    title: str, name: str, episodes: tuple[int, ...]
) -> None:
    found_name, _, found_episodes = _episode(title)
    assert (found_name, found_episodes) == (name, episodes)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("300 - Rise of an Empire (2014) 1080p BluRay", "300 - Rise of an Empire"),
        ("007.Spectre.2015.1080p.BluRay.x264-GRP", "007 Spectre"),
    ],
)
def test_a_number_that_starts_a_movie_name_stays_in_it(title: str, name: str) -> None:
    release = parse(title)
    assert (release.content_type, release.title, release.episodes) == (ReleaseKind.MOVIE, name, ())
