"""The ticket flow's ASL with [orchestrator] max_attempts and backoff_base_secs applied.

A Step Functions retrier takes only literal numbers (no path into the execution input, unlike
`TimeoutSecondsPath`), so the settings are written into the definition wherever it is
created: by the local stack's provisioning, and for AWS by rendering the file before
deployment:

    python -m chalicelib.adapters.aws.flow_definition --config deploy.toml > ticket-flow.json

`IntervalSeconds` must be a whole number of at least 1, so the base is rounded up.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tomllib
from pathlib import Path
from typing import Any

ASL = Path(__file__).resolve().parents[3] / "infra" / "ticket-flow.asl.json"


def apply_retry_settings(definition: dict[str, Any], *, max_attempts: int | None = None,
                         backoff_base_secs: float | None = None) -> dict[str, Any]:
    """Every retrier of every state (nested ones too) with the given settings (in place)."""
    for state in _states(definition):
        for retry in state.get("Retry", []):
            if max_attempts is not None:
                retry["MaxAttempts"] = max_attempts
            if backoff_base_secs is not None:
                retry["IntervalSeconds"] = max(1, math.ceil(backoff_base_secs))
    return definition


def retry_settings(config_path: Path) -> dict[str, Any]:
    """max_attempts and backoff_base_secs from a file's [orchestrator] alone (its secrets
    are "env:NAME" values that only the deployed functions can resolve)."""
    from chalicelib.config import parse_config

    raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
    section = raw.get("orchestrator") if isinstance(raw.get("orchestrator"), dict) else {}
    o = parse_config({"auth": {"method": "none"}, "orchestrator": section}, {}).orchestrator
    return {"max_attempts": o.max_attempts, "backoff_base_secs": o.backoff_base_secs}


def _states(definition: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for state in definition.get("States", {}).values():
        found.append(state)
        for branch in state.get("Branches", []):
            found += _states(branch)
        if "Iterator" in state:
            found += _states(state["Iterator"])
        if "ItemProcessor" in state:
            found += _states(state["ItemProcessor"])
    return found


def main(argv: list[str] | None = None) -> int:
    from chalicelib.config import ConfigError, load_config

    parser = argparse.ArgumentParser(prog="python -m chalicelib.adapters.aws.flow_definition",
                                     description="The ticket flow's ASL with the retry "
                                                 "settings of a configuration applied.")
    parser.add_argument("--config", required=True)
    parser.add_argument("asl", nargs="?", default=str(ASL))
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(f"configuration error: {e}", file=sys.stderr)
        return 2
    definition = json.loads(Path(args.asl).read_text())
    o = config.orchestrator
    apply_retry_settings(definition, max_attempts=o.max_attempts,
                         backoff_base_secs=o.backoff_base_secs)
    json.dump(definition, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
