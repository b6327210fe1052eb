"""Wiring of the ticket flow: Step Functions, the stage services, the acquisition stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.aws.blocklist import DynamoBlocklist
from chalicelib.adapters.aws.clients import aws_client
from chalicelib.adapters.aws.step_functions import (
    FlowTimeouts,
    QueueDirectory,
    StepFunctionsWorkflow,
)
from chalicelib.config import Config
from chalicelib.ports import (
    CandidateSource,
    Clock,
    TicketEvents,
    TicketStore,
    TorrentCatalog,
)
from chalicelib.services.acquisition import AcquisitionService
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.candidate_source import IndexerCandidateSource, NoIndexers
from chalicelib.services.flow_stages import FlowStages
from chalicelib.services.flow_state import FlowState
from chalicelib.services.searching import SearchService
from chalicelib.textbrain.brain import BrainMode, TextBrain


def build_workflow(config: Config) -> StepFunctionsWorkflow:
    prefix = config.aws.resource_prefix
    o = config.orchestrator
    timeouts = FlowTimeouts(stage_secs=o.stage_timeout_secs,
                            heartbeat_secs=o.heartbeat_timeout_secs,
                            approval_secs=o.approval_timeout_secs)
    sqs = aws_client(config, "sqs")
    return StepFunctionsWorkflow(aws_client(config, "stepfunctions"), sqs,
                                 f"{prefix}-ticket-flow", QueueDirectory(sqs, prefix), timeouts)


def build_brain(config: Config) -> TextBrain:
    settings = config.textbrain
    llm: Any = None
    if settings.mode != "dumb-only":
        from chalicelib.adapters.llm.config import LlmConfig
        from chalicelib.adapters.llm.factory import build_llm_client

        s = settings.llm
        llm = build_llm_client(LlmConfig(provider=s.provider, model=s.model,
                                         base_url=s.base_url or None, api_key=s.api_key or None,
                                         timeout_secs=s.timeout_secs,
                                         max_retries=s.max_retries))
    return TextBrain(BrainMode(settings.mode), llm,
                     auto_approve_threshold=settings.auto_approve_threshold)


@dataclass
class Flow:
    workflow: StepFunctionsWorkflow
    state: FlowState
    acquisition: AcquisitionService
    stages: FlowStages


def build_flow(
    config: Config,
    workflow: StepFunctionsWorkflow,
    store: TicketStore,
    recorder: AuditRecorder,
    events: TicketEvents,
    clock: Clock,
    searching: SearchService | None,
    blocklist: DynamoBlocklist | None,
    catalog: TorrentCatalog | None = None,
) -> Flow:
    state = FlowState(store, recorder, events, clock)
    source: CandidateSource = NoIndexers()
    if searching is not None:
        source = IndexerCandidateSource(searching)
    acquisition = AcquisitionService(
        FlowState(store, recorder, events, clock, actor="acquisition"), store,
        build_brain(config), source, recorder,
        blocklist,
        config.textbrain.auto_approve_threshold,
        catalog,
    )
    return Flow(workflow, state, acquisition, FlowStages(store, state, workflow))
