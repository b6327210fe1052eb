"""The real agent (`workers.agent.__main__`), SIGKILLed by itself at a chosen moment.

`python -m tests.e2e.workers.agent.crashing_agent --config ...` with QT_CRASH_AT set to
"download" (once some payload arrived), "convert" (after the second converted file was
finalised), "place" (right after the first file was placed), "place_temp" (a verified temp
written beside a destination, not yet moved onto it) or "after:<stage>" (the stage's work
done and kept, its answer not yet sent). The kill is a real SIGKILL:
nothing is flushed or cleaned up.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from workers.agent import __main__ as agent_main
from workers.agent import convert_stage, download_stage
from workers.media import placer


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(where: str) -> None:
    if where == "download":
        report = download_stage.DownloadStage._report

        def crash_report(self: Any, task: Any, status: Any, reporter: Any) -> None:
            report(self, task, status, reporter)
            if status.progress > 0.05:
                _die()

        download_stage.DownloadStage._report = crash_report  # type: ignore[method-assign]
    elif where == "convert":
        finalise = convert_stage.ConvertStage._finalise
        count = [0]

        def crash_finalise(self: Any, *args: Any) -> Any:
            entry = finalise(self, *args)
            count[0] += 1
            if count[0] == 2:
                _die()
            return entry

        convert_stage.ConvertStage._finalise = crash_finalise  # type: ignore[method-assign]
    elif where == "place":
        step = placer.Placer._step

        def crash_step(self: Any, name: str, dest: Path) -> None:
            step(self, name, dest)
            if name == "placed":
                _die()

        placer.Placer._step = crash_step  # type: ignore[method-assign]
    elif where == "place_temp":
        temp_step = placer.Placer._step

        def crash_temp(self: Any, name: str, dest: Path) -> None:
            temp_step(self, name, dest)
            if name == "temp_written":  # a complete temp beside the destination, not moved
                _die()

        placer.Placer._step = crash_temp  # type: ignore[method-assign]
    elif where.startswith("after:"):
        _arm_after(where.removeprefix("after:"))
    else:
        raise SystemExit(f"QT_CRASH_AT={where!r}: expected download, convert, place, "
                         f"place_temp or after:<stage>")


def _arm_after(stage: str) -> None:
    """Die once the stage's work is done and kept, before the flow hears the answer."""
    from workers.agent import place_stage

    owner = {"download": download_stage.DownloadStage, "convert": convert_stage.ConvertStage,
             "place": place_stage.PlaceStage}[stage]
    run = owner.run

    def run_then_die(self: Any, task: Any, reporter: Any) -> Any:
        run(self, task, reporter)
        _die()

    owner.run = run_then_die  # type: ignore[method-assign]


if __name__ == "__main__":
    _arm(os.environ.get("QT_CRASH_AT", ""))
    sys.exit(agent_main.main())
