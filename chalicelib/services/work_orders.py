"""Build the agent's work order from a ticket and the chosen candidate (or a forced magnet)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.request import TicketItem
from chalicelib.domain.stage_protocol import SourceCandidate, WorkFile, WorkOrder
from chalicelib.domain.ticket import Ticket
from chalicelib.textbrain.mapping import map_files

LINK_SEPARATOR = ":"
# The query's fields the agent may look the content up by (subtitles).
LOOKUP_KEYS = ("title", "year", "season", "episode", "imdb_id")


def linked_item_id(ticket_id: str, item_id: str) -> str:
    """How a linked ticket's item is named in its primary's work order."""
    return f"{ticket_id}{LINK_SEPARATOR}{item_id}"


def work_order(
    ticket: Ticket,
    scored: dict[str, Any] | None,
    *,
    magnet_uri: str | None = None,
    info_hash: str | None = None,
    source_dir: str | None = None,
    linked: Sequence[Ticket] = (),
    files: Sequence[TorrentFile] | None = None,
    source_paths: dict[str, str] | None = None,
    agent_id: str | None = None,
) -> WorkOrder:
    """The work order for `scored` (a ScoredCandidate dict), a forced magnet, or kept files.

    Linked tickets' requested items ride along under `<ticket_id>:<item_id>` with their own
    destinations, so one download serves every ticket asking for the same content. Items
    without a mapped file carry no path; the agent maps them once it knows the torrent's
    files (a magnet's file list arrives with its metadata).
    """
    request = ticket.request
    items: list[TicketItem] = list(request.requested_items)
    for other in linked:
        items += [replace(i, item_id=linked_item_id(other.ticket_id, i.item_id))
                  for i in other.request.requested_items]
    mapped: dict[str, dict[str, Any]] = {}
    candidate: SourceCandidate | None = None
    if scored is not None:
        raw = scored.get("candidate") or {}
        candidate = SourceCandidate(
            title=str(raw.get("title", "")),
            info_hash=raw.get("info_hash"),
            magnet_uri=raw.get("magnet_uri"),
            download_url=raw.get("download_url"),
            indexer=raw.get("indexer"),
            size=raw.get("size"),
        )
        if files and linked:
            merged = replace(request, items=tuple(items))
            mapped = {m.item_id: m.to_dict() for m in map_files(merged, files).mapped}
        else:
            for entry in ((scored.get("mapping") or {}).get("mapped") or []):
                mapped[str(entry["item_id"])] = entry
    elif magnet_uri:
        candidate = SourceCandidate(title="forced magnet", info_hash=info_hash,
                                    magnet_uri=magnet_uri)
    elif source_paths:
        # Files already on the agent's disk, below source_dir (the torrent catalog).
        mapped = {item_id: {"path": path, "file_index": None}
                  for item_id, path in source_paths.items()}
    by_position = {(i.disc_number, i.track_number): mapped.get(i.item_id)
                   for i in request.requested_items if i.track_number is not None}
    work_files = []
    for item in items:
        hit = mapped.get(item.item_id) or (
            by_position.get((item.disc_number, item.track_number))
            if item.track_number is not None else None)
        work_files.append(WorkFile(
            item_id=item.item_id,
            kind=item.kind.value,
            dest_path=item.dest_path,
            path=hit["path"] if hit else None,
            file_index=hit.get("file_index") if hit else None,
            name=item.name,
            disc_number=item.disc_number,
            track_number=item.track_number,
            duration_secs=item.duration_secs,
        ))
    constraints = {k: v.value if hasattr(v, "value") else v
                   for k, v in asdict(request.constraints).items() if v is not None}
    return WorkOrder(
        ticket_id=ticket.ticket_id,
        priority=request.priority,
        files=tuple(work_files),
        candidate=candidate,
        source_dir=source_dir,
        constraints=constraints,
        metadata=dict(request.metadata_to_embed),
        lookup={key: value for key in LOOKUP_KEYS
                if (value := getattr(request.query, key)) is not None},
        agent_id=agent_id,
    )
