"""Which SubtitleSource the agent uses: OpenSubtitles with a key, else the video's streams."""

from __future__ import annotations

from chalicelib.adapters.catalogs.wiring import build_opensubtitles
from chalicelib.adapters.torznab.limits import InMemoryRateLimiter
from chalicelib.config import Config
from chalicelib.ports import Clock, SubtitleSource
from workers.agent.subtitle_fetch import SubtitleFetcher
from workers.media.subtitles import EmbeddedSubtitles


def build_remote_subtitles(config: Config, clock: Clock) -> SubtitleFetcher | None:
    """What the convert stage fetches missing languages with (None without a key)."""
    remote = build_opensubtitles(config.external_catalogs, clock,
                                 InMemoryRateLimiter(clock, 0.0))
    return SubtitleFetcher(remote) if remote is not None else None


def build_subtitle_source(config: Config, clock: Clock) -> SubtitleSource:
    remote = build_opensubtitles(config.external_catalogs, clock,
                                 InMemoryRateLimiter(clock, 0.0))
    return remote if remote is not None else EmbeddedSubtitles()
