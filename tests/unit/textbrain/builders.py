"""Real request, candidate and file objects for TextBrain tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from chalicelib.domain.candidate import TorrentCandidate, TorrentFile
from chalicelib.domain.request import (
    Constraints,
    ContentType,
    ItemKind,
    OutputFormat,
    QueryContext,
    TicketItem,
    TicketRequest,
)

OK_COMPUTER = (
    "Airbag", "Paranoid Android", "Subterranean Homesick Alien", "Exit Music (For a Film)",
    "Let Down", "Karma Police", "Fitter Happier", "Electioneering", "Climbing Up the Walls",
    "No Surprises", "Lucky", "The Tourist",
)


def request(
    query: QueryContext,
    items: Sequence[TicketItem],
    fmt: OutputFormat = OutputFormat.ORIGINAL,
    bitrate: int | None = None,
    min_resolution: str | None = None,
) -> TicketRequest:
    return TicketRequest(
        priority=100, dry_run=False, request_scope="full_album", query=query, items=tuple(items),
        constraints=Constraints(format=fmt, bitrate_kbps=bitrate, min_resolution=min_resolution),
    )


def album_request(
    artist: str = "Radiohead",
    album: str = "OK Computer",
    names: Sequence[str] = OK_COMPUTER,
    year: int | None = 1997,
    fmt: OutputFormat = OutputFormat.FLAC,
    bitrate: int | None = None,
    discs: Sequence[int] | None = None,
    durations: Sequence[float] | None = None,
    cover: bool = False,
    expected: ContentType = ContentType.ALBUM,
) -> TicketRequest:
    items = [
        TicketItem(
            item_id=f"t{n}", kind=ItemKind.TRACK, dest_path=f"/music/{n:02d}.{fmt.value}",
            name=name, disc_number=discs[n - 1] if discs else 1,
            track_number=_track_number(discs, n), duration_secs=durations[n - 1]
            if durations else None,
        )
        for n, name in enumerate(names, start=1)
    ]
    if cover:
        items.append(TicketItem("cover", ItemKind.IMAGE, "/music/cover.jpg",
                                image_type="cover_front"))
    query = QueryContext(expected=expected, artist=artist, album=album, year=year)
    return request(query, items, fmt, bitrate)


def _track_number(discs: Sequence[int] | None, n: int) -> int:
    if not discs:
        return n
    disc = discs[n - 1]
    return sum(1 for d in discs[:n] if d == disc)


def movie_request(title: str = "Heat", year: int = 1995,
                  min_resolution: str | None = "1080p") -> TicketRequest:
    item = TicketItem("movie", ItemKind.VIDEO, "/movies/heat.mkv")
    return request(QueryContext(ContentType.MOVIE, title=title, year=year), [item],
                   OutputFormat.MKV, min_resolution=min_resolution)


def episode_request(title: str = "Breaking Bad", season: int = 1,
                    episodes: Sequence[int] = (2,)) -> TicketRequest:
    items = [TicketItem(f"e{e}", ItemKind.VIDEO, f"/tv/s{season:02d}e{e:02d}.mkv", season=season,
                        episode=e) for e in episodes]
    episode = episodes[0] if len(episodes) == 1 else None
    query = QueryContext(ContentType.TV_EPISODE, title=title, season=season, episode=episode)
    return request(query, items, OutputFormat.MKV)


def candidate(title: str, seeders: int = 20, size: int | None = None,
              files_count: int | None = None, info_hash: str | None = None) -> TorrentCandidate:
    digest = info_hash or hashlib.sha1(title.encode()).hexdigest()
    return TorrentCandidate(title=title, indexer="test", indexer_id="test", info_hash=digest,
                            seeders=seeders, size=size, files_count=files_count)


def files(*paths: str, size: int = 30_000_000) -> list[TorrentFile]:
    return [TorrentFile(p, size) for p in paths]


def album_files(root: str, names: Sequence[str] = OK_COMPUTER, ext: str = "flac",
                pattern: str = "{n:02d} - {name}") -> list[TorrentFile]:
    return [TorrentFile(f"{root}/{pattern.format(n=n, name=name)}.{ext}", 30_000_000)
            for n, name in enumerate(names, start=1)]
