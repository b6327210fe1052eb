"""Write ConfigValidationFailed to the audit store when a configuration is refused, if the
store can be reached with what the file says about it.

A refused file is not a Config, so the [aws] section is read on its own (falling back to
the defaults when it is itself wrong); writing is tried once, briefly, and any failure just
means the event stays in the log, where the caller always puts it.
"""

from __future__ import annotations

import tomllib
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.adapters.aws.audit_log import DynamoAuditLog
from chalicelib.adapters.aws.models import build_models
from chalicelib.config import AuthConfig, AwsConfig, Config, ConfigError, parse_config
from chalicelib.domain.audit import AuditEvent, AuditEventType


def aws_section(path: Path, env: Mapping[str, str]) -> AwsConfig | None:
    """The file's [aws] section alone (defaults when it is wrong); None: no file to read."""
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    section = raw.get("aws") if isinstance(raw.get("aws"), dict) else {}
    try:
        return parse_config({"auth": {"method": "none"}, "aws": section}, env).aws
    except ConfigError:
        return AwsConfig()


def record_config_failure(path: Path, error: str, env: Mapping[str, str], *,
                          endpoint_required: bool = False) -> bool:
    """True when the event reached the audit store.

    `endpoint_required`: only try when the file names an endpoint (the local stack, whose
    default store is the embedded one that is not running yet, and real AWS is not its own).
    """
    aws = aws_section(path, env)
    if aws is None or (endpoint_required and not aws.endpoint_url):
        return False
    config = Config(auth=AuthConfig(method="none"), aws=aws)
    event = AuditEvent(uuid.uuid4().hex, AuditEventType.CONFIG_VALIDATION_FAILED, "system",
                       datetime.now(UTC), data={"file": str(path), "error": error[:2000]})
    try:
        DynamoAuditLog(build_models(config)).record(event)
    except Exception:  # unreachable, no credentials, no table: the log has it anyway
        return False
    return True
