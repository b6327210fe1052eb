"""Completion stats: time per stage from the history, the source and the conversion."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from chalicelib.domain.completion import completion_stats
from chalicelib.domain.stage_protocol import SourceCandidate, WorkOrder
from chalicelib.domain.states import TicketState as S
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.validation import parse_ticket_request
from tests.support.fakes import EPOCH_START, FakeClock


def test_stats_sum_time_per_stage_and_describe_source_and_conversion() -> None:
    clock = FakeClock(EPOCH_START)
    request = parse_ticket_request({
        "search": {"artist": "A", "album": "B"},
        "tracks": [{"catalog_track_id": "t", "track_number": 1, "name": "x",
                    "dest_path": "/media/a/1.ogg"}]}, ["/media"])
    ticket = Ticket.new("t1", request, "u", clock.now())
    for state, secs in ((S.ACQUIRING, 2), (S.AUTO_APPROVED, 10), (S.DOWNLOADING, 1),
                        (S.CONVERTING, 30), (S.PLACING, 20)):
        clock.advance(secs)
        ticket = ticket.transition(state, actor="t", reason="", now=clock.now())
    clock.advance(3)
    work = WorkOrder("t1", 100, (), SourceCandidate("A - B [FLAC]", "ab" * 20, indexer="x",
                                                    size=900), constraints={"format": "opus"})
    results = {"convert": {"outputs": [{"size": 40}, {"size": 60}]}}
    stats = completion_stats(ticket, work, results, [{"size": 40}, {"size": 60}], 900,
                             clock.now())
    assert stats["secs_per_stage"] == {"pending": 2, "acquiring": 10, "auto_approved": 1,
                                       "downloading": 30, "converting": 20, "placing": 3}
    assert stats["total_secs"] == 66
    assert stats["source"] == {"title": "A - B [FLAC]", "info_hash": "ab" * 20,
                               "indexer": "x", "size": 900}
    assert stats["conversion"] == {"format": "opus", "files": 2, "output_bytes": 100}
    assert (stats["files"], stats["bytes_placed"], stats["bytes_downloaded"]) == (2, 100, 900)
    assert replace(ticket).history[-1].to_state is S.PLACING
    assert timedelta(seconds=stats["total_secs"]) == clock.now() - ticket.created_at
