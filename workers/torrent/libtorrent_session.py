"""``TorrentClient`` backed by an embedded libtorrent session (the PyPI ``libtorrent`` wheel).

Its network behaviour comes from `NetworkSettings` (workers/torrent/network.py); built in code
it defaults to the closed loopback session, the configuration gives it real-world defaults.
Resume data for every torrent is kept in a state directory, so a restarted client re-adds its
torrents and continues where it stopped instead of downloading again.
"""

from __future__ import annotations

import builtins
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, cast

import libtorrent as lt

from workers.torrent.client import (
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
from workers.torrent.network import NetworkSettings, libtorrent_settings
from workers.torrent.resume_store import ResumeStore

logger = logging.getLogger(__name__)

_TAG_KEY = b"quentin-tag"  # our extra key inside the resume file; libtorrent ignores it
_WANTED_PRIORITY = 4  # libtorrent's default priority
_SAVE_FLAGS = lt.save_resume_flags_t.save_info_dict | lt.save_resume_flags_t.flush_disk_cache

_STATES: dict[int, TorrentState] = {
    int(lt.torrent_status.states.checking_files): TorrentState.CHECKING,
    int(lt.torrent_status.states.checking_resume_data): TorrentState.CHECKING,
    int(lt.torrent_status.states.queued_for_checking): TorrentState.CHECKING,
    int(lt.torrent_status.states.allocating): TorrentState.CHECKING,
    int(lt.torrent_status.states.downloading_metadata): TorrentState.FETCHING_METADATA,
    int(lt.torrent_status.states.downloading): TorrentState.DOWNLOADING,
    int(lt.torrent_status.states.finished): TorrentState.SEEDING,
    int(lt.torrent_status.states.seeding): TorrentState.SEEDING,
}


@dataclass(frozen=True)
class LibtorrentSettings:
    """How the embedded session behaves; `network` defaults to the closed loopback session."""

    state_dir: Path
    network: NetworkSettings = field(default_factory=NetworkSettings.loopback)
    enable_utp: bool = False  # uTP over loopback is several times slower than TCP
    # Raw libtorrent settings applied last (tests: a DHT of nodes that all share 127.0.0.1).
    overrides: tuple[tuple[str, int | bool | str], ...] = ()
    resume_save_interval: float = 30.0  # seconds between saves of changed resume data
    metadata_timeout: float = 120.0
    poll_interval: float = 0.05


class LibtorrentClient:
    """An in-process torrent client; one instance owns one session and one state directory."""

    def __init__(self, settings: LibtorrentSettings) -> None:
        self._settings = settings
        self._store = ResumeStore(settings.state_dir)
        self._live_session: lt.session | None = lt.session(_session_settings(settings))
        self._lock = threading.Condition()
        self._tags: dict[str, str] = {}  # live torrents only; guards against late resume writes
        self._outstanding_saves = 0
        self._deleted: set[str] = set()
        # Complete torrents whose written blocks are known to be in their files. libtorrent
        # declares a piece done once its hash passes, which can be before its blocks leave
        # the disk thread's buffer: a reader that trusted "complete" could read zeros.
        self._flush_asked: set[str] = set()
        self._flushed: set[str] = set()
        self._closed = False
        self._network_was_down = False
        self._restore()
        self._pump = threading.Thread(target=self._pump_alerts, name="libtorrent-alerts")
        self._pump.daemon = True
        self._pump.start()

    @property
    def _session(self) -> lt.session:
        if self._live_session is None:
            raise TorrentClientError("the libtorrent client is closed")
        return self._live_session

    @property
    def listen_port(self) -> int:
        return int(self._session.listen_port())

    def network_problem(self) -> str | None:
        """Why nothing may download now (the bound interface is down), or None."""
        problem = self._settings.network.interface_problem()
        if problem is None and self._network_was_down:
            # Sockets bound to the interface died with it: listen and connect afresh.
            self._session.reopen_network_sockets(lt.session.reopen_map_ports)
        self._network_was_down = problem is not None
        return problem

    def add_dht_node(self, address: str) -> None:
        """Ask the DHT node at ``host:port`` to join the routing table (bootstrapping)."""
        host, _, port = address.rpartition(":")
        self._session.add_dht_node((host.strip("[]"), int(port)))

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
        if not tag:
            raise InvalidTorrent("tag: must be non-empty")
        if magnet is not None:
            info_hash = added_info_hash(magnet, None)
            params = lt.parse_magnet_uri(magnet)
        else:
            try:
                info = lt.torrent_info(torrent_bytes or b"")
            except RuntimeError as error:
                raise InvalidTorrent(f"torrent_bytes: unreadable ({error})") from None
            info_hash = str(info.info_hashes().v1)
            params = lt.add_torrent_params()
            params.ti = info
        if self._find(info_hash) is not None:
            return info_hash
        params.save_path = str(save_path)
        network = self._settings.network
        params.download_limit = network.torrent_download_limit or -1
        params.upload_limit = network.torrent_upload_limit or -1
        params.max_connections = network.max_connections_per_torrent or -1
        flags = params.flags & ~lt.torrent_flags.auto_managed & ~lt.torrent_flags.paused
        if not network.pex:
            flags |= lt.torrent_flags.disable_pex
        if paused:
            # A paused magnet would never fetch metadata. In upload mode it fetches metadata
            # but requests no pieces; on metadata_received we pause it for real.
            flags |= lt.torrent_flags.upload_mode if magnet else lt.torrent_flags.paused
        params.flags = flags
        with self._lock:
            self._tags[info_hash] = tag
        try:
            handle = self._session.add_torrent(params)
        except RuntimeError as error:
            with self._lock:
                self._tags.pop(info_hash, None)
            raise InvalidTorrent(f"libtorrent refused {info_hash}: {error}") from None
        self._request_save(handle)  # persist at once: a crash right after add keeps it
        return info_hash

    def add_peer(self, info_hash: str, address: str) -> None:
        handle = self._require(info_hash)
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"address: expected host:port, got {address!r}")
        handle.connect_peer((host.strip("[]"), int(port)))

    def set_file_priorities(self, info_hash: str, wanted: set[int]) -> None:
        entries = self.files(info_hash)
        indices = {entry.index for entry in entries}
        if not wanted:
            raise ValueError("wanted: at least one file index is required")
        if unknown := wanted - indices:
            raise ValueError(
                f"wanted: file indices {sorted(unknown)} not in torrent {info_hash} "
                f"(it has {sorted(indices)})"
            )
        handle = self._require(info_hash)
        count = len(handle.get_file_priorities())
        handle.prioritize_files(
            [_WANTED_PRIORITY if index in wanted else 0 for index in range(count)]
        )
        self._request_save(handle)

    def files(self, info_hash: str) -> builtins.list[TorrentFileEntry]:
        handle = self._require(info_hash)
        deadline = time.monotonic() + self._settings.metadata_timeout
        while (info := handle.torrent_file()) is None:
            if time.monotonic() > deadline:
                raise MetadataTimeout(
                    f"no metadata for {info_hash} after {self._settings.metadata_timeout:g}s"
                )
            time.sleep(self._settings.poll_interval)
            handle = self._require(info_hash)
        storage = info.layout()
        done = handle.file_progress(flags=lt.torrent_handle.piece_granularity)
        priorities = handle.get_file_priorities()
        entries = []
        for index in range(storage.num_files()):
            if storage.file_flags(index) & lt.file_storage.flag_pad_file:
                continue  # alignment padding of hybrid torrents, never on disk
            size = storage.file_size(index)
            entries.append(
                TorrentFileEntry(
                    index=index,
                    path=PurePosixPath(Path(storage.file_path(index)).as_posix()),
                    size=size,
                    progress=done[index] / size if size else 1.0,
                    priority=priorities[index],
                )
            )
        return entries

    def status(self, info_hash: str) -> TorrentStatus:
        handle = self._require(info_hash)
        return self._to_status(handle.status())

    def list(self, tag: str | None = None) -> builtins.list[TorrentStatus]:
        statuses = []
        for handle in self._session.get_torrents():
            try:
                statuses.append(self._to_status(handle.status()))
            except RuntimeError:
                continue  # removed while we were listing
        return [s for s in statuses if tag is None or s.tag == tag]

    def remove(self, info_hash: str, *, delete_data: bool) -> None:
        handle = self._require(info_hash)
        info_hash = checked_info_hash(info_hash)
        with self._lock:
            self._tags.pop(info_hash, None)
            self._deleted.discard(info_hash)
        option = lt.session.delete_files if delete_data else 0
        self._session.remove_torrent(handle, option)
        self._store.delete(info_hash)
        deadline = time.monotonic() + 30.0
        with self._lock:
            # torrent_deleted_alert (or its failure) tells when the files are really gone.
            while self._find(info_hash) is not None or (
                delete_data and info_hash not in self._deleted
            ):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TorrentClientError(f"libtorrent did not finish removing {info_hash}")
                self._lock.wait(min(remaining, self._settings.poll_interval))
            self._deleted.discard(info_hash)

    def pause(self, info_hash: str) -> None:
        handle = self._require(info_hash)
        handle.unset_flags(lt.torrent_flags.auto_managed)
        handle.pause()
        self._request_save(handle)

    def resume(self, info_hash: str) -> None:
        handle = self._require(info_hash)
        handle.unset_flags(lt.torrent_flags.auto_managed | lt.torrent_flags.upload_mode)
        handle.resume()
        self._request_save(handle)

    def close(self, timeout: float = 30.0) -> None:
        """Pause everything, save every torrent's resume data, then drop the session."""
        if self._closed:
            return
        self._session.pause()
        for handle in self._session.get_torrents():
            self._request_save(handle)
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._outstanding_saves > 0 and time.monotonic() < deadline:
                self._lock.wait(self._settings.poll_interval)
            if self._outstanding_saves:
                logger.warning("closing with %d resume saves missing", self._outstanding_saves)
            self._closed = True
        self._pump.join(5.0)
        # Dropping the last reference destroys the session, which closes its sockets.
        self._live_session = None

    # -- internals ---------------------------------------------------------------------

    def _restore(self) -> None:
        for info_hash, data in self._store.load_all().items():
            try:
                params = lt.read_resume_data(data)
                entry = lt.bdecode(data)
            except RuntimeError as error:
                logger.error("skipping unreadable resume file of %s: %s", info_hash, error)
                continue
            tag = entry.get(_TAG_KEY) if isinstance(entry, dict) else None  # type: ignore[call-overload]
            self._tags[info_hash] = tag.decode() if isinstance(tag, bytes) else ""
            self._session.add_torrent(params)

    def _request_save(self, handle: lt.torrent_handle) -> None:
        with self._lock:
            self._outstanding_saves += 1
        handle.save_resume_data(_SAVE_FLAGS)

    def _pump_alerts(self) -> None:
        """Sole reader of the session's alerts; also saves changed resume data periodically."""
        next_periodic = time.monotonic() + self._settings.resume_save_interval
        while True:
            with self._lock:
                if self._closed:
                    return
            self._session.wait_for_alert(100)
            for alert in self._session.pop_alerts():
                try:
                    self._handle_alert(alert)
                except Exception:  # one bad alert (e.g. a full disk) must not stop the pump
                    logger.exception("failed to handle %s", type(alert).__name__)
            if time.monotonic() >= next_periodic:
                next_periodic = time.monotonic() + self._settings.resume_save_interval
                for handle in self._session.get_torrents():
                    if handle.need_save_resume_data():
                        self._request_save(handle)

    def _handle_alert(self, alert: lt.alert) -> None:
        if isinstance(alert, lt.save_resume_data_alert):
            info_hash = str(alert.params.info_hashes.v1)
            with self._lock:
                self._outstanding_saves -= 1
                tag = self._tags.get(info_hash)
                if tag is not None:  # not removed meanwhile
                    self._store.write(info_hash, _with_tag(alert.params, tag))
                self._lock.notify_all()
        elif isinstance(alert, lt.save_resume_data_failed_alert):
            with self._lock:
                self._outstanding_saves -= 1
                self._lock.notify_all()
            logger.warning("resume data not saved: %s", alert.message())
        elif isinstance(alert, lt.torrent_deleted_alert | lt.torrent_delete_failed_alert):
            if isinstance(alert, lt.torrent_delete_failed_alert):
                logger.error("deleting files failed: %s", alert.message())
            with self._lock:
                self._deleted.add(str(alert.info_hashes.v1))
                self._lock.notify_all()
        elif isinstance(alert, lt.metadata_received_alert):
            handle = alert.handle
            if handle.is_valid() and handle.flags() & lt.torrent_flags.upload_mode:
                handle.pause()
                handle.unset_flags(lt.torrent_flags.upload_mode)
                self._request_save(handle)
        elif isinstance(alert, lt.cache_flushed_alert):
            with self._lock:
                info_hash = str(alert.handle.info_hashes().v1) if alert.handle.is_valid() else ""
                if info_hash in self._flush_asked:
                    self._flushed.add(info_hash)
                self._lock.notify_all()
        elif isinstance(alert, lt.torrent_removed_alert):
            with self._lock:
                self._flush_asked.discard(str(alert.info_hashes.v1))
                self._flushed.discard(str(alert.info_hashes.v1))
                self._lock.notify_all()

    def _find(self, info_hash: str) -> lt.torrent_handle | None:
        handle = self._session.find_torrent(lt.sha1_hash(bytes.fromhex(info_hash)))
        return handle if handle.is_valid() else None

    def _require(self, info_hash: str) -> lt.torrent_handle:
        info_hash = checked_info_hash(info_hash)
        handle = self._find(info_hash)
        if handle is None:
            raise TorrentNotFound(f"torrent {info_hash} is not in the embedded libtorrent session")
        return handle

    def _to_status(self, st: lt.torrent_status) -> TorrentStatus:
        info_hash = str(st.info_hashes.v1)
        error = st.errc.message() if st.errc.value() else None
        if error:
            state = TorrentState.ERROR
        elif st.moving_storage:
            state = TorrentState.MOVING
        elif st.flags & (lt.torrent_flags.paused | lt.torrent_flags.upload_mode):
            state = TorrentState.PAUSED
        else:
            state = _STATES.get(int(st.state), TorrentState.UNKNOWN)
        remaining = st.total_wanted - st.total_wanted_done
        rate = st.download_payload_rate
        # all_time_download (kept in resume data) lags behind by up to a second.
        downloaded = max(st.all_time_download, st.total_payload_download)
        uploaded = max(st.all_time_upload, st.total_payload_upload)
        base = max(downloaded, st.total_wanted_done)
        progress = float(st.progress)
        with self._lock:
            tag = self._tags.get(info_hash)
            if progress < 1.0 or state in _NOT_DONE_STATES:
                self._flush_asked.discard(info_hash)  # more files wanted: flush again later
                self._flushed.discard(info_hash)
            elif info_hash not in self._flushed:
                # Done only once a flush asked after the last piece passed has completed.
                if info_hash not in self._flush_asked:
                    self._flush_asked.add(info_hash)
                    st.handle.flush_cache()
                progress = min(progress, _UNFLUSHED_PROGRESS)
        return TorrentStatus(
            info_hash=info_hash,
            name=st.name,
            state=state,
            progress=progress,
            download_speed_bps=rate,
            upload_speed_bps=st.upload_payload_rate,
            eta_seconds=remaining // rate if rate > 0 and remaining > 0 else None,
            downloaded_bytes=downloaded,
            uploaded_bytes=uploaded,
            ratio=uploaded / base if base else 0.0,
            seeding_time_seconds=int(st.seeding_duration.total_seconds()),
            save_path=Path(st.save_path),
            wanted_bytes=st.total_wanted,
            peers=int(st.num_peers),
            tag=tag or None,
            error=error,
        )


_NOT_DONE_STATES = (TorrentState.FETCHING_METADATA, TorrentState.CHECKING, TorrentState.ERROR)
_UNFLUSHED_PROGRESS = 0.9999


def _session_settings(settings: LibtorrentSettings) -> lt.settings_pack:
    pack: dict[str, Any] = {
        **libtorrent_settings(settings.network),
        "enable_outgoing_utp": settings.enable_utp,
        "enable_incoming_utp": settings.enable_utp,
        # Every test peer shares 127.0.0.1; without this they collapse into one.
        "allow_multiple_connections_per_ip": True,
        "alert_mask": (
            lt.alert_category.error | lt.alert_category.storage | lt.alert_category.status
        ),
        "user_agent": "quentin-torrentino",
    }
    pack.update(settings.overrides)
    return cast("lt.settings_pack", pack)


def _with_tag(params: lt.add_torrent_params, tag: str) -> bytes:
    entry = lt.bdecode(lt.write_resume_data_buf(params))
    if isinstance(entry, dict):
        entry[_TAG_KEY] = tag.encode()  # type: ignore[index]
    return lt.bencode(entry)
