"""Catalog answers in the JSON shapes MusicBrainz (ws/2) and TMDB (v3) document.

Trimmed to the fields the adapters read plus a few neighbours, with realistic values.
"""

from __future__ import annotations

from typing import Any

OK_COMPUTER_GROUP = "b1392450-e666-3926-a536-22c65f834433"
OK_COMPUTER_CD = "0b6b4ba0-d36f-47bd-b4ea-6a5b91842d29"
OK_COMPUTER_LP = "a8b7c3c1-54a5-4b53-9a72-8bd4a2b6d0e1"
RADIOHEAD = {"id": "a74b1b7f-71a5-4011-9441-d0b5e4122711", "name": "Radiohead",
             "sort-name": "Radiohead"}
CREDIT = [{"name": "Radiohead", "joinphrase": "", "artist": RADIOHEAD}]
GROUP = {"id": OK_COMPUTER_GROUP, "type-id": "f529b476-6e62-324f-b0aa-1f3e33d313fc",
         "primary-type": "Album", "title": "OK Computer", "secondary-types": []}

VINYL = "12\" Vinyl"
TRACK_TITLES = [("Airbag", 284000), ("Paranoid Android", 383000),
                ("Subterranean Homesick Alien", 267000), ("Exit Music (For a Film)", 264000),
                ("Let Down", 299000), ("Karma Police", 264000), ("Fitter Happier", 117000),
                ("Electioneering", 230000), ("Climbing Up the Walls", 285000),
                ("No Surprises", 229000), ("Lucky", 259000), ("The Tourist", 324000)]


def mb_search() -> dict[str, Any]:
    """GET /ws/2/release?query=...&fmt=json"""
    return {
        "created": "2026-11-29T15:00:00.000Z", "count": 2, "offset": 0,
        "releases": [
            {"id": OK_COMPUTER_CD, "score": 100,
             "status-id": "4e304316-386d-3409-af2e-78857eec5cfe", "count": 1,
             "title": "OK Computer", "status": "Official",
             "text-representation": {"language": "eng", "script": "Latn"},
             "artist-credit": CREDIT, "release-group": GROUP, "date": "1997-05-21",
             "country": "GB", "release-events": [{"date": "1997-05-21", "area": {
                 "id": "8a754a16-0027-3a29-b6d7-2b40ea0481ed", "name": "United Kingdom",
                 "iso-3166-1-codes": ["GB"]}}],
             "barcode": "724385522925", "label-info": [{"catalog-number": "NODATA 02",
                                                         "label": {"name": "Parlophone"}}],
             "track-count": 12, "media": [{"format": "CD", "disc-count": 1, "track-count": 12}]},
            {"id": OK_COMPUTER_LP, "score": 95, "count": 1, "title": "OK Computer",
             "status": "Official", "artist-credit": CREDIT, "release-group": GROUP,
             "date": "1997-06-16", "country": "GB", "disambiguation": "vinyl",
             "track-count": 12, "media": [{"format": VINYL, "disc-count": 2,
                                           "track-count": 6},
                                          {"format": VINYL, "disc-count": 2,
                                           "track-count": 6}]},
        ],
    }


def mb_release() -> dict[str, Any]:
    """GET /ws/2/release/<mbid>?inc=recordings+artist-credits+release-groups&fmt=json"""
    tracks = [{"id": f"00000000-0000-4000-8000-{n:012d}", "position": n, "number": str(n),
               "title": title, "length": length,
               "recording": {"id": f"10000000-0000-4000-8000-{n:012d}", "title": title,
                             "length": length, "video": False, "disambiguation": ""}}
              for n, (title, length) in enumerate(TRACK_TITLES, start=1)]
    return {"id": OK_COMPUTER_CD, "title": "OK Computer", "status": "Official",
            "artist-credit": CREDIT, "release-group": GROUP, "date": "1997-05-21",
            "country": "GB", "barcode": "724385522925", "disambiguation": "",
            "media": [{"position": 1, "title": "", "format": "CD",
                       "format-id": "9712d52a-4509-3d4b-a1a2-67c88c643e31",
                       "track-count": 12, "track-offset": 0, "tracks": tracks}]}


