"""The offline deployment chain: package once per session, then lint, check and deploy it to
moto's CloudFormation. Everything here runs without an AWS account or Docker."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from deploy.package import package


@dataclass(frozen=True)
class Packaged:
    sam_path: Path
    zip_path: Path
    cfn_path: Path

    @property
    def sam(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.sam_path.read_text())
        return data

    @property
    def cfn(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.cfn_path.read_text())
        return data


@pytest.fixture(scope="session")
def packaged() -> Iterator[Packaged]:
    """`make package`'s output, built once (about 6 s once the Lambda wheels are cached)."""
    paths = package()
    yield Packaged(paths["sam"], paths["zip"], paths["cloudformation"])
