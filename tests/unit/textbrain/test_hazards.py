"""Red flags from titles, file lists and sizes: each class lowers the score and blocks approval."""

from __future__ import annotations

import pytest

from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.request import ContentType, ItemKind, QueryContext, TicketItem
from chalicelib.textbrain.decision import decide
from chalicelib.textbrain.parsing.flags import red_flags_of, title_hazards
from chalicelib.textbrain.release import RedFlag
from chalicelib.textbrain.scoring import rank, score

from .builders import album_files, album_request, candidate, episode_request, movie_request, request

MB = 1_000_000
GB = 1_000_000_000
F = RedFlag


@pytest.mark.parametrize(("title", "flags"), [
    ("Heat.1995.1080p.WEB-DL.x264.mkv.exe", {F.EXECUTABLE}),
    ("Heat 1995 1080p BluRay.avi.scr", {F.EXECUTABLE, F.CAMERA_SOURCE}),
    ("Artist - Album FLAC.lnk", {F.EXECUTABLE}),
    ("Artist - Album (2001) [password protected]", {F.PASSWORD_PROTECTED}),
    ("Heat.1995.1080p.HDRip.KORSUB.x264-GRP", {F.HARDCODED_SUBS}),
    ("Heat.1995.HC.WEBRip.x264-GRP", {F.HARDCODED_SUBS}),
    ("Heat (1995) 720p HDRip Hardsubbed English", {F.HARDCODED_SUBS}),
    ("Heat.1995.HDCAM.x264-GRP", {F.CAMERA_SOURCE}),
    ("Heat 1995 HDTS 720p", {F.CAMERA_SOURCE}),
    ("Heat.1995.TELESYNC.XviD", {F.CAMERA_SOURCE}),
    ("Heat.1995.TC.XviD-GRP", {F.CAMERA_SOURCE}),
    ("Heat.1995.DVDSCR.XviD-GRP", {F.CAMERA_SOURCE}),
    ("Heat.1995.Extras.1080p.BluRay.x264-GRP", {F.EXTRAS_ONLY}),
    ("Heat.1995.Bonus.Disc.720p", {F.EXTRAS_ONLY}),
    ("Heat (1995) Special Features", {F.EXTRAS_ONLY}),
    ("Show.S02.Behind.the.Scenes.720p", {F.EXTRAS_ONLY}),
    # Look-alikes that are not flags.
    ("Heat.1995.1080p.BluRay.DTS-HD.MA.5.1.x264-SCREAM", set()),
    ("Heat.1995.1080p.BluRay.m2ts", set()),
    ("Heat/VIDEO_TS/VTS_01_1.VOB", set()),
    ("Artist - Album (Deluxe Edition + Bonus Tracks) FLAC", set()),
    ("Show.S01E01.1080p.WEB.H264-CAKES", set()),
])
def test_title_hazards(title: str, flags: set[RedFlag]) -> None:
    assert set(title_hazards(title)) == flags


def test_executable_double_extension_is_rejected_and_never_approved() -> None:
    good = candidate("Heat.1995.1080p.BluRay.x264-AMIABLE", seeders=5, size=9 * GB)
    fake = candidate("Heat.1995.1080p.BluRay.x264.mkv.exe", seeders=900, size=3 * MB)
    decision = decide(rank(movie_request(), [fake, good]))
    assert decision.recommended is not None
    assert decision.recommended.candidate is good
    alone = decide(rank(movie_request(), [fake]))
    assert not alone.auto_approve
    scored = score(movie_request(), fake)
    assert "executable" in scored.red_flags and scored.rejected


def test_executable_in_the_file_list_counts_for_media_but_not_for_software() -> None:
    ticket = album_request()
    files = [*album_files("Radiohead - OK Computer"), TorrentFile("Radiohead/Setup.exe", MB)]
    cand = candidate("Radiohead - OK Computer (1997) [FLAC]", size=400 * MB)
    scored = rank(ticket, [cand], {cand.info_hash or "": files})[0]
    assert "executable" in scored.red_flags
    assert not decide([scored]).auto_approve
    software = request(QueryContext(ContentType.SOFTWARE, title="Blender", version="4.1"),
                       [TicketItem("app", ItemKind.FILE, "/apps/blender.exe")])
    app = candidate("Blender 4.1 Windows x64", size=300 * MB)
    app_files = [TorrentFile("Blender 4.1/blender-4.1-windows-x64.exe", 300 * MB)]
    assert "executable" not in rank(software, [app], {app.info_hash or "": app_files})[0].red_flags


@pytest.mark.parametrize(("files", "flag"), [
    ([TorrentFile("Heat.1995.1080p.part1.rar", 4 * GB),
      TorrentFile("Heat.1995.1080p.part2.rar", 4 * GB)], "archive_only"),
    ([TorrentFile("Heat.1995.1080p/heat.zip", 8 * GB), TorrentFile("Password.txt", 100)],
     "password_protected"),
])
def test_locked_or_archive_only_releases_are_rejected(files: list[TorrentFile], flag: str) -> None:
    cand = candidate("Heat.1995.1080p.BluRay.x264-GRP", size=8 * GB)
    scored = rank(movie_request(), [cand], {cand.info_hash or "": files})[0]
    assert flag in scored.red_flags
    assert scored.rejected


