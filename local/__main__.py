"""`python -m local run [--config FILE]`: the whole service on this machine, in the foreground."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from chalicelib.config import ConfigError, load_config
from chalicelib.logs import configure_logging
from local.bootstrap import create_config

log = logging.getLogger("quentin.local")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the local stack in the foreground")
    run.add_argument("--config", default="", help="configuration file (default: config.toml)")
    args = parser.parse_args(argv)
    configure_logging()
    return _run(args.config)


def _run(config_arg: str) -> int:
    started = time.monotonic()
    path = Path(config_arg or "config.toml")
    if not path.exists():
        if config_arg:
            print(f"error: configuration file {path} does not exist", file=sys.stderr)
            return 2
        key = create_config(path)
        print(f"Created {path} with a new API key (shown only this once):\n\n    {key}\n",
              flush=True)
    try:
        config = load_config(path)
    except ConfigError as e:
        # Always in the log; in the audit store too when the file's [aws] reaches one.
        from chalicelib.adapters.aws.config_failure import record_config_failure

        stored = record_config_failure(path, str(e), os.environ, endpoint_required=True)
        print(json.dumps({"audit": {"event_type": "ConfigValidationFailed", "actor": "system",
                                    "data": {"file": str(path), "error": str(e)},
                                    "stored": stored}}),
              file=sys.stderr)
        print(f"error: {path}: {e}", file=sys.stderr)
        return 2
    os.environ["QT_CONFIG_FILE"] = str(path.resolve())
    if config.auth.method == "none":
        log.warning("AUTHENTICATION IS OFF (auth.method = \"none\"): anyone who can reach "
                    "this port has full admin access")
    from local.stack import LocalStack

    stack = LocalStack(config, path.resolve().parent)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stack.start()
    print(f"Quentin Torrentino is serving {stack.url} (ready in "
          f"{time.monotonic() - started:.1f}s; Ctrl-C stops it)", flush=True)
    # A bare wait() may sleep through the signal when another thread receives it; polling
    # lets the main thread run the handler within half a second.
    while not stop.wait(0.5):
        pass
    print("Stopping...", flush=True)
    stack.stop()
    print("Stopped; state saved.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
