"""In-memory implementations of the ports (chalicelib/ports.py) for unit tests of use cases.

They keep the contracts the real adapters keep (a stale save is refused with Conflict, pages
carry a cursor, `now()` is timezone-aware) so that a use case tested here behaves the same
on DynamoDB and Step Functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from chalicelib.auth.identity import ClientCert, Identity, bearer_token
from chalicelib.domain.audit import AuditEvent, AuditEventType
from chalicelib.domain.blocklist import BlockEntry, release_title_key
from chalicelib.domain.candidate import SearchQuery, TorrentCandidate, TorrentFile
from chalicelib.domain.connections import Connection, Subscription
from chalicelib.domain.dedup import content_key
from chalicelib.domain.errors import Conflict, ExternalServiceError, NotFound, Unauthorized
from chalicelib.domain.indexers import IndexerUnavailable
from chalicelib.domain.magnet import known_info_hash
from chalicelib.domain.search import IndexerSearchReport, SearchOutcome
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.ports import Clock, ConnectionGone, Page

EPOCH_START = 1_700_000_000.0


class FakeClock:
    """Time that moves only when told: `advance`, `sleep` (recorded), or `tick` per read."""

    def __init__(self, start: datetime | float = EPOCH_START, *, tick_secs: float = 0.0) -> None:
        self.at = start if isinstance(start, datetime) else datetime.fromtimestamp(start, UTC)
        self.tick_secs = tick_secs
        self.slept: list[float] = []

    def now(self) -> datetime:
        current = self.at
        if self.tick_secs:
            self.at += timedelta(seconds=self.tick_secs)
        return current

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)

    @property
    def epoch(self) -> float:
        """The current time in seconds since the epoch (what limiters and caches store)."""
        return self.at.timestamp()


class InMemoryTicketStore:
    """TicketStore with DynamoDB's conditional save: a stale `expected` is a Conflict.

    `lose_next_saves(n)` makes the next n saves lose a race to another writer (that writer
    changes nothing, so re-reading and re-applying succeeds), as concurrent Lambdas do.
    """

    def __init__(self) -> None:
        self.tickets: dict[str, Ticket] = {}
        self.saves = 0
        self._races = 0

    def lose_next_saves(self, count: int) -> None:
        self._races = count

    def create(self, ticket: Ticket) -> Ticket:
        if ticket.ticket_id in self.tickets:
            raise Conflict(f"ticket {ticket.ticket_id} already exists")
        stored = replace(ticket, version=1)
        self.tickets[ticket.ticket_id] = stored
        return stored

    def get(self, ticket_id: str) -> Ticket:
        try:
            return self.tickets[ticket_id]
        except KeyError:
            raise NotFound(f"no ticket with id {ticket_id}", ticket_id=ticket_id) from None

    def save(self, ticket: Ticket, expected: Ticket) -> Ticket:
        current = self.get(ticket.ticket_id)
        if self._races > 0:
            self._races -= 1
            current = replace(current, version=current.version + 1)  # the rival's write
            self.tickets[ticket.ticket_id] = current
        if current.version != expected.version or current.state is not expected.state:
            raise Conflict(f"ticket {ticket.ticket_id} was changed by another action "
                           f"(now {current.state.value})", current_state=current.state.value)
        stored = replace(ticket, version=expected.version + 1)
        self.tickets[ticket.ticket_id] = stored
        self.saves += 1
        return stored

    def _page(self, found: list[Ticket], limit: int, cursor: str | None) -> Page[Ticket]:
        start = int(cursor or 0)
        end = start + limit
        return Page(found[start:end], str(end) if end < len(found) else None)

    def list_by_state(self, state: TicketState, limit: int, cursor: str | None) -> Page[Ticket]:
        found = sorted((t for t in self.tickets.values() if t.state is state),
                       key=lambda t: (-t.priority, t.created_at))
        return self._page(found, limit, cursor)

    def list_by_requester(self, requested_by: str, limit: int,
                          cursor: str | None) -> Page[Ticket]:
        found = sorted((t for t in self.tickets.values() if t.requested_by == requested_by),
                       key=lambda t: t.created_at, reverse=True)
        return self._page(found, limit, cursor)

    def list_all(self, limit: int, cursor: str | None) -> Page[Ticket]:
        found = sorted(self.tickets.values(), key=lambda t: t.created_at, reverse=True)
        return self._page(found, limit, cursor)

    def count_all(self) -> int:
        return len(self.tickets)

    def count_by_state(self) -> dict[TicketState, int]:
        counts = dict.fromkeys(TicketState, 0)
        for ticket in self.tickets.values():
            counts[ticket.state] += 1
        return counts

    def find_by_content(self, key: str, limit: int = 50) -> list[Ticket]:
        found = [t for t in self.tickets.values() if content_key(t.request) == key]
        return sorted(found, key=lambda t: t.created_at)[:limit]


class InMemoryAuditLog:
    """AuditLog keeping events in memory, queried like the DynamoDB one (newest first)."""

    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def record(self, event: AuditEvent) -> None:
        self.events.append(event)

    def of(self, ticket_id: str) -> list[AuditEventType]:
        """The types of a ticket's events, oldest first."""
        return [e.event_type for e in self.events if e.ticket_id == ticket_id]

    def query(self, *, ticket_id: str | None, event_type: AuditEventType | None,
              start: datetime | None, end: datetime | None, limit: int, cursor: str | None,
              newest_first: bool = True) -> Page[AuditEvent]:
        found = [e for e in self.events
                 if (ticket_id is None or e.ticket_id == ticket_id)
                 and (event_type is None or e.event_type is event_type)
                 and (start is None or e.at >= start) and (end is None or e.at <= end)]
        found.sort(key=lambda e: e.at, reverse=newest_first)
        first = int(cursor or 0)
        last = first + limit
        return Page(found[first:last], str(last) if last < len(found) else None)

    def iterate(self, *, start: datetime | None = None,
                end: datetime | None = None) -> Iterator[AuditEvent]:
        return iter(sorted((e for e in self.events
                            if (start is None or e.at >= start) and (end is None or e.at <= end)),
                           key=lambda e: e.at))


