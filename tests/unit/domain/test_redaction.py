"""Credentials inside indexer and tracker URLs never leave through the API."""

from __future__ import annotations

from chalicelib.domain.redaction import redact_secrets, redact_url

JACKETT = ("http://127.0.0.1:9117/dl/tpb/?jackett_apikey=abc123secret&path=Q2FU&file="
           "OK+Computer")


def test_indexer_keys_are_masked_and_the_rest_kept() -> None:
    shown = redact_url(JACKETT)
    assert "abc123secret" not in shown
    assert "jackett_apikey=%2A%2A%2A" in shown and "path=Q2FU" in shown
    assert redact_url("https://prowlarr.local/1/download?apikey=K&link=x").endswith(
        "apikey=%2A%2A%2A&link=x")
    plain = "https://example.org/details?id=5"
    assert redact_url(plain) == plain


def test_tracker_passkeys_inside_magnets_are_masked() -> None:
    magnet = ("magnet:?xt=urn:btih:" + "a" * 40 + "&dn=x&tr=https%3A%2F%2Ftracker.example%2F"
              "announce%3Fpasskey%3Dsecretpass")
    shown = redact_url(magnet)
    assert "secretpass" not in shown and shown.startswith("magnet:?xt=urn:btih:" + "a" * 40)


def test_nested_values_are_walked() -> None:
    data = {"candidates": [{"candidate": {"download_url": JACKETT, "title": "t"}}], "n": 3}
    shown = redact_secrets(data)
    assert "abc123secret" not in str(shown)
    assert shown["n"] == 3 and shown["candidates"][0]["candidate"]["title"] == "t"
    assert "abc123secret" in str(data)  # the original is untouched
