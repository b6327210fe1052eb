"""[torrent_client]'s network keys: real-world defaults, and how each client receives them."""

from __future__ import annotations

import pytest

from chalicelib.config import ConfigError, parse_config
from workers.agent.wiring import network_settings
from workers.torrent.network import (
    PUBLIC_DHT_BOOTSTRAP,
    NetworkSettings,
    ProxySettings,
    libtorrent_settings,
    qbittorrent_preferences,
)


def config(**torrent_client: object) -> NetworkSettings:
    raw = {"auth": {"method": "none"}, "torrent_client": torrent_client}
    return network_settings(parse_config(raw, {}).torrent_client)


def test_the_default_configuration_reaches_the_real_world() -> None:
    net = config()
    assert net == NetworkSettings()  # one set of defaults, documented in config.example.toml
    pack = libtorrent_settings(net)
    assert pack["listen_interfaces"] == "0.0.0.0:6881,[::]:6881"
    assert pack["outgoing_interfaces"] == ""  # every interface, not 127.0.0.1
    assert (pack["enable_dht"], pack["enable_lsd"], pack["enable_upnp"],
            pack["enable_natpmp"]) == (True, True, True, True)
    assert pack["dht_bootstrap_nodes"] == ",".join(PUBLIC_DHT_BOOTSTRAP)


def test_loopback_settings_reach_nothing_else() -> None:
    pack = libtorrent_settings(NetworkSettings.loopback())
    assert (pack["listen_interfaces"], pack["outgoing_interfaces"]) == ("127.0.0.1:0",
                                                                       "127.0.0.1")
    assert not any(pack[k] for k in ("enable_dht", "enable_lsd", "enable_upnp",
                                     "enable_natpmp", "dht_bootstrap_nodes"))


def test_named_interface_proxy_and_limits_map_onto_libtorrent() -> None:
    import libtorrent as lt

    net = config(interface="wg0", listen_port=51413, encryption="require",
                 proxy_type="socks5", proxy_host="10.0.0.1", proxy_port=1080,
                 proxy_username="me", proxy_password="pw", download_limit_kib=100,
                 torrent_upload_limit_kib=5, anonymous_mode=True)
    pack = libtorrent_settings(net)
    assert (pack["listen_interfaces"], pack["outgoing_interfaces"]) == ("wg0:51413", "wg0")
    assert pack["out_enc_policy"] == pack["in_enc_policy"] == int(lt.enc_policy.forced)
    assert pack["proxy_type"] == int(lt.proxy_type_t.socks5_pw)
    assert (pack["proxy_hostname"], pack["proxy_port"], pack["proxy_username"],
            pack["proxy_password"]) == ("10.0.0.1", 1080, "me", "pw")
    assert pack["download_rate_limit"] == 100 * 1024 and pack["anonymous_mode"] is True
    assert net.torrent_upload_limit == 5 * 1024
    assert "pw" not in repr(net)
    assert libtorrent_settings(config(interface="fd00::2", listen_port=7))[
        "listen_interfaces"] == "[fd00::2]:7"


def test_a_proxy_needs_host_and_port() -> None:
    with pytest.raises(ConfigError, match="proxy_type needs proxy_host and proxy_port"):
        config(proxy_type="http", proxy_host="")
    with pytest.raises(ValueError, match="needs a host and a port"):
        ProxySettings("socks5", "", 0)


def test_qbittorrent_preferences_and_what_it_cannot_take() -> None:
    prefs, missing = qbittorrent_preferences(config(interface="wg0", dht=False))
    assert (prefs["current_network_interface"], prefs["current_interface_address"]) == ("wg0",
                                                                                         "")
    assert prefs["dht"] is False and prefs["upnp"] is True and prefs["proxy_type"] == 0
    assert missing == ()
    prefs, missing = qbittorrent_preferences(config(interface="10.8.0.2",
                                                    dht_bootstrap_nodes=["127.0.0.1:1"]))
    assert (prefs["current_network_interface"], prefs["current_interface_address"]) == (
        "", "10.8.0.2")
    assert missing == ("dht_bootstrap_nodes",)
