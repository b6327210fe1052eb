"""``TorrentClient`` backed by a qBittorrent Web UI (Web API of 4.1+; tested on 4.5.2)."""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import qbittorrentapi

from workers.torrent.client import (
    ClientAuthError,
    ClientUnreachable,
    InvalidTorrent,
    MetadataTimeout,
    TorrentClientError,
    TorrentFileEntry,
    TorrentNotFound,
    TorrentState,
    TorrentStatus,
    added_info_hash,
    check_add_arguments,
    checked_info_hash,
)
from workers.torrent.network import NetworkSettings, qbittorrent_preferences

T = TypeVar("T")

# qBittorrent 4.x names first, 5.x ("stopped") after; both may be met in the field.
_STATES: dict[str, TorrentState] = {
    "metaDL": TorrentState.FETCHING_METADATA,
    "forcedMetaDL": TorrentState.FETCHING_METADATA,
    "checkingDL": TorrentState.CHECKING,
    "checkingUP": TorrentState.CHECKING,
    "checkingResumeData": TorrentState.CHECKING,
    "allocating": TorrentState.CHECKING,
    "queuedDL": TorrentState.QUEUED,
    "queuedUP": TorrentState.QUEUED,
    "downloading": TorrentState.DOWNLOADING,
    "stalledDL": TorrentState.DOWNLOADING,
    "forcedDL": TorrentState.DOWNLOADING,
    "uploading": TorrentState.SEEDING,
    "stalledUP": TorrentState.SEEDING,
    "forcedUP": TorrentState.SEEDING,
    "pausedDL": TorrentState.PAUSED,
    "pausedUP": TorrentState.PAUSED,
    "stoppedDL": TorrentState.PAUSED,
    "stoppedUP": TorrentState.PAUSED,
    "moving": TorrentState.MOVING,
    "error": TorrentState.ERROR,
    "missingFiles": TorrentState.ERROR,
}
_ETA_INFINITE = 8_640_000  # qBittorrent's "∞" (100 days)