def test_impossible_sizes_are_flagged_by_content_and_quality() -> None:
    durations = [240.0] * 12
    tiny = candidate("Radiohead - OK Computer (1997) [FLAC]", size=4 * MB)
    real = candidate("Radiohead - OK Computer (1997) [FLAC]", size=420 * MB, info_hash="1" * 40)
    album = album_request(durations=durations)
    assert "implausible_size" in score(album, tiny).red_flags
    assert "implausible_size" not in score(album, real).red_flags
    # The same 40 MB is a believable MP3 album and an impossible FLAC one.
    small_mp3 = candidate("Radiohead - OK Computer (1997) [MP3 128]", size=40 * MB)
    small_flac = candidate("Radiohead - OK Computer (1997) [FLAC]", size=40 * MB)
    assert "implausible_size" not in score(album, small_mp3).red_flags
    assert "implausible_size" in score(album, small_flac).red_flags
    fake_movie = candidate("Heat.1995.1080p.BluRay.x264-GRP", size=50 * MB)
    assert "implausible_size" in score(movie_request(), fake_movie).red_flags
    episode = candidate("Breaking.Bad.S01E02.720p.HDTV.x264-GRP", size=350 * MB)
    assert "implausible_size" not in score(episode_request(), episode).red_flags


@pytest.mark.parametrize("flagged", [
    "Heat.1995.1080p.HDRip.KORSUB.x264-GRP",
    "Heat.1995.HC.1080p.WEBRip.x264-GRP",
    "Heat.1995.1080p.HDCAM.x264-GRP",
    "Heat.1995.DVDSCR.x264-GRP",
])
def test_lesser_copies_rank_below_a_clean_lower_resolution_release(flagged: str) -> None:
    clean = candidate("Heat.1995.720p.BluRay.x264-GRP", seeders=3, size=5 * GB)
    worse = candidate(flagged, seeders=2000, size=3 * GB)
    ticket = movie_request(min_resolution=None)
    ranked = rank(ticket, [worse, clean])
    assert ranked[0].candidate is clean
    alone = decide(rank(ticket, [worse]))
    assert alone.recommended is not None and not alone.auto_approve


def test_extras_discs_are_rejected_unless_the_ticket_asks_for_them() -> None:
    extras = candidate("Heat.1995.Extras.1080p.BluRay.x264-GRP", size=4 * GB)
    assert score(movie_request(), extras).rejected
    show = request(QueryContext(ContentType.TV_EPISODE, title="Extras", season=1, episode=2),
                   [TicketItem("e", ItemKind.VIDEO, "/tv/extras.mkv", season=1, episode=2)])
    episode = candidate("Extras.S01E02.720p.BluRay.x264-GRP", size=800 * MB)
    scored = score(show, episode)
    assert not scored.rejected and not scored.red_flags


def test_hardcoded_subtitles_mean_nothing_for_music() -> None:
    album = album_request(artist="HC", album="Live Forever")
    cand = candidate("HC - Live Forever (2010) [FLAC]", size=400 * MB)
    assert "hardcoded_subs" not in score(album, cand).red_flags


def test_music_sizes_are_judged_only_against_the_tickets_own_durations() -> None:
    tiny = candidate("Radiohead - OK Computer (1997) [FLAC]", size=4 * MB)
    assert "implausible_size" not in score(album_request(), tiny).red_flags


def test_tiny_tracks_padded_by_a_filler_file_are_flagged() -> None:
    ticket = album_request(durations=[240.0] * 12)
    tracks = [TorrentFile(f.path, 300_000) for f in album_files("Radiohead - OK Computer")]
    padded = [*tracks, TorrentFile("Radiohead - OK Computer/bonus.mkv", 400 * MB)]
    cand = candidate("Radiohead - OK Computer (1997) [FLAC]", size=404 * MB)
    scored = rank(ticket, [cand], {cand.info_hash or "": padded})[0]
    assert "implausible_size" in scored.red_flags
    real = [TorrentFile(f.path, 30 * MB) for f in album_files("Radiohead - OK Computer")]
    fine = rank(ticket, [cand], {cand.info_hash or "": real})[0]
    assert "implausible_size" not in fine.red_flags


@pytest.mark.parametrize(("title", "flag"), [
    ("Artist - Song (Slowed + Reverb) FLAC", F.REMIX),
    ("Artist - Song (Sped Up) FLAC", F.REMIX),
    ("Nightcore - Song (2020)", F.REMIX),
    ("Artist - Song (Acapella) FLAC", F.INSTRUMENTAL),
    ("Ameritz - Song (Originally Performed By Artist) [Karaoke Version]", F.COVER),
    ("Rockabye Baby! - Lullaby Renditions of Radiohead", F.COVER),
    ("The Hit Crew - Performs the Songs of Queen", F.COVER),
    ("Studio Allstars - Take On Me (a-ha Cover) 2010", F.COVER),
])
def test_music_versions_are_flagged_by_their_wording(title: str, flag: RedFlag) -> None:
    assert flag in red_flags_of(title, True)
