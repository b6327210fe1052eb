"""An indexer's capabilities (`t=caps`): which search functions take which parameters."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from chalicelib.domain.indexers import IndexerResponseError

# Caps element name -> the `t=` function it describes. Older indexers say audio-search.
_MODE_FUNCTIONS = {
    "search": "search",
    "tv-search": "tvsearch",
    "movie-search": "movie",
    "music-search": "music",
    "audio-search": "music",
    "book-search": "book",
}


@dataclass(frozen=True)
class IndexerCaps:
    """What one indexer can search: available functions with their supported parameters."""

    indexer: str
    title: str
    functions: dict[str, frozenset[str]] = field(default_factory=dict)
    categories: dict[int, str] = field(default_factory=dict)

    def supports(self, function: str, params: set[str] | frozenset[str]) -> bool:
        """True if `function` is available and takes every one of `params`."""
        supported = self.functions.get(function)
        return supported is not None and params <= supported


def parse_caps(root: ET.Element, indexer: str) -> IndexerCaps:
    """Read a `<caps>` document (already parsed safely)."""
    if root.tag != "caps":
        raise IndexerResponseError(indexer, f"caps answer has root <{root.tag}>, not <caps>")
    server = root.find("server")
    title = (server.get("title") if server is not None else None) or indexer
    functions: dict[str, frozenset[str]] = {}
    searching = root.find("searching")
    for mode in searching if searching is not None else []:
        function = _MODE_FUNCTIONS.get(mode.tag)
        if function is None or mode.get("available", "no").lower() != "yes":
            continue
        params = mode.get("supportedParams", "q")
        names = frozenset(p.strip().lower() for p in params.split(",") if p.strip())
        functions[function] = functions.get(function, frozenset()) | names
    categories: dict[int, str] = {}
    for element in root.iter():
        if element.tag in ("category", "subcat"):
            try:
                categories[int(element.get("id", ""))] = element.get("name", "")
            except ValueError:
                continue
    return IndexerCaps(indexer, title, functions, categories)
