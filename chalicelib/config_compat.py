"""The design's example configuration shapes, mapped onto this service's sections.

The design shows `[searcher.jackett]` / `[searcher.prowlarr]` (one table per indexer proxy),
`[torrent_client.librqbit]` / `[torrent_client.qbittorrent]` and a `[database]` section.
Here the searcher and the torrent client are one flat section each with a `backend`/`kind`
key, the embedded libtorrent plays librqbit's part (an in-process client, no HTTP API), and
the database is DynamoDB. `normalise` rewrites the raw TOML before validation and returns a
warning for everything it changed or dropped, so nothing is silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SEARCHER_BACKENDS = ("jackett", "prowlarr")
CLIENT_TABLES = {"librqbit": "libtorrent", "qbittorrent": "qbittorrent"}
# librqbit's own settings that have no meaning for the embedded libtorrent.
LIBRQBIT_ONLY = frozenset({"url", "username", "password", "api_url"})


class CompatError(ValueError):
    """The shapes contradict each other (e.g. two indexer proxies)."""


def normalise(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(the raw config with the design's shapes mapped, warnings)."""
    out = dict(raw)
    warnings: list[str] = []
    if "database" in out:
        out.pop("database")
        warnings.append("[database] is ignored: tickets and audit events are kept in "
                        "DynamoDB (see [aws])")
    if isinstance(out.get("searcher"), dict):
        out["searcher"] = _searcher(dict(out["searcher"]), warnings)
    if isinstance(out.get("torrent_client"), dict):
        out["torrent_client"] = _client(dict(out["torrent_client"]), warnings)
    return out, warnings


def _searcher(section: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    tables = [b for b in SEARCHER_BACKENDS if isinstance(section.get(b), dict)]
    if not tables:
        return section
    if len(tables) > 1:
        raise CompatError("'searcher': configure one of [searcher.jackett] and "
                          "[searcher.prowlarr], not both")
    backend = tables[0]
    inner = section.pop(backend)
    if section.get("backend", backend) != backend:
        raise CompatError(f"'searcher.backend' is {section['backend']!r} but "
                          f"[searcher.{backend}] is configured")
    for key, value in inner.items():
        if key in section and section[key] != value:
            raise CompatError(f"'searcher.{key}' is set both in [searcher] and in "
                              f"[searcher.{backend}]")
        section[key] = value
    section["backend"] = backend
    warnings.append(f"[searcher.{backend}] read as [searcher] with backend = \"{backend}\"")
    return section


def _client(section: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    if section.get("backend") is not None and "kind" not in section:
        backend = str(section.pop("backend"))
        section["kind"] = CLIENT_TABLES.get(backend, backend)
        warnings.append(f"'torrent_client.backend' read as kind = \"{section['kind']}\"")
    tables = [t for t in CLIENT_TABLES if isinstance(section.get(t), dict)]
    if len(tables) > 1:
        raise CompatError("'torrent_client': configure one client table, not "
                          + " and ".join(f"[torrent_client.{t}]" for t in tables))
    if not tables:
        return section
    name = tables[0]
    kind = CLIENT_TABLES[name]
    inner = section.pop(name)
    if section.get("kind", kind) != kind:
        raise CompatError(f"'torrent_client.kind' is {section['kind']!r} but "
                          f"[torrent_client.{name}] is configured")
    dropped = sorted(k for k in inner if name == "librqbit" and k in LIBRQBIT_ONLY)
    for key, value in inner.items():
        if key not in dropped:
            section[key] = value
    section["kind"] = kind
    note = f"[torrent_client.{name}] read as [torrent_client] with kind = \"{kind}\""
    if name == "librqbit":
        note += " (the embedded libtorrent takes librqbit's place"
        note += f"; ignored: {', '.join(dropped)})" if dropped else ")"
    warnings.append(note)
    return section
