"""Serving the built dashboard: content types, SPA fallback, and no escape from the root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chalicelib.api.static_site import read_static, static_path
from chalicelib.domain.errors import NotFound


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>QT</title>")
    (root / "assets" / "app-1a2b.js").write_text("console.log('hi')")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    (tmp_path / "secret.txt").write_text("do not serve")
    os.symlink(tmp_path / "secret.txt", root / "escape.txt")
    return root


def test_index_and_assets_with_their_content_types(site: Path) -> None:
    index = read_static(site, "")
    assert index.content_type == "text/html; charset=utf-8"
    assert index.cache_control == "no-cache"
    js = read_static(site, "assets/app-1a2b.js")
    assert js.body == "console.log('hi')"
    assert js.content_type == "text/javascript; charset=utf-8"
    assert "immutable" in js.cache_control


def test_binary_files_stay_bytes(site: Path) -> None:
    png = read_static(site, "logo.png")
    assert png.body == b"\x89PNG\r\n\x1a\n\x00\xff"
    assert png.content_type == "image/png"


def test_extensionless_paths_fall_back_to_the_app(site: Path) -> None:
    assert "<title>QT</title>" in str(read_static(site, "tickets/abc").body)
    with pytest.raises(NotFound):
        read_static(site, "assets/missing.js")


@pytest.mark.parametrize("path", ["../secret.txt", "assets/../../secret.txt", "/etc/passwd",
                                  "..", "assets\\..\\..\\secret.txt", ".env", "escape.txt",
                                  "a\x00b", "api/v1/nothing"])
def test_nothing_outside_the_root_is_served(site: Path, path: str) -> None:
    with pytest.raises(NotFound):
        read_static(site, path)


def test_paths_resolve_inside_the_root(site: Path) -> None:
    assert static_path(site, "assets/app-1a2b.js") == (site / "assets" / "app-1a2b.js").resolve()


def test_an_unbuilt_dashboard_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="make dashboard"):
        read_static(tmp_path / "nothing", "")