class InMemoryBlobStore:
    def __init__(self) -> None:
        self.blobs: dict[str, tuple[bytes, str]] = {}

    def put(self, key: str, body: bytes, content_type: str) -> str:
        self.blobs[key] = (body, content_type)
        return f"memory://{key}"

    def get(self, key: str) -> bytes:
        return self.blobs[key][0]


@dataclass
class FakeWorkflow:
    """Workflow and FlowStatus that remember what they were asked; tokens in `gone` are stale."""

    started: list[tuple[str, str, int]] = field(default_factory=list)
    stopped: list[tuple[str, str]] = field(default_factory=list)
    answered: dict[str, dict[str, object]] = field(default_factory=dict)
    failed: dict[str, tuple[str, str]] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    statuses: dict[tuple[str, int], str] = field(default_factory=dict)

    def start(self, ticket: Ticket, start_at: str = "acquire") -> None:
        self.started.append((ticket.ticket_id, start_at, ticket.flow_attempt))
        self.statuses[(ticket.ticket_id, ticket.flow_attempt)] = "RUNNING"

    def stop(self, ticket: Ticket, reason: str) -> None:
        self.stopped.append((ticket.ticket_id, reason))

    def answer(self, token: str, output: dict[str, object]) -> bool:
        if token in self.gone:
            return False
        self.answered[token] = output
        return True

    def fail(self, token: str, error: str, cause: str) -> bool:
        if token in self.gone:
            return False
        self.failed[token] = (error, cause)
        return True

    def history(self, ticket: Ticket) -> list[dict[str, object]]:
        return [{"attempt": a, "start_at": s} for t, s, a in self.started
                if t == ticket.ticket_id]

    def status(self, ticket_id: str, attempt: int) -> str | None:
        return self.statuses.get((ticket_id, attempt))


