"""The catalog clients for a configuration: one CatalogHttp per configured catalog."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.adapters.catalogs.covers import CoverArtArchiveCovers, DiscogsCovers
from chalicelib.adapters.catalogs.http import CatalogEndpoint, CatalogHttp
from chalicelib.adapters.catalogs.musicbrainz import MusicBrainzCatalog
from chalicelib.adapters.catalogs.opensubtitles import OpenSubtitlesSubtitles
from chalicelib.adapters.catalogs.tmdb import TmdbCatalog
from chalicelib.config import ExternalCatalogsConfig
from chalicelib.domain.ticket_skeleton import PathTemplates
from chalicelib.ports import CatalogCache, Clock, CoverSource, RateLimiter


@dataclass(frozen=True)
class Catalogs:
    music: MusicBrainzCatalog | None
    video: TmdbCatalog | None
    templates: PathTemplates


def build_catalogs(c: ExternalCatalogsConfig, clock: Clock, *, mb_limiter: RateLimiter,
                   limiter: RateLimiter, cache: CatalogCache | None) -> Catalogs:
    """MusicBrainz and TMDB clients for what is configured (None for what is not).

    `mb_limiter` spaces MusicBrainz requests by musicbrainz_min_interval_secs; `limiter`
    only tracks the other catalogs' failures.
    """
    def endpoint(service: str, url: str, **extra: object) -> CatalogEndpoint:
        return CatalogEndpoint(service, url, c.user_agent, timeout_secs=c.timeout_secs,
                               cache_ttl_secs=float(c.cache_ttl_secs), **extra)  # type: ignore[arg-type]

    music = None
    if c.musicbrainz_url:
        music = MusicBrainzCatalog(CatalogHttp(endpoint("musicbrainz", c.musicbrainz_url),
                                               clock=clock, rate_limiter=mb_limiter, cache=cache))
    video = None
    if c.tmdb_api_key and c.tmdb_url:
        http = CatalogHttp(endpoint("tmdb", c.tmdb_url, secret_params=("api_key",)),
                           clock=clock, rate_limiter=limiter, cache=cache)
        video = TmdbCatalog(http, c.tmdb_api_key)
    templates = PathTemplates(music=c.music_path_template, movie=c.movie_path_template,
                              episode=c.episode_path_template)
    return Catalogs(music, video, templates)


def build_cover_sources(c: ExternalCatalogsConfig, clock: Clock,
                        limiter: RateLimiter) -> list[CoverSource]:
    """The remote cover sources in the order they are asked: Cover Art Archive, Discogs.

    Pictures are not cached (they are large and each is embedded once).
    """
    sources: list[CoverSource] = []
    if c.coverartarchive_url:
        http = CatalogHttp(CatalogEndpoint("coverartarchive", c.coverartarchive_url,
                                           c.user_agent, timeout_secs=c.timeout_secs),
                           clock=clock, rate_limiter=limiter)
        sources.append(CoverArtArchiveCovers(http, c.cover_size))
    if c.discogs_token and c.discogs_url:
        auth = (("Authorization", f"Discogs token={c.discogs_token}"),)
        http = CatalogHttp(CatalogEndpoint("discogs", c.discogs_url, c.user_agent,
                                           timeout_secs=c.timeout_secs, headers=auth),
                           clock=clock, rate_limiter=limiter)
        sources.append(DiscogsCovers(http))
    return sources


def build_opensubtitles(c: ExternalCatalogsConfig, clock: Clock,
                        limiter: RateLimiter) -> OpenSubtitlesSubtitles | None:
    """OpenSubtitles when an API key is configured (else the agent extracts embedded streams)."""
    if not (c.opensubtitles_api_key and c.opensubtitles_url):
        return None
    http = CatalogHttp(CatalogEndpoint("opensubtitles", c.opensubtitles_url, c.user_agent,
                                       timeout_secs=c.timeout_secs,
                                       headers=(("Api-Key", c.opensubtitles_api_key),)),
                       clock=clock, rate_limiter=limiter)
    return OpenSubtitlesSubtitles(http)
