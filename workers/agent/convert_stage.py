"""The convert stage: convert, tag and check every item of a work order, in parallel.

Each finished item is tagged, hashed and renamed from ``.<item>.partial`` to its final name
in the ticket's ``out/`` folder, then recorded in the ticket's state: a final file only
exists once complete, so a restarted agent keeps it (after a probe) and converts the rest.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.stage_protocol import ERROR_CONVERSION_FAILED, ERROR_TRANSIENT, WorkOrder
from chalicelib.domain.states import TicketState
from workers.agent.cover_chain import CoverChain
from workers.agent.download_stage import require_work
from workers.agent.media_plan import (
    ItemPlan,
    PlanError,
    final_name,
    output_format,
    plan_items,
)
from workers.agent.settings import AgentSettings
from workers.agent.source_paths import SourcePathRefused, check_local_file, contained_file
from workers.agent.subtitle_fetch import SubtitleFetcher
from workers.agent.task import StageFailure, StageStopped, StageTask
from workers.agent.ticket_reporter import TicketReporter
from workers.agent.ticket_workdir import TicketWorkdir, item_file_stem
from workers.media import (
    BatchProgress,
    ConversionError,
    Converter,
    OutputFormat,
    ProbeError,
    TaggingError,
    convert_all,
    probe,
    tag_file,
)
from workers.media.formats import spec_of

log = logging.getLogger("quentin.agent.convert")
_CHUNK = 1 << 20
_NO_SPACE = "No space left on device"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ConvertStage:
    """Runs convert work orders with ffmpeg (up to `settings.max_conversions` at once)."""

    def __init__(self, settings: AgentSettings, converter: Converter | None = None,
                 covers: CoverChain | None = None,
                 subtitles: SubtitleFetcher | None = None) -> None:
        self._settings = settings
        self._converter = converter or Converter()
        self._covers = covers or CoverChain()
        self._subtitles = subtitles  # None: only the video's own streams give sidecars

    def run(self, task: StageTask, reporter: TicketReporter) -> dict[str, Any]:
        work = require_work(task)
        workdir = TicketWorkdir(self._settings.work_dir, task.ticket_id)
        done = workdir.get("convert_result")
        if done and all(Path(o["work_path"]).is_file() for o in done["outputs"]):
            return dict(done)
        sources = self._sources(task)
        fmt = self._format(work.constraints)
        try:
            plans = plan_items(work.files, sources, workdir.outputs_dir, work.constraints,
                               work.metadata, work.priority)
        except PlanError as exc:
            raise StageFailure(ERROR_CONVERSION_FAILED, str(exc), retryable=False) from None
        reporter.enter(TicketState.CONVERTING, f"converting {len(plans)} files to {fmt.value}",
                       {"progress_pct": 0, "format": fmt.value})
        workdir.outputs_dir.mkdir(parents=True, exist_ok=True)
        finished = self._reusable(workdir, plans, fmt)
        cover, cover_audit = self._cover(work, sources) \
            if spec_of(fmt).supports_cover else (None, {})
        reporter.record(AuditEventType.CONVERSION_STARTED, files=len(plans), format=fmt.value,
                        reused=len(finished), workers=self._settings.max_conversions,
                        **cover_audit)
        started = time.monotonic()
        counter = _Counter(len(plans), len(finished))
        for plan in plans:
            if plan.work.item_id not in finished and plan.copy_from is not None:
                task.check()
                finished[plan.work.item_id] = self._finish_copy(workdir, plan)
                counter.add(task, reporter)
        jobs = [p for p in plans if p.job is not None and p.work.item_id not in finished]
        notes: list[dict[str, Any]] = []
        errors = self._convert(task, reporter, workdir, jobs, fmt, cover, finished, counter,
                               {**work.lookup, **work.metadata}, notes)
        task.check()
        if errors:
            reason = "; ".join(f"{item}: {err.reason}" for item, err in errors)
            retryable = all(err.retryable for _, err in errors)
            if _NO_SPACE in reason:
                # ffmpeg and the tagger each describe a full disk their own way (some only as
                # an unreadable output): say it once, first, and where; freeing space and
                # retrying is the remedy, so it stays retryable.
                reason = f"disk full in the agent's work dir {workdir.outputs_dir}: {reason}"
                retryable = True
            reporter.record(AuditEventType.CONVERSION_FAILED, reason=reason, retryable=retryable,
                            failed=[item for item, _ in errors])
            raise StageFailure(ERROR_CONVERSION_FAILED, reason, retryable=retryable)
        outputs = [{**finished[p.work.item_id], "item_id": p.work.item_id,
                    "dest_path": p.work.dest_path} for p in plans]
        # Extracted subtitles go next to their video: "<dest stem>.<language>.srt".
        outputs += [{"item_id": o["item_id"], "work_path": extra["work_path"],
                     "sha256": extra["sha256"],
                     "dest_path": str(Path(o["dest_path"]).with_suffix("")) + extra["suffix"]}
                    for o in list(outputs) for extra in o.pop("sidecars", [])]
        result: dict[str, Any] = {"outputs": outputs}
        if notes:
            result["subtitles"] = sorted(notes, key=lambda n: (n["item_id"], n["language"]))
        workdir.update(convert_result=result)
        elapsed = time.monotonic() - started
        reporter.progress(100.0, force=True)
        reporter.record(AuditEventType.CONVERSION_COMPLETED, files=len(outputs),
                        format=fmt.value, elapsed_secs=round(elapsed, 3),
                        **({"subtitles": result["subtitles"]} if notes else {}))
        return result

    # --- inputs --------------------------------------------------------------------------

    @staticmethod
    def _sources(task: StageTask) -> dict[str, Path]:
        download = task.message.results.get("download") or {}
        files = download.get("files")
        work = require_work(task)
        try:
            if isinstance(files, list) and files:
                try:
                    save_path = download.get("save_path")
                    root = Path(save_path) if isinstance(save_path, str) and save_path else None
                    return {str(f["item_id"]): check_local_file(Path(f["local_path"]), root)
                            for f in files}
                except (KeyError, TypeError):
                    raise StageFailure(ERROR_CONVERSION_FAILED, "results.download.files "
                                       "entries need item_id and local_path",
                                       retryable=False) from None
            if work.source_dir:
                root = Path(work.source_dir)
                return {f.item_id: contained_file(root, f.path) for f in work.files if f.path}
        except SourcePathRefused as e:
            # Not a source to convert from, whatever the message says: refuse for good.
            raise StageFailure(ERROR_CONVERSION_FAILED, f"source refused: {e}",
                               retryable=False) from None
        raise StageFailure(ERROR_CONVERSION_FAILED, "results.download.files is missing and "
                           "the work order has no source_dir", retryable=False)

    @staticmethod
    def _format(constraints: dict[str, Any]) -> OutputFormat:
        try:
            return output_format(constraints)
        except PlanError as exc:
            raise StageFailure(ERROR_CONVERSION_FAILED, str(exc), retryable=False) from None

    def _cover(self, work: WorkOrder, sources: dict[str, Path]
               ) -> tuple[tuple[bytes, str] | None, dict[str, Any]]:
        """The cover to embed and, for the audit trail, which source served it."""
        if not work.constraints.get("embed_cover"):
            return None, {}
        image, misses = self._covers.find(work.metadata, work.files, sources)
        if image is None:
            return None, {"cover_source": None, "cover_misses": misses}
        audit = {"cover_source": image.source, "cover_origin": image.origin,
                 "cover_misses": misses}
        return (image.data, image.mime_type), audit

    def _reusable(self, workdir: TicketWorkdir, plans: list[ItemPlan], fmt: OutputFormat
                  ) -> dict[str, dict[str, Any]]:
        """Items converted by an earlier run whose final file is intact and probes right."""
        recorded = workdir.get("outputs") or {}
        kept: dict[str, dict[str, Any]] = {}
        for plan in plans:
            entry = recorded.get(plan.work.item_id)
            if not entry:
                continue
            path = Path(entry["work_path"])
            if not path.is_file() or path.stat().st_size != entry.get("size"):
                continue
            if plan.job is not None and spec_of(fmt).codec_name is not None:
                try:
                    info = probe(path)
                except ProbeError:
                    continue
                if info.codec != spec_of(fmt).codec_name:
                    continue
            kept[plan.work.item_id] = entry
        return kept

    # --- work ----------------------------------------------------------------------------

    def _finish_copy(self, workdir: TicketWorkdir, plan: ItemPlan) -> dict[str, Any]:
        assert plan.copy_from is not None
        partial = workdir.outputs_dir / f".{item_file_stem(plan.work.item_id)}.partial"
        try:
            shutil.copyfile(plan.copy_from, partial)
        except OSError as exc:
            raise StageFailure(ERROR_TRANSIENT, f"item {plan.work.item_id}: copy failed ({exc})",
                               retryable=True) from None
        return self._finalise(workdir, plan, partial, OutputFormat.ORIGINAL)

    def _finalise(self, workdir: TicketWorkdir, plan: ItemPlan, partial: Path,
                  fmt: OutputFormat, sidecars: tuple[Path, ...] = ()) -> dict[str, Any]:
        final = workdir.outputs_dir / final_name(plan.work.item_id, fmt, plan.source)
        digest = sha256_of(partial)
        size = partial.stat().st_size
        # Sidecars (.srt) keep what follows the output's stem: "<stem>.ger.srt" -> ".ger.srt".
        extras = []
        for sidecar in sidecars:
            suffix = sidecar.name[len(partial.stem):]
            kept = final.with_name(final.stem + suffix)
            extras.append({"work_path": str(kept), "sha256": sha256_of(sidecar),
                           "suffix": suffix})
            os.replace(sidecar, kept)
        os.replace(partial, final)
        entry: dict[str, Any] = {"work_path": str(final), "sha256": digest, "size": size}
        if extras:
            entry["sidecars"] = extras
        workdir.record_output(plan.work.item_id, entry)
        return entry

    def _convert(self, task: StageTask, reporter: TicketReporter, workdir: TicketWorkdir,
                 plans: list[ItemPlan], fmt: OutputFormat, cover: tuple[bytes, str] | None,
                 finished: dict[str, dict[str, Any]], counter: _Counter,
                 metadata: dict[str, Any], notes: list[dict[str, Any]]
                 ) -> list[tuple[str, ConversionError]]:
        errors: list[tuple[str, ConversionError]] = []
        by_job = {id(p.job): p for p in plans}
        jobs = [p.job for p in plans if p.job is not None]

        def on_done(progress: BatchProgress) -> None:
            plan = by_job[id(progress.outcome.job)]
            item = plan.work.item_id
            if progress.outcome.error is not None:
                _discard(progress.outcome.job.output)
                if not progress.outcome.error.cancelled:
                    errors.append((item, progress.outcome.error))
                return
            try:
                if plan.tags is not None:
                    tag_file(plan.job.output if plan.job else plan.source, plan.tags,
                             *(cover or ()))
                result = progress.outcome.result
                sidecars = result.sidecars if result is not None else ()
                sidecars += self._remote_subtitles(plan, progress.outcome.job.output, metadata,
                                                   notes)
                finished[item] = self._finalise(workdir, plan, progress.outcome.job.output, fmt,
                                                sidecars)
            except (TaggingError, OSError) as exc:
                _discard(progress.outcome.job.output)  # half-tagged: a full disk needs the room
                errors.append((item, ConversionError(plan.source, f"tagging failed: {exc}",
                                                     retryable=isinstance(exc, OSError))))
                return
            try:
                counter.add(task, reporter)
            except StageStopped as stop:
                task.stop(stop.reason)  # stops the remaining ffmpeg runs too

        convert_all(jobs, self._settings.max_conversions, progress=on_done,
                    cancel=task.stop_event, converter=self._converter)
        return errors

    def _remote_subtitles(self, plan: ItemPlan, output: Path, metadata: dict[str, Any],
                          notes: list[dict[str, Any]]) -> tuple[Path, ...]:
        """Sidecars for the wanted languages the source lacks (never raises for a miss)."""
        job = plan.job
        if self._subtitles is None or job is None or not job.subtitle_languages:
            return ()
        fetched = self._subtitles.fetch(plan.source, output, job.subtitle_languages, metadata)
        notes.extend({"item_id": plan.work.item_id, **note} for note in fetched.notes)
        return fetched.sidecars


def _discard(partial: Path) -> None:
    """Drop an output that will not be finalised (a retry converts it again)."""
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)


class _Counter:
    """Counts finished items and reports the stage's progress."""

    def __init__(self, total: int, done: int) -> None:
        self.total = total
        self.done = done
        self._lock = threading.Lock()

    def add(self, task: StageTask, reporter: TicketReporter) -> None:
        with self._lock:
            self.done += 1
            pct = 100.0 * self.done / max(self.total, 1)
        task.show(what=f"{self.done}/{self.total} files", pct=pct)
        if self.done < self.total:
            reporter.progress(pct, files_done=self.done, files_total=self.total)

