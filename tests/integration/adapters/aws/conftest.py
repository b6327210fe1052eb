"""The embedded AWS (moto's server over HTTP on 127.0.0.1), once per test session.

Each test gets its own resource prefix, so its tables start empty and never see another
test's rows; every table of infra/template.json is created for it (only the tables: queues
and the state machine are not needed here and would slow every test down).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.adapters.aws.clients import aws_client
from chalicelib.config import Config, parse_config
from local.aws_emulator import EmbeddedAws
from local.provision import load_template, provision


def aws_test_config(endpoint: str, prefix: str, **sections: Any) -> Config:
    """A configuration pointing at `endpoint` with tables named `<prefix>-...`."""
    raw: dict[str, Any] = {
        "auth": {"method": "none"},
        "aws": {"endpoint_url": endpoint, "resource_prefix": prefix},
        **sections,
    }
    return parse_config(raw, {})


def tables_template() -> dict[str, Any]:
    """infra/template.json reduced to its DynamoDB tables."""
    template = load_template()
    tables = {logical: resource for logical, resource in template["Resources"].items()
              if resource["Type"] == "AWS::DynamoDB::Table"}  # fmt: skip
    return {**template, "Resources": tables}


def provisioned_config(endpoint: str, **sections: Any) -> Config:
    """A fresh prefix with every table of the template created."""
    config = aws_test_config(endpoint, f"t{uuid.uuid4().hex[:12]}", **sections)
    provision(lambda service: aws_client(config, service), config.aws.resource_prefix,
              tables_template())  # fmt: skip
    return config


@pytest.fixture(scope="session")
def aws_endpoint() -> Iterator[str]:
    aws = EmbeddedAws()
    endpoint = aws.start()
    try:
        yield endpoint
    finally:
        aws.stop()


@pytest.fixture
def aws_config(aws_endpoint: str) -> Config:
    return provisioned_config(aws_endpoint)
