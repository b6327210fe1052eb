"""Use cases wired on the in-memory ports of tests/support/fakes.py."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from chalicelib.services.audit import AuditRecorder
from chalicelib.services.flow_state import FlowState
from chalicelib.services.tickets import TicketService
from tests.support.fakes import (
    FakeClock,
    FakeWorkflow,
    InMemoryAuditLog,
    InMemoryBlocklist,
    InMemoryTicketStore,
    RecordingEvents,
)


@dataclass
class Rig:
    clock: FakeClock = field(default_factory=lambda: FakeClock(tick_secs=1))
    store: InMemoryTicketStore = field(default_factory=InMemoryTicketStore)
    audit_log: InMemoryAuditLog = field(default_factory=InMemoryAuditLog)
    workflow: FakeWorkflow = field(default_factory=FakeWorkflow)
    events: RecordingEvents = field(default_factory=RecordingEvents)

    def __post_init__(self) -> None:
        self.recorder = AuditRecorder(self.audit_log, self.clock)
        self.blocklist = InMemoryBlocklist(self.clock)
        self.tickets = TicketService(self.store, self.recorder, self.clock, ["/media"],
                                     workflow=self.workflow, events=self.events)

    def flow_state(self, actor: str = "flow") -> FlowState:
        return FlowState(self.store, self.recorder, self.events, self.clock, actor=actor)


@pytest.fixture
def rig() -> Rig:
    return Rig()
