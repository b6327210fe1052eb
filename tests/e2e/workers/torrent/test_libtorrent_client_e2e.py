"""LibtorrentClient (embedded session) against real peers on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from local.torrent_maker import MadeTorrent
from tests.support.sample_content import make_album, make_random_file, sha256_of
from tests.support.swarm import (
    LibtorrentSeeder,
    QbittorrentProcess,
    listening_addresses,
    missing_binaries,
    wait_until,
)
from workers.agent.ports import TorrentClient
from workers.torrent.client import (
    InvalidTorrent,
    MetadataTimeout,
    TorrentNotFound,
    TorrentState,
)
from workers.torrent.libtorrent_session import LibtorrentClient, LibtorrentSettings

pytestmark = pytest.mark.e2e

_IMPLEMENTS: type[TorrentClient] = LibtorrentClient  # mypy checks it against the Protocol

BIG_SIZE = 32 * 1024 * 1024
THROTTLE = 8 * 1024 * 1024  # bytes/s: the big download takes ~4 s, long enough to interrupt


def settings(state_dir: Path, resume_save_interval: float = 30.0) -> LibtorrentSettings:
    return LibtorrentSettings(
        state_dir=state_dir,
        metadata_timeout=20,
        poll_interval=0.02,
        resume_save_interval=resume_save_interval,
    )


def saved_pieces(resume_file: Path) -> int:
    """How many pieces a resume file records as done."""
    import libtorrent as lt

    if not resume_file.exists():
        return 0
    return sum(lt.read_resume_data(resume_file.read_bytes()).have_pieces)


def wait_complete(client: LibtorrentClient, info_hash: str, timeout: float = 30.0) -> None:
    def complete() -> bool:
        status = client.status(info_hash)
        assert status.state is not TorrentState.ERROR, status
        return status.is_complete

    wait_until(complete, timeout, f"{info_hash} to complete")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[LibtorrentClient]:
    client = LibtorrentClient(settings(tmp_path / "state"))
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="module")
def qbt_seeder(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[QbittorrentProcess, Path]]:
    if missing := missing_binaries("qbittorrent-nox", "ffmpeg"):
        pytest.fail(f"needs {', '.join(missing)} on PATH (make system-deps)")
    root = tmp_path_factory.mktemp("lt-qbt-seeder")
    album_dir = make_album(root / "seed")
    with QbittorrentProcess.start(root / "profile", save_dir=root / "seed") as seeder:
        seeder.seed(MadeTorrent.build(album_dir).torrent_bytes, root / "seed")
        yield seeder, album_dir


def test_session_listens_on_loopback_only(client: LibtorrentClient) -> None:
    assert listening_addresses(client.listen_port) == {"0100007F"}  # 127.0.0.1


def test_trackerless_magnet_from_a_qbittorrent_seeder(
    client: LibtorrentClient, qbt_seeder: tuple[QbittorrentProcess, Path], tmp_path: Path
) -> None:
    seeder, album_dir = qbt_seeder
    album = MadeTorrent.build(album_dir)
    downloads = tmp_path / "downloads"

    info_hash = client.add(magnet=album.magnet(), save_path=downloads, tag="ticket-9", paused=True)
    assert info_hash == album.info_hash
    client.add_peer(info_hash, seeder.peer_address)
    files = client.files(info_hash)
    assert [f.path for f in files] == [PurePosixPath(p) for p in album.files]
    wait_until(lambda: client.status(info_hash).state is TorrentState.PAUSED, 10, "paused")
    assert client.status(info_hash).downloaded_bytes == 0

    client.set_file_priorities(info_hash, {2, 5})
    client.resume(info_hash)
    wait_complete(client, info_hash)

    for index in (2, 5):
        relative = album.files[index]
        assert sha256_of(downloads / relative) == sha256_of(album_dir.parent / relative)
    assert not (downloads / album.files[0]).exists()
    assert [e.priority > 0 for e in client.files(info_hash)] == [
        False,
        False,
        True,
        False,
        False,
        True,
    ]
    status = client.status(info_hash)
    assert (status.tag, status.progress, status.state) == ("ticket-9", 1.0, TorrentState.SEEDING)
    assert [s.info_hash for s in client.list(tag="ticket-9")] == [info_hash]

    client.remove(info_hash, delete_data=True)
    assert not (downloads / album.files[2]).exists()
    assert client.list() == []
    with pytest.raises(TorrentNotFound):
        client.status(info_hash)


def test_restart_resumes_from_the_state_directory(tmp_path: Path) -> None:
    content = make_random_file(tmp_path / "seed" / "big.bin", BIG_SIZE, seed=3)
    big = MadeTorrent.build(content, piece_length=256 * 1024)
    state_dir, downloads = tmp_path / "state", tmp_path / "downloads"

    with LibtorrentSeeder(upload_rate_limit=THROTTLE) as seeder:
        seeder.seed(big.torrent_bytes, tmp_path / "seed")
        first = LibtorrentClient(settings(state_dir, resume_save_interval=0.2))
        try:
            info_hash = first.add(torrent_bytes=big.torrent_bytes, save_path=downloads, tag="t-7")
            first.add_peer(info_hash, seeder.peer_address)
            resume_file = state_dir / f"{info_hash}.resume"
            # Saved periodically while running, not only on close (a crash keeps progress).
            wait_until(lambda: saved_pieces(resume_file) > 0, 10, "periodic resume save")
            wait_until(lambda: first.status(info_hash).progress >= 0.3, 20, "30% downloaded")
            progress_at_stop = first.status(info_hash).progress
        finally:
            first.close()
        assert progress_at_stop < 0.9, "the throttle did not hold: nothing left to resume"
        # progress also counts blocks of pieces still in flight, so compare loosely.
        pieces_saved = saved_pieces(resume_file)
        assert pieces_saved >= 20, f"only {pieces_saved} of 128 pieces saved"

        seeder.set_upload_limit(0)
        started = time.monotonic()
        second = LibtorrentClient(settings(state_dir))
        try:
            wait_until(
                lambda: second.status(info_hash).state is not TorrentState.CHECKING, 10, "check"
            )
            restored = second.status(info_hash)
            assert restored.tag == "t-7"
            # Every saved piece was kept (progress is a float32, hence the tolerance).
            assert restored.progress >= pieces_saved / 128 - 1e-4
            second.add_peer(info_hash, seeder.peer_address)
            wait_complete(second, info_hash)
            resumed_in = time.monotonic() - started
        finally:
            second.close()
        # Each byte crossed the wire about once: the first part was not fetched again.
        assert seeder.uploaded_bytes() < BIG_SIZE * 1.15

    assert sha256_of(downloads / "big.bin") == sha256_of(content)
    assert resumed_in < 20


def test_paused_torrent_file_add_stays_paused_and_add_is_idempotent(
    client: LibtorrentClient, tmp_path: Path
) -> None:
    content = make_random_file(tmp_path / "seed" / "small.bin", 300_000, seed=5)
    small = MadeTorrent.build(content)
    with LibtorrentSeeder() as seeder:
        seeder.seed(small.torrent_bytes, tmp_path / "seed")
        info_hash = client.add(
            torrent_bytes=small.torrent_bytes, save_path=tmp_path / "dl", tag="t-8", paused=True
        )
        assert client.add(magnet=small.magnet(), save_path=tmp_path / "x", tag="t-8") == info_hash
        assert len(client.list()) == 1
        client.add_peer(info_hash, seeder.peer_address)
        time.sleep(0.5)
        status = client.status(info_hash)
        assert (status.state, status.progress) == (TorrentState.PAUSED, 0.0)

        client.resume(info_hash)
        wait_complete(client, info_hash)
        assert sha256_of(tmp_path / "dl" / "small.bin") == sha256_of(content)
        client.pause(info_hash)
        assert client.status(info_hash).state is TorrentState.PAUSED

        client.remove(info_hash, delete_data=False)
        assert (tmp_path / "dl" / "small.bin").exists()
        assert list((tmp_path / "state").iterdir()) == []


def test_bad_input_is_refused(client: LibtorrentClient, tmp_path: Path) -> None:
    with pytest.raises(InvalidTorrent, match="torrent_bytes"):
        client.add(torrent_bytes=b"d4:infoi1ee", save_path=tmp_path, tag="x")
    with pytest.raises(InvalidTorrent, match="magnet"):
        client.add(magnet="magnet:?dn=nothing", save_path=tmp_path, tag="x")
    with pytest.raises(InvalidTorrent, match="save_path"):
        client.add(magnet=f"magnet:?xt=urn:btih:{'1' * 40}", save_path=Path("rel"), tag="x")
    with pytest.raises(TorrentNotFound, match="0" * 40):
        client.files("0" * 40)
    with pytest.raises(InvalidTorrent, match="info_hash"):
        client.status("not-a-hash")


def test_magnet_without_peers_times_out_waiting_for_metadata(tmp_path: Path) -> None:
    quick = LibtorrentSettings(state_dir=tmp_path / "state", metadata_timeout=1)
    client = LibtorrentClient(quick)
    try:
        info_hash = client.add(
            magnet=f"magnet:?xt=urn:btih:{'2' * 40}", save_path=tmp_path, tag="x"
        )
        assert client.status(info_hash).state is TorrentState.FETCHING_METADATA
        with pytest.raises(MetadataTimeout, match=info_hash):
            client.files(info_hash)
    finally:
        client.close()
