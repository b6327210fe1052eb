"""boto3 clients bound to the configured region and endpoint (AWS, moto or LocalStack)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from chalicelib.config import Config


def aws_client(config: Config, service: str) -> Any:
    """A boto3 client for `service`; with an endpoint override it uses the local credentials."""
    kwargs: dict[str, Any] = {
        "region_name": config.aws.region,
        "config": BotoConfig(retries={"max_attempts": 3, "mode": "standard"}),
    }
    if config.aws.endpoint_url:
        kwargs["endpoint_url"] = config.aws.endpoint_url
        kwargs["aws_access_key_id"] = config.aws.access_key_id
        kwargs["aws_secret_access_key"] = config.aws.secret_access_key
    return boto3.client(service, **kwargs)
