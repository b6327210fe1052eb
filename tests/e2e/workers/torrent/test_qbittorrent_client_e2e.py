"""QbittorrentClient against real qbittorrent-nox 4.5.2 instances and opentracker on 127.0.0.1."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

from local.torrent_maker import SMALL_PIECE_LENGTH as PIECE_LENGTH
from local.torrent_maker import MadeTorrent
from tests.support.sample_content import make_album, make_random_file, sha256_of
from tests.support.swarm import (
    OpentrackerProcess,
    QbittorrentProcess,
    free_port,
    listening_addresses,
    missing_binaries,
    wait_until,
)
from workers.agent.ports import TorrentClient
from workers.torrent.client import (
    ClientAuthError,
    ClientUnreachable,
    InvalidTorrent,
    MetadataTimeout,
    TorrentNotFound,
    TorrentState,
)
from workers.torrent.qbittorrent import QbittorrentClient

pytestmark = pytest.mark.e2e

_IMPLEMENTS: type[TorrentClient] = QbittorrentClient  # mypy checks it against the Protocol


@dataclass
class Swarm:
    seed_dir: Path
    album: MadeTorrent
    single: MadeTorrent  # a one-file torrent, announced nowhere (for add_peer)
    tracker: OpentrackerProcess
    seeder: QbittorrentProcess
    leecher: QbittorrentProcess
    client: QbittorrentClient


@pytest.fixture(scope="module")
def swarm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Swarm]:
    if missing := missing_binaries("qbittorrent-nox", "opentracker", "ffmpeg"):
        pytest.fail(f"needs {', '.join(missing)} on PATH (make system-deps)")
    root = tmp_path_factory.mktemp("qbt-swarm")
    seed_dir = root / "seed"
    album_dir = make_album(seed_dir)
    single_file = make_random_file(seed_dir / "sample.bin", 3 * 1024 * 1024, seed=7)
    started: list[QbittorrentProcess | OpentrackerProcess] = []
    try:
        album_probe = MadeTorrent.build(album_dir)
        tracker = OpentrackerProcess.start(root / "tracker", [album_probe.info_hash])
        started.append(tracker)
        album = MadeTorrent.build(album_dir, announce=tracker.announce_url)
        single = MadeTorrent.build(single_file)
        seeder = QbittorrentProcess.start(root / "seeder", save_dir=seed_dir)
        started.append(seeder)
        leecher = QbittorrentProcess.start(root / "leecher", password="leech-pw-42")
        started.append(leecher)
        seeder.seed(album.torrent_bytes, seed_dir)
        seeder.seed(single.torrent_bytes, seed_dir)
        client = QbittorrentClient(
            leecher.host,
            leecher.webui_port,
            leecher.username,
            leecher.password,
            metadata_timeout=20,
            poll_interval=0.05,
        )
        yield Swarm(seed_dir, album, single, tracker, seeder, leecher, client)
        client.close()
    finally:
        for process in reversed(started):
            process.stop()


def album_file(swarm: Swarm, index: int) -> PurePosixPath:
    return PurePosixPath(swarm.album.files[index])


def wait_complete(client: QbittorrentClient, info_hash: str, timeout: float = 20.0) -> None:
    def complete() -> bool:
        status = client.status(info_hash)
        assert status.state is not TorrentState.ERROR, status
        return status.is_complete

    wait_until(complete, timeout, f"{info_hash} to complete")


def test_add_by_torrent_downloads_only_the_selected_files(swarm: Swarm, tmp_path: Path) -> None:
    client = swarm.client
    wanted = {0, 5}  # first track and the cover

    info_hash = client.add(
        torrent_bytes=swarm.album.torrent_bytes, save_path=tmp_path, tag="ticket-1", paused=True
    )
    assert info_hash == swarm.album.info_hash
    # The first state after an add is always checkingResumeData.
    wait_until(lambda: client.status(info_hash).state is TorrentState.PAUSED, 10, "paused add")
    client.set_file_priorities(info_hash, wanted)
    client.resume(info_hash)
    wait_complete(client, info_hash)

    status = client.status(info_hash)
    assert status.progress == 1.0
    assert status.tag == "ticket-1"
    assert status.save_path == tmp_path
    selected = sum((swarm.seed_dir / swarm.album.files[i]).stat().st_size for i in wanted)
    # Piece-granular: the pieces a selected file touches count in full.
    assert selected <= status.wanted_bytes <= selected + 2 * len(wanted) * PIECE_LENGTH
    files = client.files(info_hash)
    assert [f.path for f in files] == [PurePosixPath(p) for p in swarm.album.files]
    assert {f.index for f in files if f.priority > 0} == wanted
    for entry in files:
        downloaded = tmp_path / entry.path
        original = swarm.seed_dir / entry.path
        if entry.index in wanted:
            assert entry.progress == 1.0
            assert sha256_of(downloaded) == sha256_of(original)
        else:
            # Unselected: never created, or only the pieces shared with a neighbour.
            assert not downloaded.exists() or sha256_of(downloaded) != sha256_of(original)
    assert [s.info_hash for s in client.list(tag="ticket-1")] == [info_hash]
    assert client.list(tag="no-such-ticket") == []

    client.remove(info_hash, delete_data=True)
    with pytest.raises(TorrentNotFound):
        client.status(info_hash)
    wait_until(
        lambda: not (tmp_path / album_file(swarm, 0)).exists(), 10, "downloaded files deleted"
    )


def test_add_by_magnet_fetches_metadata_without_payload_then_downloads(
    swarm: Swarm, tmp_path: Path
) -> None:
    client = swarm.client
    magnet = swarm.album.magnet(trackers=(swarm.tracker.announce_url,))

    info_hash = client.add(magnet=magnet, save_path=tmp_path, tag="ticket-2", paused=True)
    files = client.files(info_hash)  # waits for metadata from the tracker's peer
    assert len(files) == 6
    wait_until(
        lambda: client.status(info_hash).state is TorrentState.PAUSED, 10, "stop after metadata"
    )
    # Stopped right after metadata: no payload on disk, none counted.
    assert all(entry.progress == 0 for entry in client.files(info_hash))
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    assert client.status(info_hash).downloaded_bytes == 0

    client.set_file_priorities(info_hash, {1, 2})
    client.resume(info_hash)
    wait_complete(client, info_hash)

    for index in (1, 2):
        path = album_file(swarm, index)
        assert sha256_of(tmp_path / path) == sha256_of(swarm.seed_dir / path)
    assert not (tmp_path / album_file(swarm, 3)).exists()

    client.remove(info_hash, delete_data=False)
    assert client.list(tag="ticket-2") == []
    assert (tmp_path / album_file(swarm, 1)).exists()  # the data stays


def test_trackerless_magnet_with_add_peer(swarm: Swarm, tmp_path: Path) -> None:
    client = swarm.client
    info_hash = client.add(magnet=swarm.single.magnet(), save_path=tmp_path, tag="ticket-3")
    client.add_peer(info_hash, swarm.seeder.peer_address)
    wait_complete(client, info_hash)

    assert sha256_of(tmp_path / "sample.bin") == sha256_of(swarm.seed_dir / "sample.bin")
    status = client.status(info_hash)
    assert status.state is TorrentState.SEEDING
    # Transfer counters trail the state by a refresh or two.
    wait_until(
        lambda: client.status(info_hash).downloaded_bytes >= 3 * 1024 * 1024, 5, "byte counter"
    )
    client.remove(info_hash, delete_data=True)


def test_add_is_idempotent_and_pause_resume_work(swarm: Swarm, tmp_path: Path) -> None:
    client = swarm.client
    first = client.add(torrent_bytes=swarm.album.torrent_bytes, save_path=tmp_path, tag="t-4")
    second = client.add(magnet=swarm.album.magnet(), save_path=tmp_path / "other", tag="t-4")
    assert first == second
    assert len(client.list(tag="t-4")) == 1

    client.pause(first)
    wait_until(lambda: client.status(first).state is TorrentState.PAUSED, 5, "paused")
    client.resume(first)
    wait_complete(client, first)
    client.remove(first, delete_data=True)


def test_bad_input_and_unknown_torrents_are_reported(swarm: Swarm, tmp_path: Path) -> None:
    client = swarm.client
    unknown = "0" * 40
    with pytest.raises(TorrentNotFound, match=unknown):
        client.status(unknown)
    with pytest.raises(TorrentNotFound):
        client.files(unknown)
    with pytest.raises(TorrentNotFound):
        client.remove(unknown, delete_data=True)
    with pytest.raises(InvalidTorrent, match="exactly one"):
        client.add(save_path=tmp_path, tag="x")
    with pytest.raises(InvalidTorrent, match="save_path"):
        client.add(magnet=swarm.album.magnet(), save_path=Path("relative"), tag="x")
    with pytest.raises(InvalidTorrent, match="tag"):
        client.add(magnet=swarm.album.magnet(), save_path=tmp_path, tag="a,b")
    with pytest.raises(InvalidTorrent, match="torrent_bytes"):
        client.add(torrent_bytes=b"not a torrent", save_path=tmp_path, tag="x")

    info_hash = client.add(
        torrent_bytes=swarm.album.torrent_bytes, save_path=tmp_path, tag="t-5", paused=True
    )
    with pytest.raises(ValueError, match=r"wanted: file indices \[6, 9\]"):
        client.set_file_priorities(info_hash, {0, 6, 9})
    with pytest.raises(ValueError, match="address"):
        client.add_peer(info_hash, "127.0.0.1")
    client.remove(info_hash, delete_data=True)


def test_wrong_password_is_an_auth_error_without_the_password(swarm: Swarm) -> None:
    leecher = swarm.leecher
    bad = QbittorrentClient(leecher.host, leecher.webui_port, leecher.username, "wrong-secret")
    with pytest.raises(ClientAuthError) as caught:
        bad.list()
    message = str(caught.value)
    assert f"127.0.0.1:{leecher.webui_port}" in message
    assert "wrong-secret" not in message and leecher.password not in message


def test_unreachable_client_names_host_and_port() -> None:
    port = free_port()  # nothing listens there
    client = QbittorrentClient("127.0.0.1", port, "admin", "some-secret", request_timeout=2)
    with pytest.raises(ClientUnreachable) as caught:
        client.status("a" * 40)
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "some-secret" not in str(caught.value)


def test_version_reports_the_real_binary(swarm: Swarm) -> None:
    assert swarm.client.version().startswith("v4.")
    assert shutil.which("qbittorrent-nox")


def test_swarm_listens_on_loopback_only(swarm: Swarm) -> None:
    for process in (swarm.seeder, swarm.leecher):
        assert listening_addresses(process.webui_port) == {"0100007F"}  # 127.0.0.1
        assert listening_addresses(process.bt_port) == {"0100007F"}
    assert listening_addresses(swarm.tracker.port) == {"0100007F"}


def test_magnet_without_peers_times_out_waiting_for_metadata(swarm: Swarm, tmp_path: Path) -> None:
    leecher = swarm.leecher
    impatient = QbittorrentClient(
        leecher.host, leecher.webui_port, leecher.username, leecher.password, metadata_timeout=1
    )
    info_hash = impatient.add(magnet=f"magnet:?xt=urn:btih:{'3' * 40}", save_path=tmp_path, tag="x")
    try:
        with pytest.raises(MetadataTimeout, match=info_hash):
            impatient.files(info_hash)
        assert impatient.status(info_hash).state is TorrentState.FETCHING_METADATA
    finally:
        impatient.remove(info_hash, delete_data=True)
