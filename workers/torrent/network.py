"""How a torrent client meets the network: interfaces, discovery, encryption, proxy, limits.

One neutral description, mapped onto the embedded libtorrent session
(`libtorrent_session.py`) and onto qBittorrent's Web API preferences (`qbittorrent_preferences`
below). `NetworkSettings()` carries the real-world defaults the configuration documents;
`NetworkSettings.loopback()` is the closed session tests and tools use (127.0.0.1, no DHT,
LSD or port forwarding), so nothing they start ever talks to another machine.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Encryption = Literal["prefer", "require", "disable"]
ProxyKind = Literal["none", "socks5", "http"]

# The well-known public DHT routers (libtorrent's and the big clients' defaults).
PUBLIC_DHT_BOOTSTRAP: tuple[str, ...] = (
    "router.bittorrent.com:6881",
    "dht.transmissionbt.com:6881",
    "router.utorrent.com:6881",
    "dht.libtorrent.org:25401",
)
_SYS_NET = Path("/sys/class/net")
_IFF_UP = 0x1


@dataclass(frozen=True)
class ProxySettings:
    kind: ProxyKind = "none"
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = field(default="", repr=False)
    # Peers through the proxy too (not only trackers): without it peer traffic goes direct.
    peer_connections: bool = True

    def __post_init__(self) -> None:
        if self.kind != "none" and (not self.host or not 0 < self.port < 65536):
            raise ValueError(f"a {self.kind} proxy needs a host and a port")


@dataclass(frozen=True)
class NetworkSettings:
    """What the client binds to, discovers peers with, and how fast it may go.

    `interface`: "" binds to every interface; an address ("10.8.0.2") or a network interface
    name ("wg0") binds to that one only, and a name is a kill switch: while it is down or
    missing, `interface_problem` says so and nothing downloads.
    Rates are bytes per second, 0 = unlimited.
    """

    interface: str = ""
    listen_port: int = 6881  # 0: any free port
    dht: bool = True
    dht_bootstrap_nodes: tuple[str, ...] = PUBLIC_DHT_BOOTSTRAP
    lsd: bool = True
    pex: bool = True
    port_forwarding: bool = True  # UPnP and NAT-PMP
    encryption: Encryption = "prefer"
    proxy: ProxySettings = ProxySettings()
    download_limit: int = 0
    upload_limit: int = 0
    torrent_download_limit: int = 0
    torrent_upload_limit: int = 0
    max_connections: int = 500
    max_connections_per_torrent: int = 100
    anonymous_mode: bool = False

    @classmethod
    def loopback(cls) -> NetworkSettings:
        """127.0.0.1 only, any port, no discovery that could reach another machine."""
        return cls(interface="127.0.0.1", listen_port=0, dht=False, dht_bootstrap_nodes=(),
                   lsd=False, port_forwarding=False)

    @property
    def interface_is_address(self) -> bool:
        return is_address(self.interface)

    def interface_problem(self) -> str | None:
        """Why nothing may download now (the bound interface is unusable), or None."""
        return interface_problem(self.interface)


def is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def interface_problem(interface: str) -> str | None:
    """None when `interface` can carry traffic; else a sentence a person can act on."""
    if not interface:
        return None
    if is_address(interface):
        address = interface.strip("[]")
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((address, 0))
            except OSError as error:
                return (f"address {address} is not on this machine ({error.strerror}); "
                        f"nothing downloads until it is back")
        return None
    flags = _SYS_NET / interface / "flags"
    try:
        up = int(flags.read_text().strip(), 16) & _IFF_UP
    except FileNotFoundError:
        return f"network interface {interface} does not exist; nothing downloads until it does"
    except (OSError, ValueError) as error:
        return f"network interface {interface} cannot be read ({error})"
    if not up:
        return f"network interface {interface} is down; nothing downloads until it is up"
    return None


def libtorrent_settings(net: NetworkSettings) -> dict[str, Any]:
    """The session settings (libtorrent's names) that `net` decides."""
    import libtorrent as lt

    if net.interface and not net.interface_is_address:
        listen_host = net.interface  # a device name: libtorrent binds to the device
    elif ":" in net.interface:
        listen_host = f"[{net.interface.strip('[]')}]"
    else:
        listen_host = net.interface
    listen = (f"{listen_host}:{net.listen_port}" if listen_host
              else f"0.0.0.0:{net.listen_port},[::]:{net.listen_port}")
    policy = {"prefer": lt.enc_policy.enabled, "require": lt.enc_policy.forced,
              "disable": lt.enc_policy.disabled}[net.encryption]
    proxy = net.proxy
    with_password = bool(proxy.username)
    proxy_type = {
        "none": lt.proxy_type_t.none,
        "socks5": lt.proxy_type_t.socks5_pw if with_password else lt.proxy_type_t.socks5,
        "http": lt.proxy_type_t.http_pw if with_password else lt.proxy_type_t.http,
    }[proxy.kind]
    return {
        "listen_interfaces": listen,
        "outgoing_interfaces": net.interface.strip("[]"),
        "enable_dht": net.dht,
        "dht_bootstrap_nodes": ",".join(net.dht_bootstrap_nodes),
        "enable_lsd": net.lsd,
        "enable_upnp": net.port_forwarding,
        "enable_natpmp": net.port_forwarding,
        "out_enc_policy": int(policy),
        "in_enc_policy": int(policy),
        "proxy_type": int(proxy_type),
        "proxy_hostname": proxy.host,
        "proxy_port": proxy.port,
        "proxy_username": proxy.username,
        "proxy_password": proxy.password,
        "proxy_peer_connections": proxy.peer_connections,
        "proxy_tracker_connections": True,
        "proxy_hostnames": True,  # trackers' names are resolved by the proxy, not locally
        "download_rate_limit": net.download_limit,
        "upload_rate_limit": net.upload_limit,
        "connections_limit": net.max_connections,
        "anonymous_mode": net.anonymous_mode,
    }


# qBittorrent (Web API 2.8, 4.5.2) preference names and units (bytes/s), verified by
# setting them and reading them back (tests/e2e/workers/torrent/test_qbittorrent_client_e2e.py).
_QBT_ENCRYPTION = {"prefer": 0, "require": 1, "disable": 2}
_QBT_PROXY = {"none": 0, "http": 1, "socks5": 2}  # 4.5: 3/4 are the "with auth" variants


def qbittorrent_preferences(net: NetworkSettings) -> tuple[dict[str, Any], tuple[str, ...]]:
    """qBittorrent's preferences for `net`, and the settings it has no preference for.

    The per-torrent rate limits go with each added torrent instead (see QbittorrentClient).
    """
    proxy = net.proxy
    prefs: dict[str, Any] = {
        "current_network_interface": "" if net.interface_is_address else net.interface,
        "current_interface_address": net.interface.strip("[]") if net.interface_is_address
        else "",
        "listen_port": net.listen_port,
        "random_port": net.listen_port == 0,
        "dht": net.dht,
        "lsd": net.lsd,
        "pex": net.pex,
        "upnp": net.port_forwarding,
        "encryption": _QBT_ENCRYPTION[net.encryption],
        "proxy_type": _QBT_PROXY[proxy.kind] + (2 if proxy.kind != "none" and proxy.username
                                                else 0),
        "proxy_ip": proxy.host,
        "proxy_port": proxy.port or 8080,
        "proxy_peer_connections": proxy.peer_connections,
        "proxy_auth_enabled": bool(proxy.username),
        "proxy_username": proxy.username,
        "proxy_password": proxy.password,
        "dl_limit": net.download_limit,
        "up_limit": net.upload_limit,
        "max_connec": net.max_connections,
        "max_connec_per_torrent": net.max_connections_per_torrent,
        "anonymous_mode": net.anonymous_mode,
    }
    not_applicable = ("dht_bootstrap_nodes",) if net.dht_bootstrap_nodes != PUBLIC_DHT_BOOTSTRAP \
        else ()
    return prefs, not_applicable
