"""Start and stop a loopback-only BitTorrent swarm for tests and demos.

Recipe and pitfalls: notes/local-swarm.md (qBittorrent 4.5.2, Debian opentracker, libtorrent
wheel); sample content comes from ``tests.support.sample_content``. Every process started
here binds to 127.0.0.1 and is stopped by ``stop()``, a ``with`` block or, as a last resort,
at interpreter exit.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

LOOPBACK = "127.0.0.1"
QBITTORRENT_BINARY = "qbittorrent-nox"
OPENTRACKER_BINARY = "opentracker"

SEEDING_STATES = ("uploading", "stalledUP", "forcedUP")

_live_processes: dict[int, subprocess.Popen[bytes]] = {}


def _stop_leftovers() -> None:
    for process in list(_live_processes.values()):
        _terminate(process)


atexit.register(_stop_leftovers)


def _terminate(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """SIGTERM the process we started, SIGKILL it if it does not exit in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    _live_processes.pop(process.pid, None)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` every 50 ms; raise ``TimeoutError`` naming ``what`` if it stays false."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.05)


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def listening_addresses(port: int) -> set[str]:
    """Local addresses (``/proc/net`` hex, 127.0.0.1 = ``0100007F``) listening on TCP ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


def missing_binaries(*names: str) -> list[str]:
    """Names from ``names`` that are not on PATH (for pytest skip reasons)."""
    return [name for name in names if shutil.which(name) is None]


def qbittorrent_password_hash(password: str) -> str:
    """The ``WebUI\\Password_PBKDF2`` value qBittorrent 4.2+ expects for ``password``."""
    salt = os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 100_000, 64)
    return f"@ByteArray({base64.b64encode(salt).decode()}:{base64.b64encode(key).decode()})"


def write_qbittorrent_config(
    profile: Path,
    *,
    webui_port: int,
    bt_port: int,
    save_dir: Path,
    username: str,
    password: str,
    refresh_ms: int = 250,
) -> Path:
    """Write a headless, loopback-only qBittorrent 4.5.2 config before its first start."""
    config_dir = profile / "qBittorrent" / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    # Each key is explained in notes/local-swarm.md; the ones marked there as required
    # (MultiConnectionsPerIp, QueueingSystemEnabled, InterfaceAddress) must stay.
    text = f"""[LegalNotice]
Accepted=true

[Meta]
MigrationVersion=4

[Network]
PortForwardingEnabled=false

[BitTorrent]
Session\\Port={bt_port}
Session\\InterfaceAddress={LOOPBACK}
Session\\DHTEnabled=false
Session\\PeXEnabled=false
Session\\LSDEnabled=false
Session\\AnonymousModeEnabled=false
Session\\MultiConnectionsPerIp=true
Session\\QueueingSystemEnabled=false
Session\\AddTorrentPaused=false
Session\\TempPathEnabled=false
Session\\DefaultSavePath={save_dir}
Session\\BTProtocol=TCP
Session\\AnnounceToAllTrackers=true
Session\\RefreshInterval={refresh_ms}

[Preferences]
WebUI\\Enabled=true
WebUI\\Address={LOOPBACK}
WebUI\\Port={webui_port}
WebUI\\UseUPnP=false
WebUI\\Username={username}
WebUI\\Password_PBKDF2="{qbittorrent_password_hash(password)}"
WebUI\\LocalHostAuth=true
WebUI\\CSRFProtection=false
WebUI\\HostHeaderValidation=false
WebUI\\MaxAuthenticationFailCount=0
Connection\\ResolvePeerCountries=false
General\\Locale=en
"""
    path = config_dir / "qBittorrent.conf"
    path.write_text(text)
    return path


def _wait_for_http(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode} before {url}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer (403 before login) means the server is up
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no HTTP answer from {url} within {timeout}s") from None
            time.sleep(0.02)


@dataclass
class QbittorrentProcess:
    """A qbittorrent-nox child process with its own profile directory."""

    profile: Path
    save_dir: Path
    webui_port: int
    bt_port: int
    username: str
    password: str
    process: subprocess.Popen[bytes]
    host: str = LOOPBACK

    @classmethod
    def start(
        cls,
        profile: Path,
        *,
        username: str = "admin",
        password: str = "swarm-test-pw",
        save_dir: Path | None = None,
        timeout: float = 15.0,
    ) -> QbittorrentProcess:
        """Write the config into ``profile`` and start qbittorrent-nox in the foreground."""
        save_dir = save_dir or profile / "downloads"
        save_dir.mkdir(parents=True, exist_ok=True)
        webui_port, bt_port = free_port(), free_port()
        write_qbittorrent_config(
            profile,
            webui_port=webui_port,
            bt_port=bt_port,
            save_dir=save_dir,
            username=username,
            password=password,
        )
        log = (profile / "stdout.log").open("wb")
        # Foreground + own session: we keep the PID and stdin is not a tty, so no
        # legal-notice prompt; -d would lose the PID.
        process = subprocess.Popen(
            [QBITTORRENT_BINARY, f"--profile={profile}"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        _live_processes[process.pid] = process
        instance = cls(profile, save_dir, webui_port, bt_port, username, password, process)
        try:
            _wait_for_http(f"{instance.url}/api/v2/app/version", process, timeout)
        except BaseException:
            instance.stop()
            raise
        return instance

    def api(self) -> Any:
        """A logged-in ``qbittorrentapi.Client`` for driving this instance directly."""
        import qbittorrentapi

        client = qbittorrentapi.Client(
            host=self.host, port=self.webui_port, username=self.username, password=self.password
        )
        client.auth_log_in()
        return client

    def seed(self, torrent_bytes: bytes, data_dir: Path, timeout: float = 30.0) -> str:
        """Add a torrent whose content lies under ``data_dir``; return once it is seeding."""
        from chalicelib.domain.bencode import info_hash_of_torrent

        info_hash = info_hash_of_torrent(torrent_bytes)
        api = self.api()
        api.torrents_add(torrent_files={"seed.torrent": torrent_bytes}, save_path=str(data_dir))

        def seeding() -> bool:
            found = api.torrents_info(torrent_hashes=info_hash)
            if found and found[0].state in ("error", "missingFiles"):
                raise RuntimeError(f"seeder cannot seed {info_hash}: {found[0].state}")
            return bool(found) and found[0].progress >= 1 and found[0].state in SEEDING_STATES

        wait_until(seeding, timeout, f"qBittorrent seeder to seed {info_hash}")
        return info_hash

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.webui_port}"

    @property
    def peer_address(self) -> str:
        return f"{self.host}:{self.bt_port}"

    def log_text(self) -> str:
        """qBittorrent's own log, for failure messages."""
        path = self.profile / "qBittorrent" / "data" / "logs" / "qbittorrent.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        _terminate(self.process)

    def restart(self, *, sig: int = signal.SIGKILL, timeout: float = 15.0) -> None:
        """Stop the process (SIGKILL by default: no chance to save its state) and start it
        again on the same profile, ports and password."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout)
        _live_processes.pop(self.process.pid, None)
        log = (self.profile / "stdout.log").open("ab")
        self.process = subprocess.Popen(
            [QBITTORRENT_BINARY, f"--profile={self.profile}"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        _live_processes[self.process.pid] = self.process
        _wait_for_http(f"{self.url}/api/v2/app/version", self.process, timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@dataclass
class OpentrackerProcess:
    """Debian's opentracker on 127.0.0.1 (TCP only) with a whitelist of info hashes."""

    directory: Path
    port: int
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, directory: Path, info_hashes: list[str]) -> OpentrackerProcess:
        """Start the tracker with ``info_hashes`` whitelisted (the Debian build refuses others)."""
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o755)
        whitelist = directory / "whitelist.txt"
        whitelist.write_text("".join(f"{h.lower()}\n" for h in info_hashes))
        whitelist.chmod(0o644)
        port = free_port()
        # As root it chroots into -d before reading the whitelist, so the path must be
        # relative to that directory; an absolute path fails without a message.
        command = [OPENTRACKER_BINARY, "-i", LOOPBACK, "-p", str(port)]
        command += ["-d", str(directory), "-w", whitelist.name]
        process = subprocess.Popen(
            command,
            cwd=directory,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _live_processes[process.pid] = process
        tracker = cls(directory, port, process)
        try:
            _wait_for_http(f"http://{LOOPBACK}:{port}/stats", process, 10.0)
        except BaseException:
            tracker.stop()
            raise
        return tracker

    @property
    def announce_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/announce"

    def allow(self, info_hash: str) -> None:
        """Whitelist one more hash; opentracker reloads the list on SIGHUP."""
        with (self.directory / "whitelist.txt").open("a") as whitelist:
            whitelist.write(f"{info_hash.lower()}\n")
        self.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        _terminate(self.process)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@dataclass
class LibtorrentSeeder:
    """An in-process libtorrent session that seeds torrents from disk on 127.0.0.1."""

    # bytes/s per torrent, 0 = unlimited. Applied per torrent because libtorrent exempts
    # local-network peers (all of ours) from the session-wide limit.
    upload_rate_limit: int = 0
    session: Any = field(init=False)
    port: int = field(init=False)

    def __post_init__(self) -> None:
        import libtorrent as lt

        self.session = lt.session(
            {
                "listen_interfaces": f"{LOOPBACK}:0",
                "outgoing_interfaces": LOOPBACK,
                "enable_dht": False,
                "enable_lsd": False,
                "enable_upnp": False,
                "enable_natpmp": False,
                "allow_multiple_connections_per_ip": True,
                "enable_outgoing_utp": False,
                "enable_incoming_utp": False,
                # libtorrent queues all but 5 seeding torrents (active_seeds): a queued one
                # does not announce, so a leecher of it waits for the queue to rotate.
                "active_seeds": -1,
                "active_limit": -1,
                "alert_mask": 0,
            }
        )
        self.port = int(self.session.listen_port())

    @property
    def peer_address(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def seed(self, torrent_bytes: bytes, data_dir: Path, timeout: float = 30.0) -> None:
        """Add a torrent whose content lies under ``data_dir`` and wait until it seeds."""
        import libtorrent as lt

        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(torrent_bytes)
        params.save_path = str(data_dir)
        handle = self.session.add_torrent(params)
        if self.upload_rate_limit:
            handle.set_upload_limit(self.upload_rate_limit)
        wait_until(lambda: handle.status().is_seeding, timeout, f"libtorrent seeder on {data_dir}")

    def set_upload_limit(self, bytes_per_second: int) -> None:
        """Change the per-torrent upload limit of every seeded torrent (0 = unlimited)."""
        for handle in self.session.get_torrents():
            handle.set_upload_limit(bytes_per_second)

    def uploaded_bytes(self) -> int:
        """Payload bytes sent to peers so far, over all torrents."""
        return sum(int(h.status().total_payload_upload) for h in self.session.get_torrents())

    def stop(self) -> None:
        # Dropping the session object makes libtorrent close its sockets.
        self.session.pause()
        del self.session

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
