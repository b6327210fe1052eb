"""Choosing the Torznab search function and parameters for a query, given an indexer's caps.

A specialised function (t=music, t=tvsearch, t=movie, t=book) is used only when the caps
list it with every identifying parameter the query would send; otherwise the query falls
back to t=search with its free text, which every indexer supports. A year is optional: sent
when supported, dropped (not a reason to fall back) when not.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.adapters.torznab.caps import IndexerCaps
from chalicelib.domain.candidate import SearchKind, SearchQuery, normalise_text
from chalicelib.domain.search import SearchCacheKey

_OPTIONAL = frozenset({"year"})


@dataclass(frozen=True)
class SearchRequest:
    """One Torznab request to send: `t=function` plus parameters (no API key)."""

    function: str
    params: tuple[tuple[str, str], ...]
    categories: tuple[int, ...]

    def query_params(self) -> dict[str, str]:
        """The URL parameters, categories as `cat=a,b`."""
        params = {"t": self.function, **dict(self.params)}
        if self.categories:
            params["cat"] = ",".join(str(c) for c in self.categories)
        return params

    def cache_key(self, indexer: str) -> SearchCacheKey:
        """The cache key: text values normalised, categories sorted."""
        params = tuple(sorted((k, normalise_text(v)) for k, v in self.params))
        return SearchCacheKey(indexer, self.function, params, tuple(sorted(set(self.categories))))


def plan_request(query: SearchQuery, caps: IndexerCaps) -> SearchRequest:
    """The request that best fits `query` on the indexer described by `caps`."""
    categories = tuple(dict.fromkeys(query.categories))
    specialised = _specialised(query)
    if specialised is not None:
        function, wanted = specialised
        supported = caps.functions.get(function, frozenset())
        required = {name for name in wanted if name not in _OPTIONAL}
        if function in caps.functions and required <= supported:
            params = tuple((k, v) for k, v in wanted.items() if k in supported)
            return SearchRequest(function, params, categories)
    return SearchRequest("search", (("q", query.text.strip()),), categories)


def _specialised(query: SearchQuery) -> tuple[str, dict[str, str]] | None:
    """The specialised function for the query's kind and the parameters it would send."""
    wanted: dict[str, str | int | None]
    if query.kind == SearchKind.MUSIC:
        named = query.artist or query.album
        wanted = {
            "q": None if named else query.text,
            "artist": query.artist,
            "album": query.album,
            "year": query.year,
        }
        function = "music"
    elif query.kind == SearchKind.TV:
        wanted = {"q": query.title or query.text, "season": query.season, "ep": query.episode}
        function = "tvsearch"
    elif query.kind == SearchKind.MOVIE:
        wanted = {"q": query.title or query.text, "year": query.year, "imdbid": query.imdb_id}
        function = "movie"
    elif query.kind == SearchKind.BOOK:
        named = query.author or query.title
        wanted = {"q": None if named else query.text, "author": query.author, "title": query.title}
        function = "book"
    else:
        return None
    return function, {k: str(v) for k, v in wanted.items() if v is not None and v != ""}
