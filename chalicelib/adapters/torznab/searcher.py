"""TorznabSearcher: searches Jackett/Prowlarr indexers and fetches candidates' .torrent files."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import requests

from chalicelib.adapters.clock import SystemClock
from chalicelib.adapters.torznab.caps import IndexerCaps, parse_caps
from chalicelib.adapters.torznab.config import TorznabConfig
from chalicelib.adapters.torznab.items import parse_feed
from chalicelib.adapters.torznab.limits import InMemoryRateLimiter, InMemorySearchCache
from chalicelib.adapters.torznab.plan import SearchRequest, plan_request
from chalicelib.adapters.torznab.transport import BodyTooLarge, IndexerHttp, error_for_status
from chalicelib.domain.bencode import TorrentMeta, read_torrent_files
from chalicelib.domain.candidate import (
    SearchQuery,
    TorrentCandidate,
    TorrentFile,
)
from chalicelib.domain.indexers import (
    IndexerAuthError,
    IndexerError,
    IndexerResponseError,
    IndexerUnavailable,
    TorrentFetchError,
)
from chalicelib.domain.magnet import known_info_hash
from chalicelib.domain.search import IndexerSearchReport, SearchOutcome
from chalicelib.ports import Clock, RateLimiter, SearchCache

logger = logging.getLogger(__name__)

_MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
T = TypeVar("T")


class MagnetRedirect(Exception):
    """The download link leads to a magnet URI, so the file list is not known yet."""

    def __init__(self, magnet_uri: str, info_hash: str | None) -> None:
        super().__init__(f"download link redirects to a magnet (info hash {info_hash})")
        self.magnet_uri = magnet_uri
        self.info_hash = info_hash


@dataclass(frozen=True)
class FetchedTorrent:
    """A .torrent as downloaded (to keep, e.g. in S3) and what it says."""

    data: bytes
    meta: TorrentMeta


class TorznabSearcher:
    """Searches the configured indexers politely: spaced, backed off, cached, bounded."""

    def __init__(
        self,
        config: TorznabConfig,
        *,
        clock: Clock | None = None,
        rate_limiter: RateLimiter | None = None,
        cache: SearchCache | None = None,
        session: requests.Session | None = None,
        max_workers: int = 4,
    ) -> None:
        self.config = config
        self._clock = clock or SystemClock()
        self._limiter = rate_limiter or InMemoryRateLimiter(self._clock, config.min_interval_secs)
        self._cache = cache or InMemorySearchCache(self._clock, config.cache_ttl_secs)
        self._http = IndexerHttp(config.timeout_secs, session)
        self._max_workers = max_workers
        self._caps: dict[str, tuple[float, IndexerCaps]] = {}
        self._caps_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TorznabSearcher(backend={self.config.backend.value}, url={self.config.url!r})"

    def caps(self, indexer: str) -> IndexerCaps:
        """The indexer's capabilities, asked once and kept for `caps_ttl_secs`."""
        with self._caps_lock:
            entry = self._caps.get(indexer)
        if entry is not None and self._clock.now().timestamp() < entry[0]:
            return entry[1]
        url = self.config.api_url(indexer, {"t": "caps"})
        root = self._polite(
            indexer, lambda: self._http.get_xml(indexer, url, self.config.max_response_bytes)
        )
        caps = parse_caps(root, indexer)
        with self._caps_lock:
            self._caps[indexer] = (self._clock.now().timestamp() + self.config.caps_ttl_secs, caps)
        return caps

    def search(self, query: SearchQuery, indexers: Sequence[str] | None = None) -> SearchOutcome:
        """Ask every indexer; a failing indexer is reported, never fails the whole search."""
        chosen = tuple(indexers or self.config.indexers)
        if len(chosen) <= 1 or self._max_workers <= 1:
            results = [self.search_indexer(indexer, query) for indexer in chosen]
        else:
            with ThreadPoolExecutor(min(self._max_workers, len(chosen))) as pool:
                results = list(pool.map(lambda i: self.search_indexer(i, query), chosen))
        candidates = tuple(c for found, _ in results for c in found)
        return SearchOutcome(query, candidates, tuple(report for _, report in results))

    def search_indexer(
        self, indexer: str, query: SearchQuery
    ) -> tuple[list[TorrentCandidate], IndexerSearchReport]:
        """One indexer's candidates and its report; errors are caught into the report."""
        started = time.perf_counter()
        request: SearchRequest | None = None

        def report(
            count: int, dropped: int, cached: bool, error: IndexerError | None = None
        ) -> IndexerSearchReport:
            return IndexerSearchReport(
                indexer=indexer,
                function=request.function if request else None,
                params=request.params if request else (("q", query.text),),
                categories=request.categories if request else query.categories,
                result_count=count,
                dropped_count=dropped,
                duration_ms=round((time.perf_counter() - started) * 1000),
                cached=cached,
                error=error,
            )

        try:
            request = plan_request(query, self.caps(indexer))
            key = request.cache_key(indexer)
            cached = self._cache.get(key)
            if cached is not None:
                return cached, report(len(cached), 0, True)
            url = self.config.api_url(indexer, request.query_params())
            root = self._polite(
                indexer, lambda: self._http.get_xml(indexer, url, self.config.max_response_bytes)
            )
            feed = parse_feed(root, indexer)
            self._cache.put(key, feed.candidates)
        except IndexerError as error:
            logger.warning(
                "indexer search failed",
                extra={
                    "indexer": indexer,
                    "error_kind": error.kind,
                    "error": self.config.redact(error.reason),
                },
            )
            return [], report(0, 0, False, error)
        except Exception as unexpected:  # a bug or an odd answer must not sink the whole search
            logger.error(
                "indexer search crashed",
                extra={"indexer": indexer, "error_type": type(unexpected).__name__},
            )
            failure = IndexerResponseError(
                indexer, f"unexpected failure ({type(unexpected).__name__})"
            )
            return [], report(0, 0, False, failure)
        return list(feed.candidates), report(len(feed.candidates), feed.dropped, False)

    def files(self, candidate: TorrentCandidate) -> list[TorrentFile] | None:
        """The candidate's file list, or None when it is a magnet or its .torrent is unusable."""
        if not candidate.download_url or candidate.download_url.startswith("magnet:"):
            return None
        try:
            return self.get_files(candidate)
        except (MagnetRedirect, TorrentFetchError):
            return None

    def get_files(self, candidate: TorrentCandidate) -> list[TorrentFile]:
        """The candidate's file list, read from its .torrent.

        Raises MagnetRedirect when the link is (or redirects to) a magnet URI: the file list
        is then unknown until a torrent client fetches the metadata from peers.
        """
        return list(self.fetch_torrent(candidate).meta.files)

    def fetch_torrent(self, candidate: TorrentCandidate) -> FetchedTorrent:
        """Download and read the candidate's .torrent, following up to 5 redirects."""
        indexer = candidate.indexer_id
        url = candidate.download_url
        if url is None or url.lower().startswith("magnet:"):
            magnet = url or candidate.magnet_uri
            if magnet:
                raise MagnetRedirect(magnet, known_info_hash(candidate.info_hash, magnet))
            raise TorrentFetchError(indexer, f"candidate {candidate.title!r} has no download link")
        data = self._polite(indexer, lambda: self._download(indexer, url))
        try:
            meta = read_torrent_files(data, max_bytes=self.config.max_torrent_bytes)
        except ValueError as error:
            raise TorrentFetchError(indexer, f"not a usable .torrent: {error}") from error
        if candidate.info_hash and candidate.info_hash != meta.info_hash:
            logger.warning(
                "torrent info hash differs from the indexer's",
                extra={
                    "indexer": indexer,
                    "expected": candidate.info_hash,
                    "actual": meta.info_hash,
                },
            )
        return FetchedTorrent(data, meta)

    def _download(self, indexer: str, url: str) -> bytes:
        for _ in range(_MAX_REDIRECTS + 1):
            if urlsplit(url).scheme.lower() not in ("http", "https"):
                raise TorrentFetchError(indexer, "download link is not http(s)")
            try:
                answer = self._http.get(indexer, url, self.config.max_torrent_bytes, follow=False)
            except BodyTooLarge as error:
                raise TorrentFetchError(
                    indexer, f".torrent larger than {self.config.max_torrent_bytes} bytes ({error})"
                ) from None
            if answer.status in _REDIRECTS:
                location = answer.headers.get("Location") or answer.headers.get("location")
                if not location:
                    raise TorrentFetchError(indexer, f"HTTP {answer.status} without Location")
                if location.lower().startswith("magnet:"):
                    raise MagnetRedirect(location, known_info_hash(None, location))
                url = urljoin(url, location)
                continue
            if answer.status != 200:
                failure = error_for_status(indexer, answer.status, answer.headers)
                if isinstance(failure, IndexerAuthError | IndexerUnavailable):
                    raise failure
                raise TorrentFetchError(indexer, f"download answered HTTP {answer.status}")
            return answer.body
        raise TorrentFetchError(indexer, f"more than {_MAX_REDIRECTS} redirects")

    def _polite(self, indexer: str, call: Callable[[], T]) -> T:
        """Run one request to `indexer` within the rate limiter's rules."""
        wait = self._limiter.acquire(indexer)  # raises RateLimited while backing off
        if wait > 0:
            self._clock.sleep(wait)
        try:
            result = call()
        except MagnetRedirect:
            self._limiter.record_success(indexer)
            raise
        except IndexerError:
            self._limiter.record_failure(indexer)
            raise
        self._limiter.record_success(indexer)
        return result
