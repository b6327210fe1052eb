import pytest

from chalicelib.adapters.torznab.caps import IndexerCaps, parse_caps
from chalicelib.adapters.torznab.documents import parse_xml
from chalicelib.adapters.torznab.plan import plan_request
from chalicelib.domain.candidate import Category, SearchKind, SearchQuery
from chalicelib.domain.indexers import IndexerResponseError

CAPS = b"""<?xml version="1.0" encoding="UTF-8"?>
<caps>
  <server version="1.0" title="Jackett" />
  <limits default="100" max="100" />
  <searching>
    <search available="yes" supportedParams="q" />
    <tv-search available="yes" supportedParams="q,season,ep" />
    <movie-search available="no" supportedParams="q,imdbid" />
    <audio-search available="yes" supportedParams="q,Artist,album" />
    <book-search available="yes" supportedParams="q" />
  </searching>
  <categories>
    <category id="3000" name="Audio"><subcat id="3040" name="Audio/Lossless" /></category>
    <category id="100044" name="Lossless" />
  </categories>
</caps>"""


def _caps() -> IndexerCaps:
    return parse_caps(parse_xml(CAPS, "idx"), "idx")


def test_caps_parsing() -> None:
    caps = _caps()
    assert caps.title == "Jackett"
    assert caps.functions == {
        "search": frozenset({"q"}),
        "tvsearch": frozenset({"q", "season", "ep"}),
        "music": frozenset({"q", "artist", "album"}),
        "book": frozenset({"q"}),
    }
    assert caps.categories == {3000: "Audio", 3040: "Audio/Lossless", 100044: "Lossless"}
    assert caps.supports("music", {"artist"})
    assert not caps.supports("movie", {"q"})


def test_caps_with_wrong_root() -> None:
    with pytest.raises(IndexerResponseError, match="caps"):
        parse_caps(parse_xml(b"<rss/>", "idx"), "idx")


def test_music_uses_artist_and_album_and_drops_unsupported_year() -> None:
    query = SearchQuery(
        "Pink Floyd Animals", SearchKind.MUSIC, (Category.AUDIO, Category.AUDIO_LOSSLESS),
        artist="Pink Floyd", album="Animals", year=1977,
    )  # fmt: skip
    request = plan_request(query, _caps())
    assert request.function == "music"
    assert request.params == (("artist", "Pink Floyd"), ("album", "Animals"))
    assert request.query_params() == {
        "t": "music", "artist": "Pink Floyd", "album": "Animals", "cat": "3000,3040"
    }  # fmt: skip


def test_tv_uses_tvsearch_with_season_and_episode() -> None:
    query = SearchQuery("Show S01E05", SearchKind.TV, (5000,), title="Show", season=1, episode=5)
    request = plan_request(query, _caps())
    assert request.query_params() == {
        "t": "tvsearch", "q": "Show", "season": "1", "ep": "5", "cat": "5000"
    }  # fmt: skip


def test_unavailable_movie_search_falls_back_to_search() -> None:
    query = SearchQuery("Heat 1995", SearchKind.MOVIE, (2000,), title="Heat", year=1995)
    assert plan_request(query, _caps()).query_params() == {
        "t": "search", "q": "Heat 1995", "cat": "2000"
    }  # fmt: skip


def test_book_search_without_author_param_falls_back() -> None:
    query = SearchQuery(
        "Dune Herbert", SearchKind.BOOK, (7000,), author="Frank Herbert", title="Dune"
    )
    assert plan_request(query, _caps()).function == "search"


def test_music_without_artist_or_album_sends_text_to_music() -> None:
    query = SearchQuery("some mix", SearchKind.MUSIC)
    request = plan_request(query, _caps())
    assert (request.function, request.params) == ("music", (("q", "some mix"),))


def test_generic_uses_search() -> None:
    request = plan_request(SearchQuery("  Photoshop  ", categories=(4000, 4000)), _caps())
    assert request.query_params() == {"t": "search", "q": "Photoshop", "cat": "4000"}


def test_cache_key_normalises_text_and_sorts_categories() -> None:
    caps = _caps()
    a = plan_request(SearchQuery("Pink  FLOYD", categories=(3040, 3000)), caps).cache_key("idx")
    b = plan_request(SearchQuery("pink floyd", categories=(3000, 3040)), caps).cache_key("idx")
    c = plan_request(SearchQuery("pink floyd", categories=(3000,)), caps).cache_key("idx")
    assert a == b
    assert a != c
    assert str(a) == "idx|search|q=pink floyd|3000,3040"
    assert a != plan_request(SearchQuery("pink floyd", categories=(3000, 3040)), caps).cache_key(
        "o"
    )
