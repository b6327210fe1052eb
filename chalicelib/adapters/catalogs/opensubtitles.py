"""OpenSubtitlesSubtitles: subtitles from the OpenSubtitles REST API (api.opensubtitles.com).

Search: GET /subtitles (query parameters sorted and lower-case, as the API asks; a movie by
imdb_id/tmdb_id, an episode by parent ids + season_number + episode_number, else by query and
year), each result's `attributes` has `language`, `hearing_impaired`, `download_count` and
`files` [{file_id}]. Download: POST /download {"file_id"} answers a temporary `link`; a
406 means the day's download quota is spent. Headers: Api-Key and User-Agent.
"""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.catalogs.http import CatalogHttp
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.media_catalog import CatalogUnavailable
from chalicelib.domain.subtitles import Language, SubtitleFile, SubtitleWanted, language

SERVICE = "opensubtitles"


class OpenSubtitlesSubtitles:
    name = SERVICE

    def __init__(self, http: CatalogHttp) -> None:
        self._http = http  # its endpoint carries the Api-Key header

    def fetch(self, wanted: SubtitleWanted) -> list[SubtitleFile]:
        if not wanted.languages:
            return []
        results = self._search(wanted)
        found: list[SubtitleFile] = []
        for lang in wanted.languages:
            best = _best(results, lang)
            if best is not None:
                found.append(self._download(lang, *best))
        return found

    def _search(self, wanted: SubtitleWanted) -> list[dict[str, Any]]:
        params = search_params(wanted)
        try:
            body = self._http.get_json("subtitles", params, what="subtitles")
            return [r["attributes"] for r in body["data"]]
        except NotFound:
            return []
        except (KeyError, TypeError):
            raise CatalogUnavailable(SERVICE, "malformed search reply") from None

    def _download(self, lang: Language, file_id: int, hearing_impaired: bool) -> SubtitleFile:
        answer = self._http.post_json("download", {"file_id": file_id}, what="subtitle file")
        link = answer.get("link") if isinstance(answer, dict) else None
        if not isinstance(link, str):
            raise CatalogUnavailable(SERVICE, "malformed download reply: no link")
        data, _ = self._http.get_bytes(link, what="subtitle file")
        name = str(answer.get("file_name") or "")
        fmt = name.rsplit(".", 1)[-1].lower() if "." in name else "srt"
        return SubtitleFile(lang, data, fmt, SERVICE, f"file_id {file_id}", hearing_impaired)


def search_params(wanted: SubtitleWanted) -> dict[str, str]:
    """The search's query parameters, sorted as the API wants them."""
    params: dict[str, str] = {"languages": ",".join(sorted({lang.code
                                                            for lang in wanted.languages}))}
    episode = wanted.season is not None and wanted.episode is not None
    imdb = wanted.imdb_id.lower().removeprefix("tt").lstrip("0") if wanted.imdb_id else ""
    if episode:
        params.update(season_number=str(wanted.season), episode_number=str(wanted.episode))
    if imdb:
        params["parent_imdb_id" if episode else "imdb_id"] = imdb
    elif wanted.tmdb_id is not None:
        params["parent_tmdb_id" if episode else "tmdb_id"] = str(wanted.tmdb_id)
    elif wanted.title:
        params["query"] = wanted.title.lower()
        if wanted.year and not episode:
            params["year"] = str(wanted.year)
    else:
        raise CatalogUnavailable(SERVICE, "nothing to search by (no id and no title)")
    return dict(sorted(params.items()))


def _best(results: list[dict[str, Any]], lang: Language) -> tuple[int, bool] | None:
    """The most downloaded file in `lang`, preferring subtitles not for the hearing impaired."""
    ranked: list[tuple[bool, int, int]] = []
    for r in results:
        try:
            if language(str(r["language"])).base != lang.base or not r.get("files"):
                continue
            ranked.append((bool(r.get("hearing_impaired")), -int(r.get("download_count") or 0),
                           int(r["files"][0]["file_id"])))
        except (KeyError, TypeError, ValueError, IndexError, ValidationError):
            continue  # an entry the shape does not fit (or an unknown language) is skipped
    if not ranked:
        return None
    hearing, _, file_id = min(ranked)
    return file_id, hearing