class QbittorrentClient:
    """Drives one qBittorrent instance through its Web API; a tag per ticket groups torrents.

    Errors name the Web UI's host:port, never the password.
    """

    def __init__(
        self,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
        *,
        request_timeout: float = 10.0,
        metadata_timeout: float = 120.0,
        poll_interval: float = 0.1,
        https: bool = False,
    ) -> None:
        self._where = f"{host}:{port}"
        self._torrent_limits: dict[str, int | None] = {}
        self._metadata_timeout = metadata_timeout
        self._poll_interval = poll_interval
        self._api = qbittorrentapi.Client(
            host=f"{'https' if https else 'http'}://{host}",
            port=port,
            username=username,
            password=password,
            REQUESTS_ARGS={"timeout": request_timeout},
            FORCE_SCHEME_FROM_HOST=True,
            DISABLE_LOGGING_DEBUG_OUTPUT=True,
        )

    def __repr__(self) -> str:
        return f"QbittorrentClient({self._where})"

    def apply_network(self, net: NetworkSettings) -> tuple[str, ...]:
        """Set qBittorrent's preferences from `net`; return the settings it cannot take.

        Per-torrent rate limits and connection caps go with every torrent added afterwards.
        """
        prefs, not_applicable = qbittorrent_preferences(net)
        self._call(lambda: self._api.app_set_preferences(prefs))
        self._torrent_limits = {"download_limit": net.torrent_download_limit or None,
                                "upload_limit": net.torrent_upload_limit or None}
        return not_applicable

    def network_problem(self) -> str | None:
        """Always None: qBittorrent enforces its own interface binding, possibly elsewhere."""
        return None

    def version(self) -> str:
        """qBittorrent's version string; also a cheap check of address and credentials."""
        return str(self._call(self._api.app_version))

    def add(
        self,
        *,
        magnet: str | None = None,
        torrent_bytes: bytes | None = None,
        save_path: Path,
        tag: str,
        paused: bool = False,
    ) -> str:
        check_add_arguments(magnet, torrent_bytes, save_path)
        if not tag or "," in tag:
            raise InvalidTorrent(f"tag: must be non-empty without commas, got {tag!r}")
        info_hash = added_info_hash(magnet, torrent_bytes)
        if self._info(info_hash) is not None:
            return info_hash
        options: dict[str, Any] = {
            "save_path": str(save_path),
            "tags": tag,
            "use_auto_torrent_management": False,
            "content_layout": "Original",
            **{k: v for k, v in self._torrent_limits.items() if v},
        }
        if magnet is not None:
            options["urls"] = magnet
            if paused:
                # A paused magnet never fetches metadata; "stop when metadata arrives"
                # (4.5+) gives files to choose from with no payload downloaded.
                options["stop_condition"] = "MetadataReceived"
        else:
            options["torrent_files"] = {f"{info_hash}.torrent": torrent_bytes}
            options["is_paused"] = paused
        answer = self._call(lambda: self._api.torrents_add(**options))
        # The add is asynchronous, and "Fails." also means "already there" (a race), so
        # look for the hash either way; only "Ok." deserves a long wait.
        accepted = str(answer).startswith("Ok")
        present = lambda: self._info(info_hash) is not None  # noqa: E731
        if not self._wait_until(present, timeout=10.0 if accepted else 2.0):
            raise InvalidTorrent(
                f"qBittorrent at {self._where} did not add {info_hash} (answer {answer!r})"
            )
        return info_hash

    def add_peer(self, info_hash: str, address: str) -> None:
        info_hash = self._require(info_hash)
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"address: expected host:port, got {address!r}")
        self._call(lambda: self._api.torrents_add_peers(peers=address, torrent_hashes=info_hash))

    def set_file_priorities(self, info_hash: str, wanted: set[int]) -> None:
        entries = self.files(info_hash)
        indices = {entry.index for entry in entries}
        if not wanted:
            raise ValueError("wanted: at least one file index is required")
        if unknown := wanted - indices:
            raise ValueError(
                f"wanted: file indices {sorted(unknown)} not in torrent {info_hash} "
                f"(it has 0..{len(entries) - 1})"
            )
        unwanted = indices - wanted
        hash_ = info_hash.lower()
        self._call(
            lambda: self._api.torrents_file_priority(
                torrent_hash=hash_, file_ids=sorted(wanted), priority=1
            )
        )
        if unwanted:
            self._call(
                lambda: self._api.torrents_file_priority(
                    torrent_hash=hash_, file_ids=sorted(unwanted), priority=0
                )
            )

    def files(self, info_hash: str) -> builtins.list[TorrentFileEntry]:
        info_hash = self._require(info_hash)
        found: builtins.list[Any] = []

        def metadata_arrived() -> bool:
            found[:] = self._call(lambda: self._api.torrents_files(torrent_hash=info_hash))
            return bool(found)

        if not self._wait_until(metadata_arrived, timeout=self._metadata_timeout):
            raise MetadataTimeout(
                f"no metadata for {info_hash} after {self._metadata_timeout:g}s "
                f"(qBittorrent at {self._where})"
            )
        return [
            TorrentFileEntry(
                index=int(item.get("index", position)),
                path=PurePosixPath(item["name"]),
                size=int(item["size"]),
                progress=float(item["progress"]),
                priority=int(item["priority"]),
            )
            for position, item in enumerate(found)
        ]

    def status(self, info_hash: str) -> TorrentStatus:
        info_hash = checked_info_hash(info_hash)
        info = self._info(info_hash)
        if info is None:
            raise TorrentNotFound(f"torrent {info_hash} is not in qBittorrent at {self._where}")
        return _to_status(info)

    def list(self, tag: str | None = None) -> builtins.list[TorrentStatus]:
        infos = self._call(lambda: self._api.torrents_info(tag=tag))
        return [_to_status(info) for info in infos]

    def remove(self, info_hash: str, *, delete_data: bool) -> None:
        info_hash = self._require(info_hash)
        self._call(
            lambda: self._api.torrents_delete(delete_files=delete_data, torrent_hashes=info_hash)
        )
        if not self._wait_until(lambda: self._info(info_hash) is None, timeout=30.0):
            raise TorrentClientError(
                f"qBittorrent at {self._where} still lists {info_hash} 30s after removal"
            )

    def pause(self, info_hash: str) -> None:
        info_hash = self._require(info_hash)
        self._call(lambda: self._api.torrents_pause(torrent_hashes=info_hash))

    def resume(self, info_hash: str) -> None:
        info_hash = self._require(info_hash)
        self._call(lambda: self._api.torrents_resume(torrent_hashes=info_hash))

    def close(self) -> None:
        # Closing must not fail because the client is already gone.
        with suppress(qbittorrentapi.APIError):
            self._api.auth_log_out()

    # -- internals ---------------------------------------------------------------------

    def _info(self, info_hash: str) -> Any | None:
        infos = self._call(lambda: self._api.torrents_info(torrent_hashes=info_hash))
        return infos[0] if infos else None

    def _require(self, info_hash: str) -> str:
        info_hash = checked_info_hash(info_hash)
        if self._info(info_hash) is None:
            raise TorrentNotFound(f"torrent {info_hash} is not in qBittorrent at {self._where}")
        return info_hash

    def _wait_until(self, condition: Callable[[], bool], *, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(self._poll_interval)
        return True

    def _call(self, request: Callable[[], T]) -> T:
        with self._translated_errors():
            return request()

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        try:
            yield
        except qbittorrentapi.LoginFailed:
            raise ClientAuthError(
                f"qBittorrent at {self._where} refused the login (check username and password)"
            ) from None
        except (qbittorrentapi.Unauthorized401Error, qbittorrentapi.Forbidden403Error) as error:
            raise ClientAuthError(
                f"qBittorrent at {self._where} refused access ({type(error).__name__}); "
                "check credentials or an IP ban"
            ) from None
        except qbittorrentapi.NotFound404Error as error:
            raise TorrentNotFound(f"qBittorrent at {self._where}: {error}") from None
        except qbittorrentapi.HTTPError as error:
            raise TorrentClientError(
                f"qBittorrent at {self._where} answered {type(error).__name__}: {error}"
            ) from None
        except qbittorrentapi.APIConnectionError as error:
            raise ClientUnreachable(
                f"qBittorrent Web UI at {self._where} is unreachable ({type(error).__name__})"
            ) from None
        except qbittorrentapi.APIError as error:
            raise TorrentClientError(f"qBittorrent at {self._where}: {error}") from None


def _to_status(info: Any) -> TorrentStatus:
    raw_state = str(info.get("state", "unknown"))
    state = _STATES.get(raw_state, TorrentState.UNKNOWN)
    eta = int(info.get("eta", _ETA_INFINITE))
    tags = [t.strip() for t in str(info.get("tags", "")).split(",") if t.strip()]
    return TorrentStatus(
        info_hash=str(info["hash"]).lower(),
        name=str(info.get("name", "")),
        state=state,
        progress=float(info.get("progress", 0.0)),
        download_speed_bps=int(info.get("dlspeed", 0)),
        upload_speed_bps=int(info.get("upspeed", 0)),
        eta_seconds=None if eta >= _ETA_INFINITE or eta < 0 else eta,
        downloaded_bytes=int(info.get("downloaded", 0)),
        uploaded_bytes=int(info.get("uploaded", 0)),
        ratio=float(info.get("ratio", 0.0)),
        seeding_time_seconds=int(info.get("seeding_time", 0)),
        save_path=Path(str(info.get("save_path", ""))),
        wanted_bytes=max(int(info.get("size", 0)), 0),
        tag=tags[0] if tags else None,
        error=f"qBittorrent state {raw_state!r}" if state is TorrentState.ERROR else None,
        peers=int(info.get("num_seeds", 0)) + int(info.get("num_leechs", 0)),
    )
