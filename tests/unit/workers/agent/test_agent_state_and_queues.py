from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.config import parse_config
from chalicelib.domain.stage_protocol import Stage, StageMessage
from workers.agent.queue_poller import Received, order_batch, token_of
from workers.agent.settings import AgentSettings
from workers.agent.task import StageStopped, StageTask, StopReason
from workers.agent.ticket_workdir import TicketWorkdir, check_ticket_id, known_tickets


def test_workdir_state_is_merged_and_survives_a_new_instance(tmp_path: Path) -> None:
    first = TicketWorkdir(tmp_path, "abc123")
    first.update(info_hash="h", save_path="/x")
    first.record_output("t1", {"work_path": "/w/t1.ogg", "sha256": "s", "size": 3})
    again = TicketWorkdir(tmp_path, "abc123").read()
    assert again == {"info_hash": "h", "save_path": "/x",
                     "outputs": {"t1": {"work_path": "/w/t1.ogg", "sha256": "s", "size": 3}}}
    assert [p.name for p in (tmp_path / "tickets" / "abc123").iterdir()] == ["state.json"]
    assert list(known_tickets(tmp_path)) == ["abc123"]


@pytest.mark.parametrize("bad", ["../x", "a/b", "", "..", ".hidden"])
def test_unsafe_ticket_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="ticket_id"):
        check_ticket_id(bad)


def _message(ticket: str, priority: int) -> StageMessage:
    return StageMessage.parse({"schema": "qt.stage/1", "stage": "convert", "ticket_id": ticket,
                               "task_token": "tok", "priority": priority})


def test_batches_go_band_first_then_priority_then_arrival() -> None:
    batch = [(Received("q", rank, "", ""), _message(t, p)) for rank, t, p in
             [(1, "n-low", 100), (0, "h-100", 100), (1, "n-high", 400), (0, "h-900", 900),
              (1, "n-low2", 100)]]
    assert [m.ticket_id for _, m in order_batch(batch)] == [
        "h-900", "h-100", "n-high", "n-low", "n-low2"]


def test_a_token_is_read_from_an_invalid_message_when_present() -> None:
    assert token_of(json.dumps({"schema": "x", "task_token": "t"})) == "t"
    assert token_of("not json") is None
    assert token_of(json.dumps(["a"])) is None


def test_cancel_beats_release_and_stops_waits() -> None:
    task = StageTask(_message("t", 1), "q", "r")
    task.stop(StopReason.RELEASED)
    task.stop(StopReason.CANCELLED)
    task.stop(StopReason.RELEASED)
    with pytest.raises(StageStopped) as stopped:
        task.wait(5)
    assert stopped.value.reason is StopReason.CANCELLED


def test_settings_derive_heartbeat_queues_and_paths(tmp_path: Path) -> None:
    config = parse_config({"auth": {"method": "none"}, "aws": {"resource_prefix": "qq"},
                           "orchestrator": {"heartbeat_timeout_secs": 100,
                                            "max_concurrent_conversions": 3}}, {})
    settings = AgentSettings.from_config(config, tmp_path)
    assert settings.heartbeat_interval_secs == 20.0
    assert settings.visibility_timeout_secs >= 2 * settings.heartbeat_interval_secs
    assert settings.work_dir == tmp_path / "data" / "agent"
    assert settings.max_conversions == 3 and settings.stall_timeout_secs == 1800
    assert settings.stage_queues(Stage.PLACE) == ("qq-place-high", "qq-place-normal",
                                                   "qq-place-low")
    assert settings.control_queue == "qq-agent-control"


def test_settings_refuse_a_visibility_shorter_than_two_heartbeats(tmp_path: Path) -> None:
    config = parse_config({"auth": {"method": "none"}}, {})
    good = AgentSettings.from_config(config, tmp_path)
    with pytest.raises(ValueError, match="visibility_timeout_secs"):
        AgentSettings(**{**good.__dict__, "visibility_timeout_secs": 1})
    with pytest.raises(ValueError, match="max_downloads"):
        AgentSettings(**{**good.__dict__, "max_downloads": 0})
