"""Search queries for a ticket, most specific first, one list per content family.

Indexers match words, mostly with AND, so a query with more words finds fewer but better
releases; variants (no diacritics, '&' spelled 'and', no leading 'The', no year) widen the net.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.content.rules import rules_for
from chalicelib.domain.candidate import Category, SearchKind, SearchQuery
from chalicelib.domain.request import ContentType, OutputFormat, TicketRequest
from chalicelib.textbrain.normalise import normalise_text, strip_diacritics

# Album titles too common to search without the artist.
_GENERIC_ALBUM_WORDS = frozenset({
    "greatest hits", "best of", "the best of", "hits", "live", "unplugged", "anthology",
    "collection", "the collection", "essential", "the essential", "gold", "singles", "ep",
    "demo", "demos", "remixes", "untitled", "love", "ii", "iii", "iv", "1", "2", "3",
})
# Most tracks a track ticket searches for by name, before falling back to the album.
_MAX_TRACK_QUERIES = 3
_MAX_EPISODE_QUERIES = 3
_MAX_DESCRIPTION_WORDS = 8


def spelling_variants(text: str) -> list[str]:
    """The text as written, without diacritics, with '&'/'and' swapped, without a leading 'The'."""
    variants = [text, strip_diacritics(text)]
    for form in list(variants):
        if " & " in form:
            variants.append(form.replace(" & ", " and "))
        elif " and " in form.lower():
            index = form.lower().index(" and ")
            variants.append(form[:index] + " & " + form[index + 5:])
    for form in list(variants):
        if form.lower().startswith("the "):
            variants.append(form[4:])
    return list(dict.fromkeys(" ".join(v.split()) for v in variants if v.strip()))


@dataclass
class _Queries:
    """An ordered, de-duplicated list of queries being built."""

    items: list[SearchQuery] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def add(self, query: SearchQuery) -> None:
        # Case and spacing only: 'Björk' and 'Bjork' are different searches to an indexer.
        key = " ".join(query.text.casefold().split())
        if key and key not in self.seen:
            self.seen.add(key)
            self.items.append(query)


class DumbQueryBuilder:
    """Builds search queries from a ticket's query context with fixed rules (no LLM)."""

    def build(self, request: TicketRequest) -> list[SearchQuery]:
        """Queries for the request, most specific first, de-duplicated by normalised text."""
        expected = request.query.expected
        queries = _Queries()
        if expected.is_music:
            self._music(request, queries)
        elif expected is ContentType.MOVIE:
            self._movie(request, queries)
        elif expected is ContentType.TV_EPISODE:
            self._tv(request, queries)
        else:
            self._generic(request, queries)
        return queries.items

    def _music(self, request: TicketRequest, queries: _Queries) -> None:
        q = request.query
        if not q.artist:
            return
        fmt = request.constraints.format
        base = (Category.AUDIO,)

        def music(text: str, categories: tuple[int, ...] = base, album: str | None = None,
                  year: int | None = None) -> SearchQuery:
            return SearchQuery(text=text, kind=SearchKind.MUSIC, categories=categories,
                               artist=q.artist, album=album, year=year)

        if q.expected is ContentType.TRACK:
            names = [t.name for t in request.requested_items if t.name][:_MAX_TRACK_QUERIES]
            for name in names:
                queries.add(music(f"{q.artist} {name}"))
        if q.album:
            if fmt.is_lossless:
                word = "ALAC" if fmt is OutputFormat.ALAC else "FLAC"
                queries.add(music(f"{q.artist} {q.album} {word}", (Category.AUDIO_LOSSLESS,),
                                  q.album))
            elif fmt is OutputFormat.MP3:
                queries.add(music(f"{q.artist} {q.album} MP3", (Category.AUDIO_MP3,), q.album))
            if q.year:
                queries.add(music(f"{q.artist} {q.album} {q.year}", base, q.album, q.year))
            for text in spelling_variants(f"{q.artist} {q.album}"):
                queries.add(music(text, base, q.album))
            self_titled = normalise_text(q.album) == normalise_text(q.artist)
            if self_titled or _distinct(q.album):
                for album in spelling_variants(q.album):
                    queries.add(music(album, base, q.album))
        for artist in spelling_variants(q.artist):
            queries.add(music(f"{artist} discography"))

    def _movie(self, request: TicketRequest, queries: _Queries) -> None:
        q = request.query
        if not q.title:
            return
        categories = rules_for(q.expected).categories

        def movie(text: str, year: int | None) -> SearchQuery:
            return SearchQuery(text=text, kind=SearchKind.MOVIE, categories=categories,
                               title=q.title, year=year, imdb_id=q.imdb_id)

        titles = spelling_variants(q.title)
        if q.year:
            for title in titles:
                queries.add(movie(f"{title} {q.year}", q.year))
        for title in titles:
            queries.add(movie(title, None))

    def _tv(self, request: TicketRequest, queries: _Queries) -> None:
        q = request.query
        if not q.title:
            return
        categories = rules_for(q.expected).categories
        wanted: list[tuple[int | None, int | None]] = []
        for item in request.requested_items:
            pair = (item.season if item.season is not None else q.season,
                    item.episode if item.episode is not None else q.episode)
            if pair not in wanted:
                wanted.append(pair)
        if not wanted:
            wanted = [(q.season, q.episode)]
        series = spelling_variants(q.title)
        named = [f"{title} {q.year}" for title in series] if q.year else []
        # A ticket for many episodes is better served by the season pack first.
        episodes = [(s, e) for s, e in wanted if s is not None and e is not None]
        few = len(episodes) <= _MAX_EPISODE_QUERIES
        seasons = list(dict.fromkeys(s for s, _ in wanted if s is not None))

        def tv(text: str, season: int | None, episode: int | None) -> SearchQuery:
            return SearchQuery(text=text, kind=SearchKind.TV, categories=categories,
                               title=q.title, season=season, episode=episode, imdb_id=q.imdb_id)

        if few:
            for season, episode in episodes:
                for title in [*named, *series]:
                    queries.add(tv(f"{title} S{season:02d}E{episode:02d}", season, episode))
        for season in seasons:
            for title in [*named, *series]:
                queries.add(tv(f"{title} S{season:02d}", season, None))
        if not seasons:
            for title in [*named, *series]:
                queries.add(tv(title, None, None))

    def _generic(self, request: TicketRequest, queries: _Queries) -> None:
        q = request.query
        rules = rules_for(q.expected)

        def generic(text: str) -> SearchQuery:
            return SearchQuery(text=text, kind=rules.search_kind, categories=rules.categories,
                               title=q.title, author=q.author, year=q.year)

        if q.title:
            for title in spelling_variants(q.title):
                if q.author:
                    queries.add(generic(f"{q.author} {title}"))
                if q.version:
                    queries.add(generic(f"{title} {q.version}"))
                queries.add(generic(title))
        if q.description:
            words = q.description.split()[:_MAX_DESCRIPTION_WORDS]
            queries.add(generic(" ".join(words)))
        if q.tags:
            queries.add(generic(" ".join(q.tags)))


def _distinct(album: str) -> bool:
    """Whether an album title is distinctive enough to find the album on its own."""
    key = normalise_text(album, drop_leading_article=False)
    return key not in _GENERIC_ALBUM_WORDS and len(key.split()) >= 2 and len(key) >= 10


def build_queries(request: TicketRequest) -> list[SearchQuery]:
    """Search queries for a request, most specific first (see DumbQueryBuilder)."""
    return DumbQueryBuilder().build(request)
