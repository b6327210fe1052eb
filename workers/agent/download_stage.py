"""The download stage: fetch the chosen torrent's wanted files with the torrent client.

Idempotent per ticket: the info hash and the result are kept in the ticket's work dir, the
torrent client keeps its own resume data, so a redelivered message or a restarted agent
picks the same torrent up where it was instead of adding it again.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.stage_protocol import (
    ERROR_DOWNLOAD_FAILED,
    ERROR_TRANSIENT,
    SourceCandidate,
    WorkFile,
    WorkOrder,
)
from chalicelib.domain.states import TicketState
from chalicelib.services.catalog_entries import catalog_contents, downloaded_torrent
from workers.agent.disk_space import FreeBytes, Need, free_bytes, shortage
from workers.agent.file_selection import SelectedFile, SelectionError, select_files
from workers.agent.ports import TorrentCatalog, TorrentClient
from workers.agent.settings import AgentSettings
from workers.agent.source_fetch import SourceError, TorrentSource, fetch_source
from workers.agent.source_paths import SourcePathRefused, contained_file, safe_relative
from workers.agent.task import StageFailure, StageStopped, StageTask, StopReason
from workers.agent.ticket_reporter import TicketReporter
from workers.agent.ticket_workdir import TicketWorkdir
from workers.agent.torrent_names import check_torrent_names
from workers.torrent.client import (
    ClientUnreachable,
    MetadataTimeout,
    TorrentClientError,
    TorrentNotFound,
    TorrentState,
    TorrentStatus,
)
from workers.torrent.stall import StallDetector

log = logging.getLogger("quentin.agent.download")


Fetcher = Callable[[SourceCandidate], TorrentSource]


def torrent_tag(ticket_id: str) -> str:
    """The tag (qBittorrent) grouping a ticket's torrents in the client."""
    return f"qt-{ticket_id}"


def candidate_key(candidate: SourceCandidate) -> str:
    return (candidate.info_hash or candidate.magnet_uri or candidate.download_url or
            candidate.title).lower()


