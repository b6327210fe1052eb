"""Catalog answers in the JSON shapes MusicBrainz (ws/2) and TMDB (v3) document.

Trimmed to the fields the adapters read plus a few neighbours, with realistic values. The
answers are the recordings `make run`'s catalog replay serves (local/replay/), so the adapter
tests and the local stack replay the same responses; each call returns a fresh copy.
"""

from __future__ import annotations

import json
from typing import Any

from local.catalog_replay import RECORDED


def recorded(relative: str) -> dict[str, Any]:
    """One recorded answer from local/replay/."""
    body: dict[str, Any] = json.loads((RECORDED / relative).read_text(encoding="utf-8"))
    return body


OK_COMPUTER_GROUP = "b1392450-e666-3926-a536-22c65f834433"
OK_COMPUTER_CD = "0b6b4ba0-d36f-47bd-b4ea-6a5b91842d29"
OK_COMPUTER_LP = "a8b7c3c1-54a5-4b53-9a72-8bd4a2b6d0e1"
VINYL = "12\" Vinyl"
TRACK_TITLES = [("Airbag", 284000), ("Paranoid Android", 383000),
                ("Subterranean Homesick Alien", 267000), ("Exit Music (For a Film)", 264000),
                ("Let Down", 299000), ("Karma Police", 264000), ("Fitter Happier", 117000),
                ("Electioneering", 230000), ("Climbing Up the Walls", 285000),
                ("No Surprises", 229000), ("Lucky", 259000), ("The Tourist", 324000)]


def mb_search() -> dict[str, Any]:
    """GET /ws/2/release?query=...&fmt=json"""
    return recorded("musicbrainz/search-radiohead-ok-computer.json")


def mb_release() -> dict[str, Any]:
    """GET /ws/2/release/<mbid>?inc=recordings+artist-credits+release-groups&fmt=json"""
    return recorded("musicbrainz/release-0b6b4ba0-d36f-47bd-b4ea-6a5b91842d29.json")


def mb_two_disc_release() -> dict[str, Any]:
    """The vinyl edition: two discs, side B's lengths unknown."""
    return recorded("musicbrainz/release-a8b7c3c1-54a5-4b53-9a72-8bd4a2b6d0e1.json")


def mb_browse_group() -> dict[str, Any]:
    """GET /ws/2/release?release-group=<mbid>&fmt=json (browse)"""
    releases = mb_search()["releases"]
    return {"release-count": len(releases), "release-offset": 0, "releases": releases}


MB_NOT_FOUND = {"error": "Not Found", "help": "For usage, please see: "
                "https://musicbrainz.org/development/mmd"}
MB_RATE_LIMITED = {"error": "Your requests are exceeding the allowable rate limit. Please see "
                   "https://wiki.musicbrainz.org/XMLWebService for more information."}

def tmdb_movie_search() -> dict[str, Any]:
    """GET /3/search/movie?query=The Matrix&year=1999"""
    return recorded("tmdb/search-movie-the-matrix.json")


def tmdb_movie() -> dict[str, Any]:
    """GET /3/movie/603"""
    return recorded("tmdb/movie-603.json")


def tmdb_tv_search() -> dict[str, Any]:
    return recorded("tmdb/search-tv-breaking-bad.json")


def tmdb_tv() -> dict[str, Any]:
    return recorded("tmdb/tv-1396.json")


def tmdb_season() -> dict[str, Any]:
    """GET /3/tv/1396/season/1"""
    return recorded("tmdb/tv-1396-season-1.json")


TMDB_NOT_FOUND = {"success": False, "status_code": 34,
                  "status_message": "The resource you requested could not be found."}
TMDB_BAD_KEY = {"status_code": 7, "status_message": "Invalid API key: You must be granted a "
                "valid key.", "success": False}
TMDB_RATE_LIMITED = {"status_code": 25, "status_message": "Your request count (#) is over the "
                     "allowed limit of (40).", "success": False}
