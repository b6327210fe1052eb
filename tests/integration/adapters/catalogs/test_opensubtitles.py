"""OpenSubtitlesSubtitles against a local server speaking the REST API's JSON."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters.catalogs.http import CatalogEndpoint, CatalogHttp
from chalicelib.adapters.catalogs.opensubtitles import OpenSubtitlesSubtitles, search_params
from chalicelib.adapters.torznab.limits import InMemoryRateLimiter
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.media_catalog import CatalogUnavailable
from chalicelib.domain.subtitles import SubtitleWanted, language
from tests.support.catalog_server import CatalogServer, Reply
from tests.support.fakes import FakeClock

SRT_EN = b"1\n00:00:01,000 --> 00:00:02,000\nWake up, Neo.\n"
SRT_FR = b"1\n00:00:01,000 --> 00:00:02,000\nReveille-toi, Neo.\n"


def result(file_id: int, lang: str, downloads: int, hearing: bool = False) -> dict[str, Any]:
    return {"id": str(file_id), "type": "subtitle", "attributes": {
        "subtitle_id": str(file_id), "language": lang, "download_count": downloads,
        "new_download_count": 10, "hearing_impaired": hearing, "hd": True, "fps": 23.976,
        "votes": 3, "ratings": 8.0, "from_trusted": True, "foreign_parts_only": False,
        "upload_date": "2019-01-01T00:00:00Z", "release": "The.Matrix.1999.1080p.BluRay",
        "feature_details": {"feature_id": 1, "feature_type": "Movie", "year": 1999,
                            "title": "The Matrix", "imdb_id": 133093, "tmdb_id": 603},
        "files": [{"file_id": file_id, "cd_number": 1,
                   "file_name": f"The.Matrix.1999.{lang}.srt"}]}}


def routes(base: str) -> dict[str, Reply]:
    return {
        "/api/v1/subtitles": Reply(200, {"total_pages": 1, "total_count": 4, "per_page": 60,
                                         "page": 1, "data": [
            result(11, "en", 5000, hearing=True), result(12, "en", 900),
            result(13, "fr", 300), result(14, "xx", 1)]}),
        "/api/v1/download": Reply(200, {"link": f"{base}/dl/file.srt",
                                        "file_name": "The.Matrix.1999.srt", "requests": 3,
                                        "remaining": 17, "message": "Your quota will be "
                                        "renewed in 07 hours", "reset_time": "07 hours",
                                        "reset_time_utc": "2026-11-30T00:00:00.000Z"}),
        "/dl/file.srt": Reply(200, SRT_EN, content_type="application/x-subrip"),
    }


def source(server: CatalogServer) -> OpenSubtitlesSubtitles:
    clock = FakeClock()
    http = CatalogHttp(CatalogEndpoint("opensubtitles", server.base_url + "/api/v1",
                                       "QuentinTorrentino v0.1",
                                       headers=(("Api-Key", "os-key"),)),
                       clock=clock, rate_limiter=InMemoryRateLimiter(clock, 0))
    return OpenSubtitlesSubtitles(http)


MATRIX = SubtitleWanted((language("eng"), language("fr")), imdb_id="tt0133093",
                        title="The Matrix", year=1999)


def test_one_file_per_language_preferring_plain_over_hearing_impaired() -> None:
    server = CatalogServer({})
    server.routes.update(routes(server.base_url))
    with server:
        found = source(server).fetch(MATRIX)
        search = server.seen[0]
        downloads = [s.body for s in server.seen if s.method == "POST"]
    assert search.query == {"imdb_id": "133093", "languages": "en,fr"}
    assert search.headers["api-key"] == "os-key"
    assert downloads == [{"file_id": 12}, {"file_id": 13}]
    assert [(f.language.code, f.source, f.format, f.hearing_impaired) for f in found] == [
        ("en", "opensubtitles", "srt", False), ("fr", "opensubtitles", "srt", False)]
    assert found[0].data == SRT_EN


def test_episodes_search_by_the_parent_id_season_and_episode() -> None:
    wanted = SubtitleWanted((language("en"),), tmdb_id=1396, season=1, episode=2)
    assert search_params(wanted) == {"episode_number": "2", "languages": "en",
                                     "parent_tmdb_id": "1396", "season_number": "1"}
    by_title = SubtitleWanted((language("de"),), title="The Matrix", year=1999)
    assert search_params(by_title) == {"languages": "de", "query": "the matrix",
                                       "year": "1999"}


def test_a_spent_download_quota_is_unavailable_with_the_services_message() -> None:
    server = CatalogServer({})
    server.routes.update(routes(server.base_url))
    server.routes["/api/v1/download"] = Reply(406, {
        "requests": 21, "remaining": -1, "message": "You have downloaded your allowed 20 "
        "subtitles for 24h.Your quota will be renewed in 07 hours and 29 minutes (2026-11-30 "
        "00:00:00 UTC) ", "reset_time": "07 hours and 29 minutes",
        "reset_time_utc": "2026-11-30T00:00:00.000Z"})
    with server, pytest.raises(CatalogUnavailable, match="allowed 20 subtitles"):
        source(server).fetch(MATRIX)


def test_nothing_in_a_language_is_an_empty_answer_and_bad_codes_are_refused() -> None:
    server = CatalogServer({})
    server.routes.update(routes(server.base_url))
    with server:
        assert source(server).fetch(SubtitleWanted((language("ja"),), imdb_id="tt0133093")) == []
    with pytest.raises(ValidationError):
        language("klingon")
    assert language("fre").code == "fr" and language("pt-BR").code == "pt-br"