class DownloadStage:
    """Runs download work orders against one torrent client."""

    def __init__(self, settings: AgentSettings, client: TorrentClient, *,
                 fetch: Fetcher = fetch_source, poll_secs: float = 0.25,
                 clock: Callable[[], float] = time.monotonic,
                 catalog: TorrentCatalog | None = None,
                 free: FreeBytes = free_bytes) -> None:
        self._settings = settings
        self._free = free
        self._catalog = catalog
        self._client = client
        self._fetch = fetch
        self._poll = poll_secs
        self._clock = clock

    def run(self, task: StageTask, reporter: TicketReporter) -> dict[str, Any]:
        work = require_work(task)
        workdir = TicketWorkdir(self._settings.work_dir, task.ticket_id)
        state = workdir.read()
        done = state.get("download_result")
        if done and all(Path(f["local_path"]).is_file() for f in done["files"]):
            log.info("download already done", extra={"ticket_id": task.ticket_id})
            return dict(done)
        if work.candidate is None:
            try:
                return self._local_source(task, work, reporter, workdir)
            except StageFailure as failure:
                reporter.record(AuditEventType.DOWNLOAD_FAILED, reason=failure.reason,
                                retryable=failure.retryable)
                raise
        candidate = work.candidate
        reporter.enter(TicketState.DOWNLOADING, f"downloading {candidate.title}",
                       {"candidate": candidate.title, "progress_pct": 0})
        holder = reporter.claim_download()
        if holder != reporter.agent_id:  # lost a race: the download runs on the holder
            log.info("download claimed by agent %s; handing the message back", holder,
                     extra={"ticket_id": task.ticket_id})
            raise StageStopped(StopReason.RELEASED)
        self._await_network(task, reporter, None)
        started = False
        while True:
            try:
                info_hash, files = self._download(task, work, workdir, reporter,
                                                  announce=not started)
                break
            except ClientUnreachable as exc:
                # The client restarts or crashed: its torrents (and their data) survive it.
                # Wait for it, then take up the same torrent again from the add: each step
                # is idempotent, and a torrent it forgot is added again.
                started = started or workdir.get("info_hash") is not None
                self._await_client(task, reporter, str(exc))
        save_path = Path(workdir.get("save_path"))
        missing = [f["local_path"] for f in files if not Path(f["local_path"]).is_file()]
        if missing:
            raise StageFailure(ERROR_TRANSIENT, f"finished but {missing[0]} is not on disk",
                               retryable=True)
        # agent_id: later stages run where the files are (chalicelib/domain/agents.py).
        result = {"save_path": str(save_path), "info_hash": info_hash, "files": files,
                  "agent_id": self._settings.agent_id}
        workdir.update(download_result=result)
        self._register(task, work, info_hash, save_path)
        reporter.progress(100.0, force=True, speed_bps=0, eta_secs=0)
        reporter.record(AuditEventType.DOWNLOAD_COMPLETED, info_hash=info_hash,
                        files=len(files))
        return result

    def _download(self, task: StageTask, work: WorkOrder, workdir: TicketWorkdir,
                  reporter: TicketReporter, *, announce: bool
                  ) -> tuple[str, list[dict[str, str]]]:
        """Add (or find) the torrent, choose its files and follow it to the end."""
        candidate = work.candidate
        assert candidate is not None
        try:
            info_hash = self._add(task, candidate, workdir, workdir.read())
        except StageFailure as failure:
            reporter.record(AuditEventType.DOWNLOAD_FAILED, reason=failure.reason,
                            retryable=failure.retryable)
            raise
        if announce:
            reporter.record(AuditEventType.DOWNLOAD_STARTED, info_hash=info_hash,
                            title=candidate.title, indexer=candidate.indexer)
        task.show(what="metadata", pct=0.0)
        try:
            selected = self._select(task, work, info_hash, reporter)
            self._client.set_file_priorities(info_hash, {s.index for s in selected})
            self._check_space(work, info_hash, selected)
            self._await_network(task, reporter, info_hash)
            self._client.resume(info_hash)
            self._follow(task, info_hash, selected, reporter)
            save_path = Path(workdir.get("save_path"))
            files = [{"item_id": s.item_id, "local_path": str(self._downloaded(save_path, s))}
                     for s in selected]
        except StageFailure as failure:
            reporter.record(AuditEventType.DOWNLOAD_FAILED, info_hash=info_hash,
                            reason=failure.reason, retryable=failure.retryable)
            if failure.error == ERROR_DOWNLOAD_FAILED:
                self.discard(info_hash)  # the flow blocklists it and tries the next candidate
                workdir.update(info_hash=None, candidate_key=None)
            raise
        return info_hash, files

    def _await_client(self, task: StageTask, reporter: TicketReporter, problem: str) -> None:
        """Wait (heartbeating) until the torrent client answers again; past the stall
        timeout, fail retryably: the flow tries again later, the release is not to blame."""
        log.warning("download waits for the torrent client: %s", problem,
                    extra={"ticket_id": task.ticket_id})
        reporter.progress(task.status.get("pct", 0.0), force=True, waiting_reason=problem)
        task.show(what="waiting", reason=problem)
        give_up = self._clock() + self._settings.stall_timeout_secs
        while True:
            reporter.check_not_cancelled()
            task.wait(self._poll)
            try:
                self._client.list(torrent_tag(task.ticket_id))
                break
            except ClientUnreachable as exc:
                problem = str(exc)
            if self._clock() > give_up:
                raise StageFailure(ERROR_TRANSIENT, f"torrent client unreachable for "
                                   f"{self._settings.stall_timeout_secs:g}s: {problem}",
                                   retryable=True)
        reporter.progress(task.status.get("pct", 0.0), force=True, waiting_reason=None)
        task.show(what="downloading", reason=None)
        log.info("torrent client back; download continues", extra={"ticket_id": task.ticket_id})

    def _register(self, task: StageTask, work: WorkOrder, info_hash: str,
                  save_path: Path) -> None:
        """Tell the torrent catalog what this torrent holds, so later tickets reuse it."""
        if self._catalog is None:
            return
        try:
            entries = self._client.files(info_hash)
            listed = [(str(e.path), e.size) for e in entries]
            name = listed[0][0].split("/", 1)[0] if listed else info_hash
            meta = downloaded_torrent(name, info_hash, listed)
            contents = catalog_contents(work, dict(listed))
            self._catalog.register_torrent(meta, contents, save_path=str(save_path),
                                           agent_id=self._settings.agent_id)
        except Exception:  # the download is done; a missing catalog entry only costs reuse
            log.warning("torrent not registered in the catalog", exc_info=True,
                        extra={"ticket_id": task.ticket_id, "info_hash": info_hash})

    @staticmethod
    def _source_file(root: Path, work: WorkFile) -> Path:
        """A work file below `source_dir`, refused (for good: the order itself is wrong) when
        its path would read anything else."""
        try:
            return contained_file(root, work.path or "")
        except SourcePathRefused as e:
            raise StageFailure(ERROR_DOWNLOAD_FAILED, f"item {work.item_id}: {e}",
                               retryable=False) from None

    @staticmethod
    def _downloaded(save_path: Path, selected: SelectedFile) -> Path:
        """A finished file below the save path; a symlink or an escape fails the release
        (the flow blocklists it and tries the next candidate)."""
        try:
            return contained_file(save_path, selected.path)
        except SourcePathRefused as e:
            raise StageFailure(ERROR_DOWNLOAD_FAILED, f"item {selected.item_id}: the torrent's "
                               f"file is refused: {e}", retryable=False) from None

    def discard(self, info_hash: str) -> None:
        """Remove a torrent and its data from the client (no error if it is gone)."""
        with contextlib.suppress(TorrentNotFound):
            self._client.remove(info_hash, delete_data=True)

    # --- steps ---------------------------------------------------------------------------

    def _local_source(self, task: StageTask, work: WorkOrder, reporter: TicketReporter,
                      workdir: TicketWorkdir) -> dict[str, Any]:
        """A work order without a candidate: its files already lie below `source_dir`."""
        if not work.source_dir:
            raise StageFailure(ERROR_DOWNLOAD_FAILED, "work order has neither a candidate "
                               "nor a source_dir", retryable=False)
        root = Path(work.source_dir)
        files = [{"item_id": f.item_id, "local_path": str(self._source_file(root, f))}
                 for f in work.files if f.path]
        missing = [f["local_path"] for f in files if not Path(f["local_path"]).is_file()]
        if missing:
            raise StageFailure(ERROR_DOWNLOAD_FAILED, f"source file {missing[0]} is missing",
                               retryable=False)
        result = {"save_path": str(root), "info_hash": None, "files": files,
                  "agent_id": self._settings.agent_id}
        workdir.update(download_result=result)
        return result

    def _add(self, task: StageTask, candidate: SourceCandidate, workdir: TicketWorkdir,
             state: dict[str, Any]) -> str:
        key = candidate_key(candidate)
        known = state.get("info_hash")
        if known and state.get("candidate_key") == key and self._present(known):
            return str(known)  # a restart or a redelivery: the client still has it
        if known and state.get("candidate_key") != key:
            self.discard(str(known))  # an earlier candidate's torrent
        try:
            source = self._fetch(candidate)
        except SourceError as exc:
            error = ERROR_TRANSIENT if exc.retryable else ERROR_DOWNLOAD_FAILED
            raise StageFailure(error, exc.reason, retryable=exc.retryable) from None
        if source.torrent_bytes is not None:
            try:
                check_torrent_names(source.torrent_bytes)
            except SourcePathRefused as exc:
                raise StageFailure(ERROR_DOWNLOAD_FAILED, str(exc), retryable=False) from None
        save_path = self._settings.download_dir / task.ticket_id
        save_path.mkdir(parents=True, exist_ok=True)
        try:
            info_hash = self._client.add(magnet=source.magnet, torrent_bytes=source.torrent_bytes,
                                         save_path=save_path, tag=torrent_tag(task.ticket_id),
                                         paused=True)
        except ClientUnreachable:
            raise  # not the release's fault: waited for in run()
        except TorrentClientError as exc:
            raise StageFailure(ERROR_DOWNLOAD_FAILED, f"torrent client refused it: {exc}",
                               retryable=False) from None
        workdir.update(info_hash=info_hash, candidate_key=key, save_path=str(save_path))
        return info_hash

    def _present(self, info_hash: str) -> bool:
        try:
            self._client.status(info_hash)
        except TorrentNotFound:
            return False
        return True

    def _select(self, task: StageTask, work: WorkOrder, info_hash: str,
                reporter: TicketReporter) -> list[SelectedFile]:
        stall = StallDetector(stall_after_seconds=self._settings.stall_timeout_secs,
                              clock=self._clock)
        while True:  # a magnet's metadata comes from peers; watch it like any progress
            # Not paused here: a magnet fetches its metadata in upload mode, which pausing
            # would end; a client bound to the interface sends nothing while it is down.
            if self._await_network(task, reporter, None):
                stall = StallDetector(stall_after_seconds=self._settings.stall_timeout_secs,
                                      clock=self._clock)
            status = self._client.status(info_hash)
            if status.state is not TorrentState.FETCHING_METADATA:
                break
            stalled = stall.observe(status)
            if stalled is not None:
                raise StageFailure(ERROR_DOWNLOAD_FAILED, f"stalled: {stalled.reason}",
                                   retryable=False, info_hash=info_hash)
            reporter.check_not_cancelled()
            task.wait(self._poll)
        try:
            entries = self._client.files(info_hash)
        except MetadataTimeout as exc:
            raise StageFailure(ERROR_DOWNLOAD_FAILED, f"stalled: {exc}", retryable=False) from None
        try:
            selected = select_files(work.files, entries)
        except SelectionError as exc:
            raise StageFailure(ERROR_DOWNLOAD_FAILED, str(exc), retryable=False) from None
        if not selected:
            raise StageFailure(ERROR_DOWNLOAD_FAILED, "the work order maps no torrent file",
                               retryable=False)
        for chosen in selected:  # refused before a byte of it is downloaded
            try:
                safe_relative(chosen.path)
            except SourcePathRefused as exc:
                raise StageFailure(ERROR_DOWNLOAD_FAILED, f"item {chosen.item_id}: the "
                                   f"torrent's file is refused: {exc}", retryable=False) from None
        return selected

    def _follow(self, task: StageTask, info_hash: str, selected: list[SelectedFile],
                reporter: TicketReporter) -> None:
        """Poll until the wanted files are complete; report progress; detect a stall."""
        stall = StallDetector(stall_after_seconds=self._settings.stall_timeout_secs,
                              clock=self._clock)
        wanted = {s.index for s in selected}
        while True:
            task.check()
            if self._await_network(task, reporter, info_hash):
                self._client.resume(info_hash)
                stall = StallDetector(stall_after_seconds=self._settings.stall_timeout_secs,
                                      clock=self._clock)
            status = self._client.status(info_hash)
            if status.state is TorrentState.ERROR:
                raise StageFailure(ERROR_DOWNLOAD_FAILED,
                                   f"torrent client error: {status.error}", retryable=False)
            if status.is_complete and self._files_complete(info_hash, wanted):
                return
            stalled = stall.observe(status)
            if stalled is not None:
                raise StageFailure(ERROR_DOWNLOAD_FAILED, f"stalled: {stalled.reason}",
                                   retryable=False, info_hash=info_hash)
            self._report(task, status, reporter)
            task.wait(self._poll)

    def _check_space(self, work: WorkOrder, info_hash: str,
                     selected: list[SelectedFile]) -> None:
        """Room for what is still to download, its conversion and its destinations."""
        wanted = {s.index for s in selected}
        entries = [e for e in self._client.files(info_hash) if e.index in wanted]
        remaining = sum(int(e.size * (1 - e.progress)) for e in entries)
        total = sum(e.size for e in entries)
        sizes = {s.item_id: e.size for s in selected for e in entries if e.index == s.index}
        needs = [Need(self._settings.download_dir, remaining, "download"),
                 Need(self._settings.work_dir,
                      total * self._settings.conversion_headroom_pct // 100, "conversion")]
        needs += [Need(Path(f.dest_path).parent, sizes.get(f.item_id, 0), "destination")
                  for f in work.files if f.dest_path]
        problem = shortage(needs, self._free)
        if problem is not None:
            # Not the release's fault: no blocklisting; retried, then failed retryably.
            raise StageFailure(ERROR_TRANSIENT, problem, retryable=True)

    def _await_network(self, task: StageTask, reporter: TicketReporter,
                       info_hash: str | None) -> bool:
        """The kill switch: while the client's network is unusable (its bound interface is
        down), keep the torrent paused and the ticket waiting with the reason; True if it
        waited (the caller resumes). Heartbeats go on meanwhile, so the flow keeps waiting."""
        problem = self._client.network_problem()
        if problem is None:
            return False
        if info_hash is not None:
            with contextlib.suppress(TorrentNotFound):
                self._client.pause(info_hash)
        log.warning("download waits: %s", problem, extra={"ticket_id": task.ticket_id})
        reporter.progress(0.0 if info_hash is None else task.status.get("pct", 0.0),
                          force=True, waiting_reason=problem)
        task.show(what="waiting", reason=problem)
        while problem is not None:
            reporter.check_not_cancelled()
            task.wait(self._poll)
            problem = self._client.network_problem()
            if problem is not None and problem != task.status.get("reason"):
                reporter.progress(task.status.get("pct", 0.0), force=True, waiting_reason=problem)
                task.show(reason=problem)
        reporter.progress(task.status.get("pct", 0.0), force=True, waiting_reason=None)
        task.show(what="downloading", reason=None)
        log.info("network back; download continues", extra={"ticket_id": task.ticket_id})
        return True

    def _files_complete(self, info_hash: str, wanted: set[int]) -> bool:
        return all(e.progress >= 1.0 for e in self._client.files(info_hash) if e.index in wanted)

    def _report(self, task: StageTask, status: TorrentStatus, reporter: TicketReporter) -> None:
        pct = status.progress * 100
        task.show(what=status.state.value, pct=pct, speed_bps=status.download_speed_bps)
        reporter.progress(pct, audit=AuditEventType.DOWNLOAD_PROGRESS,
                          speed_bps=status.download_speed_bps, eta_secs=status.eta_seconds)


def require_work(task: StageTask) -> WorkOrder:
    if task.message.work is None:
        raise StageFailure(ERROR_TRANSIENT, f"{task.message.stage.value} message has no work "
                           f"order", retryable=False)
    return task.message.work
