"""How fast TextBrain scores candidates: 500 for one ticket, and with 20-file lists.

Run: .venv/bin/python -m bench.score_bench   (prints figures, then one JSON summary line)
Target: 500 candidates for one ticket in <= 50 ms once titles are parsed.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable

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
from chalicelib.textbrain.scoring import DumbMatcher
from chalicelib.textbrain.scoring.matcher import default_parser

TRACKS = (
    "Airbag",
    "Paranoid Android",
    "Subterranean Homesick Alien",
    "Exit Music (For a Film)",
    "Let Down",
    "Karma Police",
    "Fitter Happier",
    "Electioneering",
    "Climbing Up the Walls",
    "No Surprises",
    "Lucky",
    "The Tourist",
)
ARTISTS = ("Radiohead", "Radiohead", "Radiohead", "Karaoke Hits of Radiohead", "Coldplay", "VA")
ALBUMS = (
    "OK Computer",
    "OK Computer OKNOTOK 1997 2017",
    "Kid A",
    "A Tribute to OK Computer",
    "Discography 1993-2016",
    "The Bends",
)
FORMATS = ("FLAC", "MP3 320", "FLAC 24bit", "MP3 V0", "AAC 256", "")


def ticket() -> TicketRequest:
    items = tuple(
        TicketItem(
            f"t{n}",
            ItemKind.TRACK,
            f"/m/{n:02d}.ogg",
            name=name,
            disc_number=1,
            track_number=n,
            duration_secs=200.0 + n,
        )
        for n, name in enumerate(TRACKS, start=1)
    )
    return TicketRequest(
        100,
        False,
        "full_album",
        QueryContext(ContentType.ALBUM, artist="Radiohead", album="OK Computer", year=1997),
        items,
        Constraints(format=OutputFormat.OGG_VORBIS, bitrate_kbps=320),
    )


def candidates(count: int, tag: str) -> list[TorrentCandidate]:
    """Distinct, realistic-looking titles (so the parse cache cannot hide parsing)."""
    found = []
    for n in range(count):
        artist = ARTISTS[n % len(ARTISTS)]
        album = ALBUMS[(n // len(ARTISTS)) % len(ALBUMS)]
        fmt = FORMATS[n % len(FORMATS)]
        title = f"{artist} - {album} ({1990 + n % 30}) [{fmt}] {tag}{n}"
        found.append(
            TorrentCandidate(
                title=title,
                indexer="bench",
                indexer_id="bench",
                info_hash=f"{n:040x}",
                seeders=n % 97,
                size=400_000_000,
                files_count=12 + n % 9,
            )
        )
    return found


def twenty_files(n: int) -> list[TorrentFile]:
    root = f"Radiohead - OK Computer ({n})"
    audio = [
        TorrentFile(f"{root}/{i:02d} - {name}.flac", 30_000_000)
        for i, name in enumerate(TRACKS, start=1)
    ]
    extra = [
        TorrentFile(f"{root}/{name}", 100_000)
        for name in ("cover.jpg", "back.jpg", "cd.jpg", "rip.log", "rip.cue", "info.nfo")
    ]
    bonus = [
        TorrentFile(f"{root}/13 - Lull.flac", 30_000_000),
        TorrentFile(f"{root}/14 - Meeting in the Aisle.flac", 30_000_000),
    ]
    return audio + extra + bonus


def timed(action: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    request = ticket()
    matcher = DumbMatcher()
    parse_cache = default_parser()
    batch = candidates(500, "cold")

    clear = getattr(parse_cache, "cache_clear")  # noqa: B009 - the Parser type hides it
    clear()
    cold = timed(lambda: matcher.rank(request, batch), 1)[0]
    warm = timed(lambda: matcher.rank(request, batch), 7)

    listed = candidates(200, "files")
    lists = {c.info_hash or "": twenty_files(n) for n, c in enumerate(listed)}
    matcher.rank(request, listed)  # parse once so the figure is scoring and mapping
    with_files = timed(lambda: matcher.rank(request, listed, lists), 3)
    per_second_files = len(listed) / statistics.median(with_files)

    warm_ms = statistics.median(warm) * 1000
    print(f"500 candidates, one ticket, parse cache cold: {cold * 1000:.1f} ms")
    print(
        f"500 candidates, one ticket, titles parsed:    {warm_ms:.1f} ms "
        f"(target <= 50 ms: {'met' if warm_ms <= 50 else 'MISSED'})"
    )
    print(f"without file lists: {500 / statistics.median(warm):,.0f} candidates/s")
    print(f"with 20-file lists (mapping included): {per_second_files:,.0f} candidates/s")
    print(
        json.dumps(
            {
                "bench": "score",
                "candidates": 500,
                "rank_500_cold_ms": round(cold * 1000, 2),
                "rank_500_warm_ms": round(warm_ms, 2),
                "target_ms": 50,
                "target_met": warm_ms <= 50,
                "candidates_per_s_no_files": round(500 / statistics.median(warm)),
                "candidates_per_s_20_files": round(per_second_files),
            }
        )
    )


if __name__ == "__main__":
    main()
