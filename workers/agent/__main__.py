"""`python -m workers.agent --config config.toml [--once] [--aws-endpoint URL]`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from dataclasses import replace
from pathlib import Path
from types import FrameType

from chalicelib.config import ConfigError, load_config
from chalicelib.logs import configure_logging
from workers.agent.wiring import build_agent

log = logging.getLogger("quentin.agent")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m workers.agent",
                                     description="The on-prem agent: download, convert, place.")
    parser.add_argument("--config", default="config.toml", help="the service's TOML config")
    parser.add_argument("--once", action="store_true",
                        help="process what is queued, then exit")
    parser.add_argument("--aws-endpoint", default="",
                        help="AWS endpoint override (the local stack's embedded AWS)")
    parser.add_argument("--plain", action="store_true",
                        help="JSON log lines even on a terminal")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    path = Path(args.config)
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if args.aws_endpoint:
        config = replace(config, aws=replace(config.aws, endpoint_url=args.aws_endpoint))
    view = None
    if sys.stderr.isatty() and not args.plain:
        from workers.agent.progress_view import TerminalView

        parts_holder: list[object] = []
        view = TerminalView(lambda: parts_holder[0].agent.active_tasks()  # type: ignore[attr-defined]
                            if parts_holder else [])
        view.install_logging()
    else:
        configure_logging()
    try:
        parts = build_agent(config, path.resolve().parent)
    except (ConfigError, ValueError) as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if view is not None:
        parts_holder.append(parts)
        view.start()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s received", signal.Signals(signum).name)
        parts.agent.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        parts.agent.run(once=args.once)
    finally:
        if view is not None:
            view.stop()
        parts.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
