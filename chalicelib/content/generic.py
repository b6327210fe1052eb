"""Rules for software, ebooks and anything else: categories, wanted files and weights."""

from __future__ import annotations

from chalicelib.content import extensions
from chalicelib.content.rules import ContentRules, frozen_weights
from chalicelib.domain.candidate import Category, SearchKind

_WEIGHTS = {
    "title": 4.0,
    "author": 1.5,
    "version": 1.0,
    "year": 0.5,
    "files": 1.0,
    "red_flags": 1.0,
    "release_kind": 1.5,
    "seeders": 0.3,
    "size": 0.2,
}

EBOOK_RULES = ContentRules(
    family="generic",
    search_kind=SearchKind.BOOK,
    categories=(Category.BOOKS_EBOOK, Category.BOOKS),
    wanted_extensions=extensions.EBOOK,
    weights=frozen_weights(_WEIGHTS),
    plausible_item_bytes=(10_000, 500_000_000),
)

SOFTWARE_RULES = ContentRules(
    family="generic",
    search_kind=SearchKind.GENERIC,
    categories=(Category.PC,),
    wanted_extensions=extensions.SOFTWARE,
    weights=frozen_weights(_WEIGHTS),
)

# Anything at all: no category filter, every file may be the wanted one.
OTHER_RULES = ContentRules(
    family="generic",
    search_kind=SearchKind.GENERIC,
    categories=(),
    wanted_extensions=frozenset(),
    weights=frozen_weights(_WEIGHTS),
)
