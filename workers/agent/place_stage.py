"""The place stage: put every converted file at its dest_path atomically, then complete.

The Placer journals each step in the agent's work dir, so a redelivered message after a
crash resumes the same placement (files already placed are kept, half-written temps are
dropped). Any failure rolls back every file the ticket placed.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.completion import completion_stats
from chalicelib.domain.stage_protocol import ERROR_PLACEMENT_FAILED
from chalicelib.domain.states import TicketState
from workers.agent.settings import AgentSettings
from workers.agent.task import StageFailure, StageTask
from workers.agent.ticket_reporter import TicketReporter
from workers.agent.ticket_workdir import TicketWorkdir
from workers.media import Placement, PlacementRefused, Placer

log = logging.getLogger("quentin.agent.place")


def placement_dir(settings: AgentSettings) -> Path:
    return settings.work_dir / "placement"


class PlaceStage:
    """Runs place work orders with one Placer."""

    def __init__(self, settings: AgentSettings, placer: Placer) -> None:
        self._settings = settings
        self._placer = placer

    def run(self, task: StageTask, reporter: TicketReporter) -> dict[str, Any]:
        workdir = TicketWorkdir(self._settings.work_dir, task.ticket_id)
        done = workdir.get("place_result")
        if done:  # placed before a crash or a redelivery: only the answer was missing
            reporter.enter(TicketState.COMPLETED, "every file placed",
                           {"files": done["files"], "stats": done.get("stats")})
            return dict(done)
        outputs = self._outputs(task, workdir)
        reporter.enter(TicketState.PLACING, f"placing {len(outputs)} files",
                       {"progress_pct": 0})
        reporter.record(AuditEventType.PLACEMENT_STARTED, files=len(outputs))
        task.show(what=f"placing {len(outputs)} files", pct=0.0)
        placements = [Placement(Path(o["work_path"]), Path(o["dest_path"]), o.get("sha256"))
                      for o in outputs]
        try:
            report = self._placer.place_all(task.ticket_id, placements)
        except PlacementRefused as exc:
            reporter.record(AuditEventType.PLACEMENT_FAILED, reason=str(exc),
                            rollback="not_needed")
            raise StageFailure(ERROR_PLACEMENT_FAILED, str(exc), retryable=False,
                               rollback="not_needed") from None
        if not report.ok:
            reporter.record(AuditEventType.PLACEMENT_FAILED, reason=report.error,
                            failed_dest=str(report.failed_dest), rollback=report.rollback.value,
                            rollback_problems=list(report.rollback_problems))
            raise StageFailure(ERROR_PLACEMENT_FAILED, report.error or "placement failed",
                               retryable=False, rollback=report.rollback.value,
                               failed_dest=str(report.failed_dest))
        by_dest = {o["dest_path"]: o["item_id"] for o in outputs}
        files = [{"item_id": by_dest.get(str(f.dest), ""), "dest_path": str(f.dest),
                  "sha256": f.sha256, "size": f.size, "action": f.action.value}
                 for f in report.files]
        stats = self._stats(task, reporter, files)
        result = {"files": files, "stats": stats}
        workdir.update(place_result=result)  # before Completed: a crash now must not re-place
        reporter.enter(TicketState.COMPLETED, "every file placed",
                       {"files": files, "stats": stats})
        reporter.record(AuditEventType.PLACEMENT_COMPLETED,
                        files=[f["dest_path"] for f in files])
        workdir.remove_outputs()
        return result

    @staticmethod
    def _stats(task: StageTask, reporter: TicketReporter, files: list[dict[str, Any]]
               ) -> dict[str, Any]:
        """Completion stats; best effort (a stat that cannot be read must not fail a
        placement that succeeded)."""
        results = task.message.results
        downloaded = 0
        for entry in (results.get("download") or {}).get("files") or []:
            try:
                downloaded += Path(entry["local_path"]).stat().st_size
            except (OSError, KeyError, TypeError):
                continue
        try:
            ticket = reporter.ticket()
            return completion_stats(ticket, task.message.work, results, files, downloaded,
                                    datetime.now(UTC))
        except Exception:
            log.exception("completion stats not computed", extra={"ticket_id": task.ticket_id})
            return {"bytes_downloaded": downloaded, "files": len(files)}

    @staticmethod
    def _outputs(task: StageTask, workdir: TicketWorkdir) -> list[dict[str, Any]]:
        convert = task.message.results.get("convert") or workdir.get("convert_result") or {}
        outputs = convert.get("outputs")
        if not isinstance(outputs, list) or not outputs:
            raise StageFailure(ERROR_PLACEMENT_FAILED, "results.convert.outputs is missing or "
                               "empty", retryable=False)
        for number, output in enumerate(outputs):
            if not isinstance(output, dict) or not all(
                    isinstance(output.get(k), str) for k in ("item_id", "work_path", "dest_path")):
                raise StageFailure(ERROR_PLACEMENT_FAILED, f"results.convert.outputs[{number}] "
                                   f"needs item_id, work_path and dest_path", retryable=False)
        return outputs
