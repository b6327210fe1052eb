"""Reading a Torznab results feed (rss/channel/item) into TorrentCandidates."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from chalicelib.adapters.torznab.documents import NEWZNAB_NS, TORZNAB_NS
from chalicelib.domain.candidate import TorrentCandidate, utc
from chalicelib.domain.indexers import IndexerResponseError
from chalicelib.domain.magnet import known_info_hash

_ATTR_TAGS = (f"{{{TORZNAB_NS}}}attr", f"{{{NEWZNAB_NS}}}attr")
# Jackett and Prowlarr name the real indexer of each item when searching an aggregate.
_INDEXER_TAGS = ("jackettindexer", "prowlarrindexer", "indexer")


@dataclass(frozen=True)
class ParsedFeed:
    """The usable candidates of a feed, and how many items were dropped as unusable."""

    candidates: tuple[TorrentCandidate, ...]
    dropped: int


def parse_feed(root: ET.Element, indexer: str) -> ParsedFeed:
    """Every usable item of an `<rss>` results document.

    An item without a title, or with neither a magnet nor a download link, is dropped.
    """
    if root.tag != "rss":
        raise IndexerResponseError(indexer, f"results answer has root <{root.tag}>, not <rss>")
    channel = root.find("channel")
    if channel is None:
        raise IndexerResponseError(indexer, "results answer has no <channel>")
    channel_title = _text(channel, "title") or indexer
    candidates: list[TorrentCandidate] = []
    dropped = 0
    for item in channel.findall("item"):
        candidate = parse_item(item, indexer, channel_title)
        if candidate is None:
            dropped += 1
        else:
            candidates.append(candidate)
    return ParsedFeed(tuple(candidates), dropped)


def parse_item(item: ET.Element, indexer: str, channel_title: str) -> TorrentCandidate | None:
    """One `<item>` as a candidate, or None when it cannot be downloaded."""
    title = _text(item, "title")
    attrs = _attrs(item)
    enclosure_url = _torrent_enclosure(item)
    link = _text(item, "link")
    magnet = _first(attrs, "magneturl")
    if magnet is None:
        magnet = next((u for u in (enclosure_url, link) if u and _is_magnet(u)), None)
    download_url = enclosure_url or link
    if not title or (magnet is None and download_url is None):
        return None
    seeders = _int(_first(attrs, "seeders"))
    peers = _int(_first(attrs, "peers"))
    leechers = _int(_first(attrs, "leechers"))
    if leechers is None and peers is not None and seeders is not None:
        leechers = max(peers - seeders, 0)
    if peers is None and seeders is not None and leechers is not None:
        peers = seeders + leechers
    size = _int(_first(attrs, "size")) or _int(_text(item, "size")) or _enclosure_length(item)
    comments = _text(item, "comments")
    return TorrentCandidate(
        title=title,
        indexer=_item_indexer(item) or channel_title,
        indexer_id=indexer,
        magnet_uri=magnet,
        info_hash=known_info_hash(_first(attrs, "infohash"), magnet),
        download_url=download_url,
        size=size,
        seeders=seeders,
        leechers=leechers,
        peers=peers,
        files_count=_int(_first(attrs, "files")),
        publish_date=_date(_text(item, "pubDate")),
        categories=_categories(item, attrs),
        download_volume_factor=_float(_first(attrs, "downloadvolumefactor"), 1.0),
        upload_volume_factor=_float(_first(attrs, "uploadvolumefactor"), 1.0),
        info_url=comments.removesuffix("#comments") if comments else None,
        guid=_text(item, "guid"),
    )


def _text(element: ET.Element, tag: str) -> str | None:
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _attrs(item: ET.Element) -> dict[str, list[str]]:
    """torznab:attr and newznab:attr values by lower-case name, in document order."""
    found: dict[str, list[str]] = {}
    for element in item:
        if element.tag in _ATTR_TAGS:
            name = element.get("name", "").lower()
            value = element.get("value")
            if name and value is not None:
                found.setdefault(name, []).append(value.strip())
    return found


def _first(attrs: dict[str, list[str]], name: str) -> str | None:
    values = attrs.get(name)
    return values[0] if values else None


def _torrent_enclosure(item: ET.Element) -> str | None:
    """The URL of the enclosure that is a torrent (items may also carry an .nzb one)."""
    enclosures = [e for e in item.findall("enclosure") if e.get("url")]
    for enclosure in enclosures:
        if "bittorrent" in enclosure.get("type", "").lower():
            return enclosure.get("url")
    return enclosures[0].get("url") if enclosures else None


def _enclosure_length(item: ET.Element) -> int | None:
    enclosure = item.find("enclosure")
    length = _int(enclosure.get("length")) if enclosure is not None else None
    return length or None


def _item_indexer(item: ET.Element) -> str | None:
    for tag in _INDEXER_TAGS:
        name = _text(item, tag)
        if name:
            return name
    return None


def _is_magnet(url: str) -> bool:
    return url.lower().startswith("magnet:")




def _categories(item: ET.Element, attrs: dict[str, list[str]]) -> tuple[int, ...]:
    values = [*attrs.get("category", []), *(c.text or "" for c in item.findall("category"))]
    numbers = (_int(v) for v in values)
    return tuple(dict.fromkeys(n for n in numbers if n is not None))


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        try:
            return int(float(value))
        except (ValueError, OverflowError):
            return None


def _float(value: str | None, default: float) -> float:
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        return default


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        return None
