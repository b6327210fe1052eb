"""Ticket use cases: create, read, list, and the human actions (cancel, approve, retry...)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from chalicelib.auth.identity import Identity
from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.errors import Conflict, FieldError, Forbidden, NotFound, ValidationError
from chalicelib.domain.magnet import info_hash_from_magnet
from chalicelib.domain.plain_text import require_plain
from chalicelib.domain.stage_protocol import ERROR_AGENT_GONE
from chalicelib.domain.states import TicketState, retry_target
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.validation import parse_ticket_request
from chalicelib.ports import Clock, Page, TicketEvents, TicketFilter, TicketStore, Workflow
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.ticket_updates import update_ticket
from chalicelib.services.work_orders import work_order

S = TicketState
MAX_PAGE = 200


class NoWorkflow:
    """Used where nothing drives tickets (a store-only deployment, some tests)."""

    def start(self, ticket: Ticket, start_at: str = "acquire") -> None:
        return None

    def stop(self, ticket: Ticket, reason: str) -> None:
        return None

    def answer(self, token: str, output: dict[str, object]) -> bool:
        return False

    def fail(self, token: str, error: str, cause: str) -> bool:
        return False

    def history(self, ticket: Ticket) -> list[dict[str, object]]:
        return []


class NoEvents:
    """Used where nobody listens for ticket changes."""

    def publish(self, kind: str, ticket: Ticket, data: dict[str, object]) -> None:
        return None


def parse_limit(raw: str | None, default: int = 50) -> int:
    """A page size from a query string, or ValidationError naming `limit`."""
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ValidationError(FieldError("limit", f"must be an integer from 1 to {MAX_PAGE}"))
    return int(raw)


def parse_state(raw: str | None) -> TicketState | None:
    if raw is None or raw == "":
        return None
    try:
        return TicketState(raw)
    except ValueError as e:
        allowed = ", ".join(s.value for s in TicketState)
        raise ValidationError(FieldError("state", f"must be one of: {allowed}")) from e


class TicketService:
    def __init__(
        self,
        store: TicketStore,
        audit: AuditRecorder,
        clock: Clock,
        allowed_roots: Sequence[str],
        workflow: Workflow | None = None,
        events: TicketEvents | None = None,
    ) -> None:
        self._store = store
        self._audit = audit
        self._clock = clock
        self._roots = list(allowed_roots)
        self._workflow: Workflow = workflow or NoWorkflow()
        self._events: TicketEvents = events or NoEvents()

    # --- reading -------------------------------------------------------------------------
    def get(self, ticket_id: str, who: Identity) -> Ticket:
        ticket = self._store.get(ticket_id)
        self._check_owner(ticket, who)
        return ticket

    def list_tickets(
        self, filt: TicketFilter, who: Identity, limit: int, cursor: str | None
    ) -> Page[Ticket]:
        requester = filt.requested_by
        if not who.is_admin:
            if requester and requester != who.user_id:
                raise Forbidden("you may only list your own tickets")
            requester = who.user_id
        if requester:
            page = self._store.list_by_requester(requester, limit, cursor)
            if filt.state:
                page = Page([t for t in page.items if t.state is filt.state], page.cursor)
            return page
        if filt.state:
            return self._store.list_by_state(filt.state, limit, cursor)
        return self._store.list_all(limit, cursor)

    def stats(self) -> dict[str, int]:
        return {s.value: n for s, n in self._store.count_by_state().items()}

    def total(self) -> int:
        """How many tickets exist (exact while tickets move, unlike a sum of `stats`)."""
        return self._store.count_all()

    # --- creating ------------------------------------------------------------------------
    def create(self, body: Any, who: Identity) -> Ticket:
        request = parse_ticket_request(body, self._roots)
        ticket = replace(Ticket.new(uuid.uuid4().hex, request, who.user_id, self._clock.now()),
                         flow_attempt=1)
        stored = self._store.create(ticket)
        self._audit.record(
            AuditEventType.TICKET_CREATED,
            who.user_id,
            stored.ticket_id,
            priority=request.priority,
            dry_run=request.dry_run,
            expected=request.query.expected.value,
            items=len(request.items),
        )
        self._events.publish("created", stored, {})
        self._workflow.start(stored)
        return stored

    # --- human actions -------------------------------------------------------------------
    def cancel(self, ticket_id: str, who: Identity, reason: str = "") -> Ticket:
        ticket = self.get(ticket_id, who)
        base, updated = self._move_from(ticket, S.CANCELLED, who, reason or "cancelled by user")
        self._audit.record(AuditEventType.TICKET_CANCELLED, who.user_id, ticket_id,
                           from_state=ticket.state.value, reason=reason)
        self._workflow.stop(base, reason or "cancelled")
        for linked_id in base.linked_tickets:
            self._release_linked(linked_id, ticket_id)
        return updated

    def _release_linked(self, linked_id: str, primary_id: str) -> None:
        """A linked ticket whose primary was cancelled or rejected goes on by itself."""
        linked = self._store.get(linked_id)
        if linked.state is S.ACQUIRING:
            restarted = replace(linked.with_payload(self._clock.now(), linked_to=None),
                                flow_attempt=linked.flow_attempt + 1)
            try:
                stored = self._store.save(restarted, linked)
            except Conflict:
                return
            self._workflow.start(stored, "acquire")
        elif linked.state in (S.DOWNLOADING, S.CONVERTING, S.PLACING):
            system = Identity(user_id="flow", is_admin=True, method="system")
            self._move(linked, S.FAILED, system,
                       f"the ticket it shared a download with ({primary_id}) was cancelled",
                       {"retryable": True, "error": "PrimaryCancelled",
                        "retry_count": linked.flow_attempt - 1})

    def approve(self, ticket_id: str, who: Identity, candidate_idx: Any = None) -> Ticket:
        ticket = self.get(ticket_id, who)
        self._require(ticket, S.NEEDS_APPROVAL, "approve")
        candidates = ticket.acquisition.candidates if ticket.acquisition else ()
        idx = self._candidate_index(candidate_idx, ticket, len(candidates))
        if idx is None:
            raise ValidationError(FieldError("candidate_idx",
                                             "there is no recommended candidate: choose one"))
        linked = [self._store.get(t) for t in ticket.linked_tickets]
        files = ticket.acquisition.files_for(candidates[idx]) if ticket.acquisition else None
        work = work_order(ticket, candidates[idx], linked=linked, files=files)
        base, updated = self._move_from(
            ticket, S.APPROVED, who, f"approved candidate {idx}",
            {"candidate_idx": idx, "candidate": candidates[idx]["candidate"]},
            work_order=work, approval_token=None)
        self._audit.record(AuditEventType.APPROVAL_GRANTED, who.user_id, ticket_id,
                           candidate_idx=idx, title=candidates[idx]["candidate"].get("title"))
        self._answer_approval(base, {"decision": "approved", "work": work.to_dict()})
        return updated

    def reject(self, ticket_id: str, who: Identity, reason: Any) -> Ticket:
        if reason is not None and not isinstance(reason, str):
            raise ValidationError(FieldError("reason", "must be a string"))
        require_plain(reason or "", "reason", allow="\n\t")  # a reason may run to lines
        ticket = self.get(ticket_id, who)
        self._require(ticket, S.NEEDS_APPROVAL, "reject")
        text = (reason or "").strip() or "rejected by user"
        base, updated = self._move_from(ticket, S.REJECTED, who, text, {"reason": text},
                                        approval_token=None)
        self._audit.record(AuditEventType.APPROVAL_REJECTED, who.user_id, ticket_id, reason=text)
        self._answer_approval(base, {"decision": "rejected"})
        for linked_id in base.linked_tickets:
            self._release_linked(linked_id, ticket_id)  # they may still find something else
        return updated

    def retry(self, ticket_id: str, who: Identity) -> Ticket:
        ticket = self.get(ticket_id, who)
        self._require(ticket, S.FAILED, "retry")
        # Kept files on an agent that is gone cannot serve the retry: search again.
        usable = ticket.work_order is not None and not (
            ticket.work_order.agent_id and ticket.state_payload.get("error") == ERROR_AGENT_GONE)
        target = retry_target(ticket.last_state_before(S.FAILED), usable)
        attempt = ticket.flow_attempt + 1
        updated = self._move(ticket, target, who, "retry requested",
                             {"retry_count": attempt - 1}, flow_attempt=attempt)
        self._audit.record(AuditEventType.ADMIN_RETRY, who.user_id, ticket_id,
                           resume_state=target.value, retry_count=attempt - 1)
        self._workflow.start(updated, "download" if target is S.DOWNLOADING else "acquire")
        return updated

    def force_search(self, ticket_id: str, who: Identity, query: Any) -> Ticket:
        if not isinstance(query, str) or not query.strip():
            raise ValidationError(FieldError("query", "must be a non-empty string"))
        if len(query) > 500:
            raise ValidationError(FieldError("query", "must be at most 500 characters"))
        require_plain(query, "query")
        ticket = self.get(ticket_id, who)
        self._require(ticket, (S.ACQUISITION_FAILED, S.NEEDS_APPROVAL, S.REJECTED), "force-search")
        waiting = ticket.state is S.NEEDS_APPROVAL
        base, updated = self._move_from(
            ticket, S.ACQUIRING, who, f"forced search: {query.strip()}",
            {"forced_query": query.strip()}, approval_token=None,
            flow_attempt=ticket.flow_attempt + (0 if waiting else 1))
        self._audit.record(AuditEventType.ADMIN_FORCE_SEARCH, who.user_id, ticket_id,
                           query=query.strip())
        if waiting:
            self._answer_approval(base, {"decision": "force_search"})
        else:
            self._workflow.start(updated, "acquire")
        return updated

    def force_magnet(self, ticket_id: str, who: Identity, magnet_uri: Any) -> Ticket:
        if not isinstance(magnet_uri, str):
            raise ValidationError(FieldError("magnet_uri", "is required"))
        try:
            info_hash = info_hash_from_magnet(magnet_uri)
        except ValueError as e:
            raise ValidationError(FieldError("magnet_uri", str(e))) from e
        ticket = self.get(ticket_id, who)
        self._require(ticket, (S.ACQUISITION_FAILED, S.NEEDS_APPROVAL, S.REJECTED), "force-magnet")
        waiting = ticket.state is S.NEEDS_APPROVAL
        work = work_order(ticket, None, magnet_uri=magnet_uri, info_hash=info_hash)
        base, updated = self._move_from(
            ticket, S.DOWNLOADING, who, "forced magnet",
            {"magnet_uri": magnet_uri, "info_hash": info_hash},
            work_order=work, approval_token=None,
            flow_attempt=ticket.flow_attempt + (0 if waiting else 1))
        self._audit.record(AuditEventType.ADMIN_FORCE_MAGNET, who.user_id, ticket_id,
                           info_hash=info_hash)
        if waiting:
            self._answer_approval(base, {"decision": "force_magnet", "work": work.to_dict()})
        else:
            self._workflow.start(updated, "download")
        return updated

    def flow(self, ticket_id: str, who: Identity) -> list[dict[str, object]]:
        """The Step Functions execution history of every attempt of the ticket's flow."""
        return self._workflow.history(self.get(ticket_id, who))

    def _answer_approval(self, before: Ticket, output: dict[str, object]) -> None:
        # The approval stage may not have stored its token yet; it then reads the decision
        # from the ticket itself when it runs (see services/flow_stages.py).
        if before.approval_token:
            self._workflow.answer(before.approval_token, output)

    # --- the one place state changes are written -----------------------------------------
    def _move(
        self,
        ticket: Ticket,
        target: TicketState,
        who: Identity,
        reason: str,
        payload: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Ticket:
        return self._move_from(ticket, target, who, reason, payload, **fields)[1]

    def _move_from(
        self,
        ticket: Ticket,
        target: TicketState,
        who: Identity,
        reason: str,
        payload: dict[str, Any] | None = None,
        **fields: Any,
    ) -> tuple[Ticket, Ticket]:
        """Write the transition; returns (the ticket it was applied to, the stored result).

        A write that loses only to a flow-internal update (same state, e.g. the approval
        stage storing its token) is re-applied to the fresh ticket; a lost race with another
        state change is a Conflict.
        """
        def change(current: Ticket) -> Ticket:
            if current.state is not ticket.state:
                raise Conflict(f"ticket {ticket.ticket_id} was changed by another action "
                               f"(now {current.state.value})", current_state=current.state.value)
            changed = current.transition(target, actor=who.user_id, reason=reason,
                                         now=self._clock.now(), payload=payload)
            return replace(changed, **fields) if fields else changed

        base, stored = update_ticket(self._store, ticket.ticket_id, change, current=ticket)
        self._audit.record(AuditEventType.TICKET_STATE_CHANGED, who.user_id, ticket.ticket_id,
                           from_state=ticket.state.value, to_state=target.value, reason=reason)
        self._events.publish("state_change", stored,
                             {"from_state": ticket.state.value, "to_state": target.value})
        return base, stored

    @staticmethod
    def _require(
        ticket: Ticket, states: TicketState | tuple[TicketState, ...], action: str
    ) -> None:
        allowed = states if isinstance(states, tuple) else (states,)
        if ticket.state not in allowed:
            wanted = " or ".join(s.value for s in allowed)
            raise Conflict(
                f"cannot {action} a ticket in state {ticket.state.value} (needs {wanted})",
                current_state=ticket.state.value,
            )

    @staticmethod
    def _candidate_index(raw: Any, ticket: Ticket, count: int) -> int | None:
        if raw is None:
            return ticket.acquisition.recommended_index if ticket.acquisition else None
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise ValidationError(FieldError("candidate_idx", "must be a non-negative integer"))
        if raw >= count:
            raise ValidationError(
                FieldError("candidate_idx", f"must be less than the number of candidates ({count})")
            )
        return raw

    @staticmethod
    def _check_owner(ticket: Ticket, who: Identity) -> None:
        # Another user's ticket is reported as absent: its id must not confirm it exists.
        if not who.is_admin and ticket.requested_by != who.user_id:
            raise NotFound(f"no ticket with id {ticket.ticket_id}", ticket_id=ticket.ticket_id)
