from __future__ import annotations

from chalicelib.config import parse_config
from tests.support.fakes import FakeClock
from workers.agent.subtitle_source import build_subtitle_source


def test_a_key_chooses_opensubtitles_and_none_the_embedded_streams() -> None:
    keyed = parse_config({"auth": {"method": "none"},
                          "external_catalogs": {"opensubtitles_api_key": "k"}}, {})
    bare = parse_config({"auth": {"method": "none"}}, {})
    assert build_subtitle_source(keyed, FakeClock()).name == "opensubtitles"
    assert build_subtitle_source(bare, FakeClock()).name == "embedded"