@dataclass
class RecordingEvents:
    """TicketEvents that keep what was published: (kind, ticket id, state, data)."""

    published: list[tuple[str, str, TicketState, dict[str, object]]] = field(
        default_factory=list)

    def publish(self, kind: str, ticket: Ticket, data: dict[str, object]) -> None:
        self.published.append((kind, ticket.ticket_id, ticket.state, data))

    def kinds(self, ticket_id: str) -> list[str]:
        return [kind for kind, tid, _, _ in self.published if tid == ticket_id]


@dataclass
class FakeCandidateSource:
    """CandidateSource over a fixed list of offers; `failure` makes every search fail."""

    offers: list[TorrentCandidate] = field(default_factory=list)
    file_lists: dict[str, list[TorrentFile]] = field(default_factory=dict)  # by title
    failure: ExternalServiceError | None = None
    queries: list[str] = field(default_factory=list)

    def search(self, query: SearchQuery, ticket_id: str) -> list[TorrentCandidate]:
        self.queries.append(query.text)
        if self.failure is not None:
            raise self.failure
        return list(self.offers)

    def files(self, candidate: TorrentCandidate) -> list[TorrentFile] | None:
        return self.file_lists.get(candidate.title)


class InMemoryBlocklist:
    """Blocklist matching by info hash or by normalised release title, like DynamoBlocklist."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.entries: list[BlockEntry] = []

    def block(self, info_hash: str | None, title: str, reason: str, actor: str) -> BlockEntry:
        entry = BlockEntry.create(info_hash, title, reason, actor, self._clock.now())
        self.entries.append(entry)
        return entry

    def is_blocked(self, candidate: TorrentCandidate) -> BlockEntry | None:
        info_hash = known_info_hash(candidate.info_hash, candidate.magnet_uri)
        key = release_title_key(candidate.title)
        for entry in reversed(self.entries):
            if (info_hash and entry.info_hash == info_hash) or (key and entry.title_key == key):
                return entry
        return None


class FakeSearcher:
    """Searcher answering every search with `outcome_for(query)`; counts the calls."""

    def __init__(self, candidates: list[TorrentCandidate], indexers: tuple[str, ...] = ("a",),
                 failing: frozenset[str] = frozenset()) -> None:
        self._candidates = tuple(candidates)
        self._indexers = indexers
        self._failing = failing
        self.calls: list[tuple[str, tuple[str, ...] | None]] = []

    def search(self, query: SearchQuery, indexers: Sequence[str] | None = None) -> SearchOutcome:
        self.calls.append((query.text, tuple(indexers) if indexers else None))
        asked = tuple(indexers or self._indexers)
        reports = tuple(
            IndexerSearchReport(name, "search", (("q", query.text),), (), 0 if name in
                                self._failing else len(self._candidates), 0, 1, False,
                                IndexerUnavailable(name, "down") if name in self._failing
                                else None)
            for name in asked)
        found = () if set(asked) <= self._failing else self._candidates
        return SearchOutcome(query, found, reports)

    def files(self, candidate: TorrentCandidate) -> list[TorrentFile] | None:
        return None


class InMemoryConnections:
    """ConnectionStore in memory, with each connection's message counter."""

    def __init__(self, *conns: Connection) -> None:
        self.conns = {c.connection_id: c for c in conns}
        self.seq: dict[str, int] = {}

    def add(self, conn: Connection) -> None:
        self.conns[conn.connection_id] = conn

    def get(self, connection_id: str) -> Connection | None:
        return self.conns.get(connection_id)

    def set_subscription(self, connection_id: str, sub: Subscription) -> None:
        c = self.conns[connection_id]
        self.conns[connection_id] = Connection(c.connection_id, c.viewer, sub)

    def remove(self, connection_id: str) -> None:
        self.conns.pop(connection_id, None)

    def all(self) -> Iterator[Connection]:
        yield from list(self.conns.values())

    def next_seq(self, connection_id: str) -> int | None:
        if connection_id not in self.conns:
            return None
        self.seq[connection_id] = self.seq.get(connection_id, 0) + 1
        return self.seq[connection_id]


