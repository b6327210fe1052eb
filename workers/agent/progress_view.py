"""Live progress bars per task on a terminal (rich); elsewhere the JSON log says it all."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from rich.console import Console, Group
from rich.live import Live
from rich.logging import RichHandler
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from workers.agent.task import StageTask

REFRESH_SECS = 0.5


def human_speed(bps: float | None) -> str:
    if not bps:
        return ""
    for unit in ("B/s", "KiB/s", "MiB/s", "GiB/s"):
        if bps < 1024:
            return f"{bps:.0f} {unit}"
        bps /= 1024
    return f"{bps:.0f} TiB/s"


def render(tasks: list[StageTask]) -> Table:
    """One row per running task: stage, ticket, what it does, a bar, the speed."""
    table = Table(expand=True, show_edge=False, title="agent tasks")
    for column in ("stage", "ticket", "step", "progress", "%", "speed"):
        table.add_column(column, no_wrap=True)
    for task in sorted(tasks, key=lambda t: (t.message.stage.value, t.ticket_id)):
        pct = float(task.status.get("pct") or 0.0)
        table.add_row(task.message.stage.value, task.ticket_id[:12],
                      str(task.status.get("what", "starting")),
                      ProgressBar(total=100.0, completed=pct, width=30), f"{pct:5.1f}",
                      human_speed(task.status.get("speed_bps")))
    if not tasks:
        table.add_row("", "", Text("waiting for work", style="dim"), "", "", "")
    return table


class TerminalView:
    """Redraws the task table twice a second until stopped; logs go above it."""

    def __init__(self, tasks: Callable[[], list[StageTask]], console: Console | None = None
                 ) -> None:
        self._tasks = tasks
        self._console = console or Console(stderr=True)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="progress-view")

    def install_logging(self, level: int = logging.INFO) -> None:
        handler = RichHandler(console=self._console, show_path=False)
        root = logging.getLogger()
        root.handlers = [handler]
        root.setLevel(level)
        for noisy in ("botocore", "boto3", "urllib3", "werkzeug", "pynamodb"):
            logging.getLogger(noisy).setLevel(logging.WARNING)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        with Live(Group(render(self._tasks())), console=self._console,
                  refresh_per_second=4, transient=True) as live:
            while not self._stop.wait(REFRESH_SECS):
                live.update(Group(render(self._tasks())))
