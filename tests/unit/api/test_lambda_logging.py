"""In Lambda, importing app.py turns the logs into Powertools JSON lines that keep their fields
(on stdout, where the Lambda runtime and CloudWatch expect them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SNIPPET = ("import logging, app; "
           "logging.getLogger('quentin.stages').info('stage started', "
           "extra={'ticket_id': 't-1', 'stage': 'acquire'})")


def run_app_import(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", SNIPPET], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    return done.stdout + done.stderr


def test_lambda_logs_are_json_with_the_ticket_id() -> None:
    env = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "quentin-torrentino-dev",
           "AWS_DEFAULT_REGION": "us-east-1"}
    lines = [json.loads(line) for line in run_app_import(env).splitlines()]
    assert {"level": "INFO", "service": "quentin-torrentino", "message": "stage started",
            "ticket_id": "t-1", "correlation_id": "t-1",
            "stage": "acquire"}.items() <= lines[-1].items()


def test_outside_lambda_importing_the_app_leaves_logging_alone() -> None:
    env = {k: v for k, v in os.environ.items() if k != "AWS_LAMBDA_FUNCTION_NAME"}
    env["AWS_DEFAULT_REGION"] = "us-east-1"
    assert run_app_import(env) == ""  # the root logger's default level drops INFO
