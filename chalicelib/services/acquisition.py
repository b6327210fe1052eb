"""The acquisition stage: find, score and choose a torrent for a ticket (a Lambda in AWS).

It answers the flow with an outcome (see infra/ticket-flow.asl.json's AfterAcquire):
auto_approved (+ work order), needs_approval, acquisition_failed, dry_run_complete, linked,
cancelled, or failed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chalicelib.domain.acquisition import AcquisitionRecord, candidate_key, scored_key
from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.candidate import SearchKind, SearchQuery, TorrentCandidate, TorrentFile
from chalicelib.domain.catalog import WantedAlbum
from chalicelib.domain.dedup import LINKABLE_STATES, can_share, content_key
from chalicelib.domain.errors import Conflict, ExternalServiceError
from chalicelib.domain.request import ItemKind
from chalicelib.domain.stage_protocol import StageMessage, WorkOrder, read_cause
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.ports import Blocklist, CandidateSource, TicketStore, TorrentCatalog
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.catalog_enrichment import CatalogEnrichment
from chalicelib.services.flow_state import FlowState, TicketCancelled
from chalicelib.services.ticket_updates import update_ticket
from chalicelib.services.work_orders import work_order
from chalicelib.textbrain.brain import TextBrain
from chalicelib.textbrain.llm_cost import LlmPrices, usage_audit

log = logging.getLogger("quentin.acquisition")
S = TicketState
MAX_QUERIES = 6
FILES_FOR_TOP = 5
KEEP_CANDIDATES = 20
SEARCHABLE = frozenset({S.PENDING, S.ACQUIRING})
ACTOR = "acquisition"


class AcquisitionService:
    def __init__(
        self,
        flow: FlowState,
        store: TicketStore,
        brain: TextBrain,
        source: CandidateSource,
        audit: AuditRecorder,
        blocklist: Blocklist | None = None,
        auto_approve_threshold: float = 0.85,
        catalog: TorrentCatalog | None = None,
        enrichment: CatalogEnrichment | None = None,
        llm_prices: LlmPrices | None = None,
        keeper_alive: Callable[[str], bool] | None = None,
    ) -> None:
        self._flow = flow
        self._store = store
        self._brain = brain
        self._source = source
        self._audit = audit
        self._blocklist = blocklist
        self._threshold = auto_approve_threshold
        self._catalog = catalog
        self._enrichment = enrichment or CatalogEnrichment(None)
        self._prices = llm_prices or LlmPrices()
        # Whether an agent still answers: kept files on a gone agent cannot serve a ticket.
        self._keeper_alive = keeper_alive or (lambda agent_id: True)

    # --- acquire -------------------------------------------------------------------------
    def acquire(self, msg: StageMessage) -> dict[str, Any]:
        try:
            return self._acquire(msg)
        except TicketCancelled:
            return {"outcome": "cancelled"}

    def _acquire(self, msg: StageMessage) -> dict[str, Any]:
        ticket = self._flow.get(msg.ticket_id)
        if ticket.state is S.CANCELLED:
            return {"outcome": "cancelled"}
        if ticket.state not in SEARCHABLE:
            # Every path into a search (a new ticket, retry, force-search, the reconciler)
            # puts the ticket in one of these first. In any other state this is a copy of
            # an acquire message whose search was decided already (SQS delivers at least
            # once): searching again would overwrite the decision a person may be reading.
            raise Conflict(f"ticket is {ticket.state.value}: this acquire message was "
                           f"handled already", current_state=ticket.state.value)
        forced = ticket.state_payload.get("forced_query") if ticket.state is S.ACQUIRING else None
        ticket = self._flow.enter(ticket.ticket_id, S.ACQUIRING, "searching for candidates",
                                  {"forced_query": forced} if forced else {})
        primary = None if forced else self._link_to_primary(ticket)
        if primary is not None:
            return {"outcome": "linked", "primary": primary}
        covered = None if forced else self._from_catalog(ticket)
        if covered is not None:
            return covered
        enriched = self._enrichment.enrich(ticket.request)  # never fails: see its module
        request = enriched.request
        # plan_queries, not queries: the LLM's query variations cost tokens, audited here.
        plan = None if forced else self._brain.plan_queries(request)
        queries = (list(plan.queries) if plan is not None
                   else [SearchQuery(text=str(forced), kind=SearchKind.GENERIC)])[:MAX_QUERIES]
        planning: dict[str, Any] = {}
        if plan is not None and (plan.usage.calls or plan.llm_error):
            planning = {"llm": usage_audit(plan.usage, self._prices),
                        "llm_variations": plan.llm_variations, "llm_error": plan.llm_error}
        if enriched.note:
            planning["catalog"] = enriched.note
        self._audit.record(AuditEventType.MATCHING_STARTED, ACTOR, ticket.ticket_id,
                           queries=[q.text for q in queries], **planning)
        seen: dict[str, TorrentCandidate] = {}
        files: dict[str, list[TorrentFile]] = {}
        blocked: dict[str, str] = {}
        tried: list[str] = []
        errors: list[str] = []
        problems: set[str] = set()
        decision = None
        started = time.monotonic()
        for query in queries:
            tried.append(query.text)
            try:
                found = self._source.search(query, ticket.ticket_id)
            except ExternalServiceError as e:
                errors.append(f"{query.text}: {e.message}")
                problems.add(e.message)
                continue
            for cand in found:
                seen.setdefault(_key(cand), cand)
            usable = [c for c in seen.values() if not self._is_blocked(c, blocked)]
            if not usable:
                continue
            self._fetch_files(request, usable, files)
            decision = self._brain.decide(request, usable, files)
            if decision.auto_approve:
                break  # good enough: no need to ask the indexers again
        payload: dict[str, Any] = {
            "queries_tried": tried,
            "candidates_seen": len(seen),
            "blocklisted": [{"title": seen[k].title, "reason": r} for k, r in blocked.items()],
            "search_errors": errors,
            "search_problems": sorted(problems),
            "duration_ms": round((time.monotonic() - started) * 1000),
        }
        acquisition = self._acquisition_record(decision, files, payload)
        self._audit.record(
            AuditEventType.MATCHING_COMPLETED, ACTOR, ticket.ticket_id,
            method=acquisition.method, confidence=acquisition.confidence,
            recommended_index=acquisition.recommended_index,
            reasoning=acquisition.reasoning,
            scores=[{"title": c["candidate"]["title"], "total": c["total"]}
                    for c in acquisition.candidates[:10]],
            llm=self._llm_audit(decision),
            **payload,
        )
        return self._conclude(ticket, decision, acquisition, payload)

    def _conclude(self, ticket: Ticket, decision: Any, acquisition: AcquisitionRecord,
                  payload: dict[str, Any]) -> dict[str, Any]:
        summary = {**payload, "confidence": acquisition.confidence,
                   "recommended_index": acquisition.recommended_index}
        if ticket.request.dry_run:
            self._save_acquisition(ticket.ticket_id, acquisition)
            self._flow.enter(ticket.ticket_id, S.DRY_RUN_COMPLETE, "dry run: nothing downloaded",
                             summary)
            return {"outcome": "dry_run_complete"}
        if decision is None or decision.recommended is None:
            self._save_acquisition(ticket.ticket_id, acquisition)
            reasons = list(decision.failure_reasons) if decision is not None else [
                "no candidates found", *payload["search_problems"][:3]]
            self._flow.enter(ticket.ticket_id, S.ACQUISITION_FAILED,
                             "no acceptable candidate: " + "; ".join(reasons)[:300],
                             {**summary, "reasons": reasons})
            return {"outcome": "acquisition_failed"}
        best = acquisition.recommended
        assert best is not None  # the decision recommended one
        if decision.auto_approve:
            work = self._commit_choice(ticket.ticket_id, acquisition, best)
            self._flow.enter(ticket.ticket_id, S.AUTO_APPROVED,
                             f"auto-approved at confidence {decision.confidence:.2f}",
                             {**summary, "candidate": best["candidate"]})
            return {"outcome": "auto_approved", "work": work.to_dict()}
        self._save_acquisition(ticket.ticket_id, acquisition)
        self._audit.record(AuditEventType.APPROVAL_REQUESTED, ACTOR, ticket.ticket_id,
                           confidence=acquisition.confidence, threshold=self._threshold,
                           recommended_index=acquisition.recommended_index,
                           candidate=best["candidate"].get("title"),
                           candidates=len(acquisition.candidates),
                           reasoning=acquisition.reasoning)
        self._flow.enter(ticket.ticket_id, S.NEEDS_APPROVAL,
                         f"confidence {decision.confidence:.2f} is below the auto-approve "
                         f"threshold", {**summary, "candidate": best["candidate"]})
        return {"outcome": "needs_approval"}

    def _llm_audit(self, decision: Any) -> dict[str, Any] | None:
        """The LLM's provider, model, tokens and cost for this decision (None: not asked)."""
        trace = getattr(decision, "llm", None)
        return usage_audit(trace.usage, self._prices) if trace is not None else None

    # --- next candidate after a failed download ------------------------------------------
    def next_candidate(self, msg: StageMessage) -> dict[str, Any]:
        try:
            return self._next_candidate(msg)
        except TicketCancelled:
            return {"outcome": "cancelled"}

    def _next_candidate(self, msg: StageMessage) -> dict[str, Any]:
        ticket = self._flow.get(msg.ticket_id)
        if ticket.state is S.CANCELLED:
            return {"outcome": "cancelled"}
        cause = read_cause((msg.error or {}).get("Cause"))
        noted = ticket.state_payload.get("last_failure") or {}
        reason = str(cause.get("reason") or noted.get("reason") or "download failed")
        failed = ticket.work_order.candidate if ticket.work_order is not None else None
        title = failed.title if failed is not None else None
        info_hash = failed.info_hash if failed is not None else None
        if self._blocklist is not None and title:
            self._blocklist.block(info_hash, title, reason, ACTOR)
        self._audit.record(AuditEventType.RELEASE_BLOCKLISTED, ACTOR, ticket.ticket_id,
                           title=title, info_hash=info_hash, reason=reason)
        acquisition = ticket.acquisition or AcquisitionRecord("dumb", 0.0, None, "")
        if acquisition.method == "catalog":
            return self._kept_files_gone(ticket, acquisition, reason)
        acquisition = acquisition.with_failure(candidate_key(info_hash, title or ""))
        remaining = [
            (i, c) for i, c in enumerate(acquisition.candidates)
            if not c.get("rejected") and scored_key(c) not in acquisition.failed
            and not self._blocked_dict(c["candidate"])
        ]
        if not remaining:
            self._save_acquisition(ticket.ticket_id, acquisition)
            self._flow.enter(ticket.ticket_id, S.FAILED,
                             f"download failed ({reason}) and no other candidate is left",
                             {"retryable": False, "error": "DownloadFailed", "cause": reason,
                              "retry_count": ticket.flow_attempt - 1, "stage": "download"})
            return {"outcome": "failed"}
        index, best = remaining[0]
        acquisition = replace(acquisition, recommended_index=index)
        sure = best["total"] >= self._threshold and not best.get("red_flags")
        if sure:
            work = self._commit_choice(ticket.ticket_id, acquisition, best)
            self._flow.progress(ticket.ticket_id, candidate=best["candidate"],
                                previous_failure=reason, progress_pct=0)
            return {"outcome": "auto_approved", "work": work.to_dict()}
        self._save_acquisition(ticket.ticket_id, acquisition)
        self._audit.record(AuditEventType.APPROVAL_REQUESTED, ACTOR, ticket.ticket_id,
                           confidence=acquisition.confidence, threshold=self._threshold,
                           recommended_index=acquisition.recommended_index,
                           candidate=best["candidate"].get("title"),
                           candidates=len(acquisition.candidates),
                           reasoning=acquisition.reasoning)
        self._flow.enter(ticket.ticket_id, S.NEEDS_APPROVAL,
                         f"download failed ({reason}); the next candidate needs approval",
                         {"candidate": best["candidate"], "previous_failure": reason})
        return {"outcome": "needs_approval"}

    # --- the catalog: what was downloaded before and is still kept -----------------------
    def _from_catalog(self, ticket: Ticket) -> dict[str, Any] | None:
        """A work order over already-kept files when one torrent holds every wanted item."""
        if self._catalog is None or ticket.request.dry_run:
            return None
        request = ticket.request
        wanted = [i for i in request.requested_items if i.kind is not ItemKind.IMAGE]
        if not wanted:
            return None
        coverage = self._catalog.find_coverage(
            wanted, WantedAlbum(request.query.artist, request.query.album))
        if not coverage.complete or len(coverage.torrents) != 1:
            return None
        torrent = self._catalog.get(coverage.torrents[0])
        if not torrent.save_path:
            return None
        if torrent.agent_id and not self._keeper_alive(torrent.agent_id):
            # Its keeper is gone (maybe for a while): search and download elsewhere; the
            # entry stays, for when the keeper is back.
            log.info("kept files on a gone agent", extra={"ticket_id": ticket.ticket_id,
                                                          "agent_id": torrent.agent_id})
            return None
        paths = {m.item_id: m.path for m in coverage.matches}
        # Only the agent keeping the files can serve them (a catalog entry older than agent
        # ids names none: then any agent may try, as before).
        work = work_order(ticket, None, source_dir=torrent.save_path, source_paths=paths,
                          agent_id=torrent.agent_id)
        acquisition = AcquisitionRecord(
            method="catalog", confidence=1.0, recommended_index=None,
            reasoning=f"every requested item is in the kept torrent {torrent.name!r}: "
                      "no search, no download",
            catalog={**coverage.to_dict(), "torrent": torrent.name,
                     "info_hash": torrent.info_hash, "agent_id": torrent.agent_id})
        current = self._store.get(ticket.ticket_id)
        self._store.save(replace(current, acquisition=acquisition, work_order=work), current)
        self._catalog.touch(torrent.info_hash)
        self._audit.record(AuditEventType.MATCHING_COMPLETED, ACTOR, ticket.ticket_id,
                           method="catalog", info_hash=torrent.info_hash,
                           reasoning=acquisition.reasoning, items=len(paths))
        self._flow.enter(ticket.ticket_id, S.AUTO_APPROVED,
                         f"all {len(paths)} items are already in the torrent catalog",
                         {"catalog_torrent": torrent.name})
        return {"outcome": "covered", "work": work.to_dict()}

    def _kept_files_gone(self, ticket: Ticket, acquisition: AcquisitionRecord,
                         reason: str) -> dict[str, Any]:
        """The catalog sent the agent to files that are no longer there: forget them."""
        info_hash = (acquisition.catalog or {}).get("info_hash")
        if self._catalog is not None and info_hash:
            self._catalog.remove(info_hash)
        current = self._store.get(ticket.ticket_id)
        self._store.save(replace(current, work_order=None), current)
        self._flow.enter(ticket.ticket_id, S.FAILED,
                         f"the kept files are gone ({reason}); retry to search again",
                         {"retryable": True, "error": "DownloadFailed", "cause": reason,
                          "retry_count": ticket.flow_attempt - 1, "stage": "download"})
        return {"outcome": "failed"}

    # --- helpers -------------------------------------------------------------------------
    def _link_to_primary(self, ticket: Ticket) -> str | None:
        """Join an active ticket asking for the same content; its download serves both."""
        for other in self._store.find_by_content(content_key(ticket.request)):
            if other.ticket_id == ticket.ticket_id or other.state not in LINKABLE_STATES:
                continue
            if other.created_at > ticket.created_at:
                continue
            if not can_share(other.request, ticket.request):
                continue
            if (other.state_payload or {}).get("linked_to"):
                continue
            try:
                self._store.save(replace(other, linked_tickets=(*other.linked_tickets,
                                                                ticket.ticket_id)), other)
            except Conflict:
                continue  # it moved on meanwhile: try the next one or acquire alone
            self._flow.progress(ticket.ticket_id, linked_to=other.ticket_id)
            self._audit.record(AuditEventType.TICKET_LINKED, ACTOR, ticket.ticket_id,
                               primary=other.ticket_id)
            return other.ticket_id
        return None

    def _commit_choice(self, ticket_id: str, acquisition: AcquisitionRecord,
                       best: dict[str, Any]) -> WorkOrder:
        """Save the decision and the work order (with linked tickets' items) atomically."""
        def change(current: Ticket) -> Ticket:
            if current.state is S.CANCELLED:
                raise TicketCancelled(ticket_id)
            linked = [self._store.get(t) for t in current.linked_tickets]
            work = work_order(current, best, linked=linked, files=acquisition.files_for(best))
            return replace(current, acquisition=acquisition, work_order=work)

        stored = update_ticket(self._store, ticket_id, change)[1]
        assert stored.work_order is not None  # `change` always sets it
        return stored.work_order

    def _save_acquisition(self, ticket_id: str, acquisition: AcquisitionRecord) -> None:
        """Keep the decision on the ticket; Conflict if it kept changing (the stage retries)."""
        update_ticket(self._store, ticket_id, lambda current: replace(current,
                                                                      acquisition=acquisition))

    def _fetch_files(self, request: Any, usable: list[TorrentCandidate],
                     files: dict[str, list[TorrentFile]]) -> None:
        # The brain's ranking, so its configured preferences pick whose files to fetch.
        for scored in self._brain.rank(request, usable)[:FILES_FOR_TOP]:
            key = _key(scored.candidate)
            if key in files or scored.rejected:
                continue
            try:
                got = self._source.files(scored.candidate)
            except ExternalServiceError as e:
                log.info("no file list", extra={"title": scored.candidate.title,
                                                "error": e.message})
                got = None
            if got:
                files[key] = got

    def _is_blocked(self, cand: TorrentCandidate, blocked: dict[str, str]) -> bool:
        if self._blocklist is None:
            return False
        entry = self._blocklist.is_blocked(cand)
        if entry is not None:
            blocked[_key(cand)] = entry.reason
        return entry is not None

    def _blocked_dict(self, cand: dict[str, Any]) -> bool:
        if self._blocklist is None:
            return False
        probe = TorrentCandidate(title=cand.get("title", ""), indexer=cand.get("indexer") or "",
                                 indexer_id="",
                                 info_hash=cand.get("info_hash"))
        return self._blocklist.is_blocked(probe) is not None

    @staticmethod
    def _acquisition_record(decision: Any, files: dict[str, list[TorrentFile]],
                            payload: dict[str, Any]) -> AcquisitionRecord:
        if decision is None:
            return AcquisitionRecord("dumb", 0.0, None, "no candidates found",
                                     details=dict(payload))
        data: dict[str, Any] = decision.to_dict()
        data["candidates"] = data.get("candidates", [])[:KEEP_CANDIDATES]
        if data.get("recommended_index") is not None and \
                data["recommended_index"] >= KEEP_CANDIDATES:
            data["recommended_index"] = None
        kept = {scored_key(c) for c in data["candidates"][:FILES_FOR_TOP]}
        data["files"] = {k: [{"path": f.path, "size": f.size} for f in v]
                         for k, v in files.items() if k in kept}
        data.update(payload)
        return AcquisitionRecord.from_dict(data)


def _key(cand: TorrentCandidate) -> str:
    return candidate_key(cand.info_hash, cand.title)