def mb_two_disc_release() -> dict[str, Any]:
    body = mb_release()
    tracks = body["media"][0]["tracks"]
    body["id"] = OK_COMPUTER_LP
    body["media"] = [
        {"position": 1, "format": VINYL, "track-count": 6, "tracks": tracks[:6]},
        {"position": 2, "format": VINYL, "track-count": 6,
         "tracks": [{**t, "position": i, "number": f"B{i}", "length": None,
                     "recording": {**t["recording"], "length": None}}
                    for i, t in enumerate(tracks[6:], start=1)]},
    ]
    return body


def mb_browse_group() -> dict[str, Any]:
    """GET /ws/2/release?release-group=<mbid>&fmt=json (browse)"""
    releases = mb_search()["releases"]
    return {"release-count": len(releases), "release-offset": 0, "releases": releases}


MB_NOT_FOUND = {"error": "Not Found", "help": "For usage, please see: "
                "https://musicbrainz.org/development/mmd"}
MB_RATE_LIMITED = {"error": "Your requests are exceeding the allowable rate limit. Please see "
                   "https://wiki.musicbrainz.org/XMLWebService for more information."}

MATRIX = {"adult": False, "backdrop_path": "/fNG7i7RqMErkcqhohV2a6cV1Ehy.jpg",
          "genre_ids": [28, 878], "id": 603, "original_language": "en",
          "original_title": "The Matrix", "overview": "Set in the 22nd century, ...",
          "popularity": 95.3, "poster_path": "/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg",
          "release_date": "1999-03-30", "title": "The Matrix", "video": False,
          "vote_average": 8.2, "vote_count": 25000}


def tmdb_movie_search() -> dict[str, Any]:
    """GET /3/search/movie?query=The Matrix&year=1999"""
    reloaded = {**MATRIX, "id": 604, "title": "The Matrix Reloaded",
                "original_title": "The Matrix Reloaded", "release_date": "2003-05-15"}
    return {"page": 1, "results": [MATRIX, reloaded], "total_pages": 1, "total_results": 2}


def tmdb_movie() -> dict[str, Any]:
    """GET /3/movie/603"""
    return {**{k: v for k, v in MATRIX.items() if k != "genre_ids"},
            "budget": 63000000, "genres": [{"id": 28, "name": "Action"}],
            "imdb_id": "tt0133093", "runtime": 136, "status": "Released",
            "tagline": "Welcome to the Real World."}


def tmdb_tv_search() -> dict[str, Any]:
    return {"page": 1, "total_pages": 1, "total_results": 1, "results": [
        {"id": 1396, "name": "Breaking Bad", "original_name": "Breaking Bad",
         "first_air_date": "2008-01-20", "origin_country": ["US"], "overview": "...",
         "poster_path": "/ggFHVNu6YYI5L9pCfOacjizRGt.jpg"}]}


def tmdb_tv() -> dict[str, Any]:
    return {"id": 1396, "name": "Breaking Bad", "first_air_date": "2008-01-20",
            "number_of_seasons": 5, "number_of_episodes": 62, "overview": "...",
            "seasons": [{"id": 3572, "season_number": 1, "episode_count": 7}]}


def tmdb_season() -> dict[str, Any]:
    """GET /3/tv/1396/season/1"""
    names = ["Pilot", "Cat's in the Bag...", "...And the Bag's in the River", "Cancer Man",
             "Gray Matter", "Crazy Handful of Nothin'", "A No-Rough-Stuff-Type Deal"]
    return {"_id": "5256c8c219c2956ff604858a", "air_date": "2008-01-20", "id": 3572,
            "name": "Season 1", "overview": "", "season_number": 1,
            "episodes": [{"air_date": f"2008-{1 + n // 4:02d}-{10 + n:02d}",
                          "episode_number": n, "id": 62084 + n, "name": name,
                          "runtime": 58 if n == 1 else 48, "season_number": 1,
                          "show_id": 1396, "overview": "", "vote_average": 8.0}
                         for n, name in enumerate(names, start=1)]}


TMDB_NOT_FOUND = {"success": False, "status_code": 34,
                  "status_message": "The resource you requested could not be found."}
TMDB_BAD_KEY = {"status_code": 7, "status_message": "Invalid API key: You must be granted a "
                "valid key.", "success": False}
TMDB_RATE_LIMITED = {"status_code": 25, "status_message": "Your request count (#) is over the "
                     "allowed limit of (40).", "success": False}