class RecordingPoster:
    """ConnectionPoster keeping what it sent; `gone` clients have left, `broken` ones fail."""

    def __init__(self, gone: frozenset[str] = frozenset(), broken: frozenset[str] = frozenset()
                 ) -> None:
        self.sent: list[tuple[str, dict[str, object]]] = []
        self.gone = gone
        self.broken = broken

    def post(self, connection_id: str, data: str) -> None:
        if connection_id in self.gone:
            raise ConnectionGone(connection_id)
        if connection_id in self.broken:
            raise OSError("connection reset")
        self.sent.append((connection_id, json.loads(data)))



class FakeAuthenticator:
    """Authenticator knowing a few keys (X-API-Key or Bearer); anything else is Unauthorized."""

    method = "api_key"

    def __init__(self, keys: dict[str, Identity]) -> None:
        self._keys = keys

    def authenticate(self, headers: Mapping[str, str], source_ip: str,
                     client_cert: ClientCert | None = None) -> Identity:
        who = self._keys.get(headers.get("X-API-Key") or bearer_token(headers) or "")
        if who is None:
            raise Unauthorized("unknown API key")
        return who


ADMIN = Identity("admin", True, "api_key")
ALICE = Identity("alice", False, "api_key")
BOB = Identity("bob", False, "api_key")


def album_request(*, tracks: int = 3, dry_run: bool = False, priority: int = 100,
                  album: str = "OK Computer") -> dict[str, Any]:
    """A valid ticket body for an album (the API's JSON form)."""
    return {
        "priority": priority, "dry_run": dry_run, "request_scope": "full_album",
        "search": {"artist": "Radiohead", "album": album, "year": 1997},
        "tracks": [{"catalog_track_id": f"t{n}", "disc_number": 1, "track_number": n,
                    "name": f"Track {n}", "duration_secs": 200 + n,
                    "dest_path": f"/media/albums/okc/d1t{n:02d}.ogg", "requested": True}
                   for n in range(1, tracks + 1)],
        "constraints": {"format": "ogg_vorbis", "bitrate_kbps": 320},
    }


def offer(title: str, *, seeders: int = 50, info_hash: str | None = None,
          size: int = 500_000_000) -> TorrentCandidate:
    """An indexer's result as TorznabSearcher would return it."""
    return TorrentCandidate(title=title, indexer="Local", indexer_id="local",
                            info_hash=info_hash, size=size, seeders=seeders, leechers=1,
                            download_url=f"http://127.0.0.1:1/dl/{quote(title)}.torrent")


class InMemoryCatalogCache:
    """CatalogCache in a dict; `expires` keeps each entry's expiry on the given clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.entries: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any | None:
        entry = self.entries.get(key)
        if entry is None or self._clock.now().timestamp() >= entry[0]:
            return None
        return json.loads(json.dumps(entry[1]))

    def put(self, key: str, value: Any, ttl_secs: float) -> None:
        self.entries[key] = (self._clock.now().timestamp() + ttl_secs, value)


class RecordingMetrics:
    """The Metrics port keeping every measurement: (name, value, unit, dimensions)."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, float, str, dict[str, str]]] = []

    def emit(self, name: str, value: float, unit: str = "Count",
             dimensions: dict[str, str] | None = None) -> None:
        self.emitted.append((name, value, unit, dict(dimensions or {})))

    def named(self, name: str) -> list[tuple[float, dict[str, str]]]:
        return [(v, d) for n, v, _, d in self.emitted if n == name]
