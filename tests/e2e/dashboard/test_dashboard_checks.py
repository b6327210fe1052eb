"""The dashboard's own checks, so that `make test` (pytest) covers them: Vitest unit tests and
the drift check between the generated API types and the backend's OpenAPI document."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.support.local_stack import REPO

DASHBOARD = REPO / "dashboard"


def npm(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("npm") is None or not (DASHBOARD / "node_modules").is_dir():
        pytest.fail("run `make dashboard` first (npm ci in dashboard/)")
    return subprocess.run(["npm", "run", "--silent", *args], cwd=DASHBOARD,
                          env={**os.environ, "PYTHON": sys.executable, "CI": "true"},
                          capture_output=True, text=True, timeout=240)


def test_vitest_unit_tests_pass() -> None:
    run = npm("test:unit", "--", "--run")
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout


def test_generated_api_types_match_the_openapi_document() -> None:
    run = npm("check:api")
    assert run.returncode == 0, (run.stdout + run.stderr
                                 + "\nregenerate with: cd dashboard && npm run gen:api")
