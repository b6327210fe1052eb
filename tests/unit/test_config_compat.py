"""The design's example configuration shapes load, mapped to their equivalents, with a
warning for each mapping; contradictions are refused naming the keys."""

from __future__ import annotations

import logging

import pytest

from chalicelib.config import ConfigError, parse_config

AUTH = {"method": "none"}


def test_design_sections_map_to_their_equivalents(caplog: pytest.LogCaptureFixture) -> None:
    raw = {
        "auth": AUTH,
        "database": {"path": "data/quentin.db"},
        "searcher": {"jackett": {"url": "http://127.0.0.1:9117", "api_key": "j",
                                 "timeout_secs": 5.0}},
        "torrent_client": {"backend": "librqbit",
                           "librqbit": {"url": "http://127.0.0.1:3030",
                                        "download_dir": "/srv/dl", "seed_ratio": 2.0}},
    }
    with caplog.at_level(logging.WARNING, logger="quentin.config"):
        config = parse_config(raw, {})
    assert (config.searcher.backend, config.searcher.url, config.searcher.api_key,
            config.searcher.timeout_secs) == ("jackett", "http://127.0.0.1:9117", "j", 5.0)
    assert config.torrent_client.kind == "libtorrent"
    assert config.torrent_client.download_dir == "/srv/dl"
    assert config.torrent_client.seed_ratio == 2.0
    text = " | ".join(r.getMessage() for r in caplog.records)
    assert "[database] is ignored" in text and "DynamoDB" in text
    assert "[searcher.jackett] read as [searcher]" in text
    assert "ignored: url" in text


def test_prowlarr_and_qbittorrent_tables_map_too() -> None:
    config = parse_config({"auth": AUTH,
                           "searcher": {"prowlarr": {"url": "http://127.0.0.1:9696"}},
                           "torrent_client": {"qbittorrent": {"url": "http://127.0.0.1:8081",
                                                              "username": "u"}}}, {})
    assert (config.searcher.backend, config.searcher.url) == ("prowlarr", "http://127.0.0.1:9696")
    assert (config.torrent_client.kind, config.torrent_client.url,
            config.torrent_client.username) == ("qbittorrent", "http://127.0.0.1:8081", "u")


@pytest.mark.parametrize(("raw", "message"), [
    ({"searcher": {"jackett": {}, "prowlarr": {}}}, "not both"),
    ({"searcher": {"backend": "prowlarr", "jackett": {}}}, "'searcher.backend'"),
    ({"searcher": {"url": "http://a:1", "jackett": {"url": "http://b:2"}}}, "'searcher.url'"),
    ({"torrent_client": {"kind": "qbittorrent", "librqbit": {}}}, "'torrent_client.kind'"),
    ({"searcher": {"jackett": {"colour": "red"}}}, "unknown key 'searcher.colour'"),
])
def test_contradictions_are_refused_naming_the_key(raw: dict[str, object], message: str
                                                   ) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config({"auth": AUTH, **raw}, {})
