"""The embedded client beyond 127.0.0.1, without the internet.

A peer in a network namespace reached over a veth address, a trackerless magnet found through
a DHT whose only bootstrap node is local, a SOCKS5 proxy written here, and the interface kill
switch. Nothing here sends a packet to an address outside this machine: every session names
its interface, DHT bootstrap nodes are local, LSD and UPnP/NAT-PMP are off.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from local.torrent_maker import MadeTorrent
from tests.support.netns import Namespace
from tests.support.sample_content import make_random_file, sha256_of
from tests.support.swarm import LibtorrentSeeder, wait_until
from workers.torrent.client import TorrentState
from workers.torrent.libtorrent_session import LibtorrentClient, LibtorrentSettings
from workers.torrent.network import NetworkSettings, ProxySettings

pytestmark = pytest.mark.e2e

SIZE = 3 * 1024 * 1024
# Several DHT nodes share 127.0.0.1 here; libtorrent refuses that by default (Sybil guard).
LOCAL_DHT = (("dht_restrict_routing_ips", False), ("dht_restrict_search_ips", False),
             ("dht_prefer_verified_node_ids", False), ("dht_ignore_dark_internet", False),
             ("dht_aggressive_lookups", True))


def offline(**changes: object) -> NetworkSettings:
    base = NetworkSettings(dht=False, dht_bootstrap_nodes=(), lsd=False,
                           port_forwarding=False)
    return NetworkSettings(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def client_for(tmp: Path, net: NetworkSettings,
               overrides: tuple[tuple[str, int | bool | str], ...] = ()) -> LibtorrentClient:
    return LibtorrentClient(LibtorrentSettings(state_dir=tmp / "state", network=net,
                                               metadata_timeout=30, poll_interval=0.02,
                                               overrides=overrides))


def wait_complete(client: LibtorrentClient, info_hash: str, timeout: float = 40.0) -> None:
    def complete() -> bool:
        status = client.status(info_hash)
        assert status.state is not TorrentState.ERROR, status
        return status.is_complete

    wait_until(complete, timeout, f"{info_hash} to complete")


@pytest.fixture
def namespace() -> Iterator[Namespace]:
    with Namespace.create() as ns:
        yield ns


@dataclass
class NamespacedSeeder:
    ns: Namespace
    torrent: MadeTorrent
    content: Path
    port: int = 0
    process: object = field(default=None)


@pytest.fixture
def ns_seeder(namespace: Namespace, tmp_path: Path) -> Iterator[tuple[Namespace, MadeTorrent,
                                                                        Path, int]]:
    content = make_random_file(tmp_path / "seed" / "movie.bin", SIZE, seed=7)
    made = MadeTorrent.build(content, piece_length=64 * 1024)
    torrent_file = tmp_path / "movie.torrent"
    torrent_file.write_bytes(made.torrent_bytes)
    process = namespace.popen("-m", "tests.support.ns_seeder", namespace.peer_address,
                              str(torrent_file), str(content.parent), log=tmp_path / "seed.log")
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, (tmp_path / "seed.log").read_text()
        port = int(process.stdout.readline())
        assert process.stdout.readline().strip() == b"seeding"
        yield namespace, made, content, port
    finally:
        if process.stdin:
            process.stdin.close()
        process.wait(15)


def test_downloads_from_a_peer_over_a_non_loopback_address(
        ns_seeder: tuple[Namespace, MadeTorrent, Path, int], tmp_path: Path) -> None:
    ns, made, content, port = ns_seeder
    # interface "": every interface, the configuration's default.
    client = client_for(tmp_path, offline(listen_port=0))
    try:
        info_hash = client.add(magnet=made.magnet(), save_path=tmp_path / "dl", tag="t1")
        client.add_peer(info_hash, f"{ns.peer_address}:{port}")
        wait_complete(client, info_hash)
        assert sha256_of(tmp_path / "dl" / "movie.bin") == sha256_of(content)
    finally:
        client.close()


def test_kill_switch_named_interface(
        ns_seeder: tuple[Namespace, MadeTorrent, Path, int], tmp_path: Path) -> None:
    ns, made, content, port = ns_seeder
    # A peer that failed while the link was down is retried after min_reconnect_time (60 s).
    client = client_for(tmp_path, offline(interface=ns.host_if, listen_port=0),
                        (("min_reconnect_time", 1),))
    try:
        assert client.network_problem() is None
        ns.set_host_link(up=False)
        problem = client.network_problem()
        assert problem == (f"network interface {ns.host_if} is down; nothing downloads "
                           f"until it is up")
        info_hash = client.add(magnet=made.magnet(), save_path=tmp_path / "dl", tag="t1")
        client.add_peer(info_hash, f"{ns.peer_address}:{port}")
        # Bound to the device: with it down there is no route, not even through another one.
        time.sleep(3)
        assert client.status(info_hash).downloaded_bytes == 0
        assert client.status(info_hash).state is TorrentState.FETCHING_METADATA

        ns.set_host_link(up=True)
        wait_until(lambda: client.network_problem() is None, 5, "interface up")
        client.add_peer(info_hash, f"{ns.peer_address}:{port}")
        wait_complete(client, info_hash)
        assert sha256_of(tmp_path / "dl" / "movie.bin") == sha256_of(content)
    finally:
        client.close()


def test_missing_interface_and_address_are_reported(tmp_path: Path) -> None:
    assert offline(interface="qt-nosuch0").interface_problem() == (
        "network interface qt-nosuch0 does not exist; nothing downloads until it does")
    problem = offline(interface="10.213.255.254").interface_problem()
    assert problem is not None and problem.startswith("address 10.213.255.254 is not on this")
    assert offline(interface="127.0.0.1").interface_problem() is None


def test_trackerless_magnet_over_a_local_dht(tmp_path: Path) -> None:
    content = make_random_file(tmp_path / "seed" / "show.bin", SIZE, seed=11)
    made = MadeTorrent.build(content, piece_length=64 * 1024)
    router = client_for(tmp_path / "router", offline(interface="127.0.0.1", listen_port=0,
                                                     dht=True), LOCAL_DHT)
    node = f"127.0.0.1:{router.listen_port}"
    dht = offline(interface="127.0.0.1", listen_port=0, dht=True, dht_bootstrap_nodes=(node,))
    seeder = client_for(tmp_path / "seeder", dht, LOCAL_DHT)
    leecher = client_for(tmp_path / "leecher", dht, LOCAL_DHT)
    try:
        seeder.add(torrent_bytes=made.torrent_bytes, save_path=content.parent, tag="seed")
        wait_until(lambda: seeder.status(made.info_hash).is_complete, 20, "seeding")
        # A magnet with neither tracker nor peer: only the DHT can find the seeder.
        info_hash = leecher.add(magnet=made.magnet(), save_path=tmp_path / "dl", tag="t1")
        wait_complete(leecher, info_hash, timeout=90)
        assert sha256_of(tmp_path / "dl" / "show.bin") == sha256_of(content)
    finally:
        for c in (leecher, seeder, router):
            c.close()


class Socks5Server:
    """A minimal SOCKS5 server (RFC 1928 CONNECT, RFC 1929 username/password) on 127.0.0.1."""

    def __init__(self, username: str, password: str) -> None:
        self.credentials = (username.encode(), password.encode())
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connects: list[tuple[str, int]] = []
        self.refused = 0
        self.relayed = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            def read(n: int) -> bytes:
                data = b""
                while len(data) < n:
                    chunk = conn.recv(n - len(data))
                    if not chunk:
                        raise ConnectionError("closed")
                    data += chunk
                return data

            try:
                _, count = read(2)
                if 2 not in read(count):
                    conn.sendall(b"\x05\xff")
                    return
                conn.sendall(b"\x05\x02")
                _, ulen = read(2)
                user = read(ulen)
                (plen,) = read(1)
                if (user, read(plen)) != self.credentials:
                    self.refused += 1
                    conn.sendall(b"\x01\x01")
                    return
                conn.sendall(b"\x01\x00")
                _, command, _, kind = read(4)
                if kind == 1:
                    host = socket.inet_ntoa(read(4))
                elif kind == 3:
                    host = read(read(1)[0]).decode()
                else:
                    conn.sendall(b"\x05\x08\x00\x01" + bytes(6))
                    return
                (port,) = struct.unpack("!H", read(2))
                if command != 1 or host not in ("127.0.0.1", "localhost"):
                    conn.sendall(b"\x05\x02\x00\x01" + bytes(6))  # only local targets
                    return
                upstream = socket.create_connection((host, port), timeout=10)
            except (ConnectionError, OSError):
                return
            self.connects.append((host, port))
            bound = upstream.getsockname()
            conn.sendall(b"\x05\x00\x00\x01" + socket.inet_aton(bound[0])
                         + struct.pack("!H", bound[1]))
            self._relay(conn, upstream)

    def _relay(self, a: socket.socket, b: socket.socket) -> None:
        with b:
            peers = {a: b, b: a}
            while True:
                ready, _, _ = select.select(list(peers), [], [], 30)
                if not ready:
                    return
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
                    if sock is b:
                        self.relayed += len(data)

    def close(self) -> None:
        self.listener.close()


def test_peer_connections_go_through_the_socks5_proxy(tmp_path: Path) -> None:
    content = make_random_file(tmp_path / "seed" / "film.bin", SIZE, seed=5)
    made = MadeTorrent.build(content, piece_length=64 * 1024)
    proxy = Socks5Server("quentin", "s3cret")
    try:
        with LibtorrentSeeder() as seeder:
            seeder.seed(made.torrent_bytes, content.parent)
            client = client_for(tmp_path, offline(
                interface="127.0.0.1", listen_port=0,
                proxy=ProxySettings("socks5", "127.0.0.1", proxy.port, "quentin", "s3cret")))
            try:
                info_hash = client.add(magnet=made.magnet(), save_path=tmp_path / "dl", tag="p")
                client.add_peer(info_hash, seeder.peer_address)
                wait_complete(client, info_hash)
            finally:
                client.close()
        assert sha256_of(tmp_path / "dl" / "film.bin") == sha256_of(content)
        assert ("127.0.0.1", seeder.port) in proxy.connects
        assert proxy.relayed >= SIZE  # the payload came through the proxy
        assert proxy.refused == 0
    finally:
        proxy.close()


def test_qbittorrent_takes_the_settings_it_has(tmp_path: Path) -> None:
    from tests.support.swarm import QbittorrentProcess
    from workers.torrent.qbittorrent import QbittorrentClient

    with QbittorrentProcess.start(tmp_path / "profile") as qbt:
        client = QbittorrentClient(qbt.host, qbt.webui_port, qbt.username, qbt.password)
        # Offline values only: this instance must not reach out either.
        net = offline(interface="127.0.0.1", listen_port=qbt.bt_port, pex=False,
                      encryption="require", download_limit=300 * 1024, upload_limit=7 * 1024,
                      max_connections=77, max_connections_per_torrent=11, anonymous_mode=True,
                      dht_bootstrap_nodes=("127.0.0.1:9",),
                      proxy=ProxySettings("socks5", "127.0.0.1", 9, "u", "p"))
        assert client.apply_network(net) == ("dht_bootstrap_nodes",)
        prefs = qbt.api().app_preferences()
        assert {k: prefs[k] for k in ("current_interface_address", "dht", "pex", "lsd", "upnp",
                                      "encryption", "proxy_type", "proxy_ip", "proxy_port",
                                      "proxy_auth_enabled", "max_connec",
                                      "max_connec_per_torrent", "anonymous_mode")} == {
            "current_interface_address": "127.0.0.1", "dht": False, "pex": False,
            "lsd": False, "upnp": False, "encryption": 1, "proxy_type": 4,
            "proxy_ip": "127.0.0.1", "proxy_port": 9, "proxy_auth_enabled": True,
            "max_connec": 77, "max_connec_per_torrent": 11, "anonymous_mode": True}
        assert qbt.api().transfer_download_limit() == 300 * 1024  # bytes/s, as sent
        client.close()
