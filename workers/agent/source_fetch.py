"""Turn a candidate into what a torrent client takes: a magnet link or .torrent bytes.

Indexers (Jackett, Prowlarr) serve a download link that answers with the .torrent or with
a redirect to a magnet link, which HTTP libraries refuse to follow; redirects are followed
here by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

import requests

from chalicelib.domain.stage_protocol import SourceCandidate

MAX_REDIRECTS = 5
MAX_TORRENT_BYTES = 10 * 1024 * 1024


class SourceError(Exception):
    """The candidate cannot be fetched; `retryable` when another try may work."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass(frozen=True)
class TorrentSource:
    magnet: str | None = None
    torrent_bytes: bytes | None = None


def fetch_source(candidate: SourceCandidate, *, timeout_secs: float = 30.0,
                 session: requests.Session | None = None) -> TorrentSource:
    """The magnet of `candidate`, or its .torrent fetched from `download_url`."""
    if candidate.magnet_uri:
        return TorrentSource(magnet=candidate.magnet_uri)
    if not candidate.download_url:
        raise SourceError("candidate has neither magnet_uri nor download_url", retryable=False)
    http = session or requests.Session()
    url = candidate.download_url
    for _ in range(MAX_REDIRECTS + 1):
        if url.startswith("magnet:"):
            return TorrentSource(magnet=url)
        try:
            answer = http.get(url, allow_redirects=False, timeout=timeout_secs, stream=True)
        except requests.RequestException as exc:
            raise SourceError(f"download_url unreachable: {type(exc).__name__}",
                              retryable=True) from None
        with answer:
            if answer.is_redirect or answer.status_code in (301, 302, 303, 307, 308):
                location = answer.headers.get("Location")
                if not location:
                    raise SourceError(f"download_url answered {answer.status_code} without "
                                      f"a Location", retryable=False)
                url = urljoin(url, location)
                continue
            if answer.status_code >= 500 or answer.status_code == 429:
                raise SourceError(f"download_url answered HTTP {answer.status_code}",
                                  retryable=True)
            if answer.status_code != 200:
                raise SourceError(f"download_url answered HTTP {answer.status_code}",
                                  retryable=False)
            body = answer.raw.read(MAX_TORRENT_BYTES + 1, decode_content=True)
        if len(body) > MAX_TORRENT_BYTES:
            raise SourceError("download_url answered more than 10 MiB: not a .torrent",
                              retryable=False)
        if not body.startswith(b"d"):
            raise SourceError("download_url did not answer a .torrent file", retryable=False)
        return TorrentSource(torrent_bytes=body)
    raise SourceError(f"download_url redirected more than {MAX_REDIRECTS} times",
                      retryable=False)
