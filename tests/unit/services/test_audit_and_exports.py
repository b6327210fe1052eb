"""Audit recording, the audit and training exports, and the health report, on fakes."""

from __future__ import annotations

import json
from dataclasses import replace

from chalicelib.domain.acquisition import AcquisitionRecord
from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import SourceCandidate, WorkOrder
from chalicelib.services.audit import export_jsonl
from chalicelib.services.health import Check, HealthService
from chalicelib.services.training_export import export_training_jsonl
from tests.support.fakes import ADMIN, ALICE, InMemoryBlobStore, album_request
from tests.unit.services.conftest import Rig


def test_the_audit_export_writes_every_event_in_time_order_and_is_audited(rig: Rig) -> None:
    first = rig.tickets.create(album_request(), ALICE)
    rig.tickets.cancel(first.ticket_id, ALICE)
    blobs = InMemoryBlobStore()
    export = export_jsonl(rig.audit_log, blobs, rig.recorder, "admin", rig.clock.now())
    lines = [json.loads(line) for line in export.body.decode().splitlines()]
    assert [line["event_type"] for line in lines] == [
        "TicketCreated", "TicketStateChanged", "TicketCancelled"]
    assert export.count == 3 and blobs.get(export.location.removeprefix("memory://")) == \
        export.body
    assert rig.audit_log.events[-1].event_type is E.ADMIN_EXPORT


def test_the_training_export_holds_decided_tickets_with_their_corrections(rig: Rig) -> None:
    decided = rig.tickets.create(album_request(), ALICE)
    rig.tickets.create(album_request(album="Kid A"), ALICE)  # no decision: left out
    record = AcquisitionRecord("dumb", 0.7, 0, "close", ({"candidate": {"title": "OKC"}},),
                               details={"queries_tried": ["Radiohead OK Computer"]})
    chosen = WorkOrder(decided.ticket_id, 100, (), SourceCandidate(title="OKC"))
    current = rig.store.get(decided.ticket_id)
    rig.store.save(replace(current, acquisition=record, work_order=chosen), current)
    rig.tickets.cancel(decided.ticket_id, ALICE)
    rig.recorder.record(E.APPROVAL_REJECTED, "alice", decided.ticket_id, reason="wrong")
    export = export_training_jsonl(rig.store, rig.audit_log, InMemoryBlobStore(), rig.recorder,
                                   ADMIN.user_id, rig.clock.now())
    (line,) = [json.loads(x) for x in export.body.decode().splitlines()]
    assert line["ticket_id"] == decided.ticket_id
    assert line["decision"]["queries_tried"] == ["Radiohead OK Computer"]
    assert line["chosen"]["title"] == "OKC" and line["outcome"] == "cancelled"
    assert [c["kind"] for c in line["corrections"]] == ["rejected"]


def test_health_is_ok_only_when_every_probe_answers() -> None:
    def broken() -> None:
        raise ConnectionError("refused")

    health = HealthService([Check("tickets", lambda: {"table_status": "ACTIVE"})])
    assert health.report()["status"] == "ok"
    health.add(Check("queue", broken))
    report = health.report()
    assert report["status"] == "degraded"
    assert report["checks"]["tickets"]["table_status"] == "ACTIVE"
    assert report["checks"]["tickets"]["status"] == "ok"
    assert report["checks"]["queue"]["error"] == "ConnectionError: refused"
