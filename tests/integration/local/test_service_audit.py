"""ServiceStarted names the version and the configuration; a refused configuration is
audited in the store its [aws] section reaches."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from chalicelib.adapters.aws.audit_log import DynamoAuditLog
from chalicelib.adapters.aws.clients import aws_client
from chalicelib.adapters.aws.models import build_models
from chalicelib.config import parse_config
from chalicelib.domain.audit import AuditEventType
from chalicelib.version import VERSION
from local.aws_emulator import EmbeddedAws
from local.provision import provision
from tests.support.local_stack import REPO, free_port, start_stack, write_config


def test_service_started_carries_version_and_config_hash(tmp_path: Path) -> None:
    port = free_port()
    stack = start_stack(write_config(tmp_path, port), port)
    try:
        events = stack.call("GET", "/api/v1/audit?event_type=ServiceStarted").body["events"]
    finally:
        stack.stop()
    data = events[0]["data"]
    assert data["version"] == VERSION
    assert len(data["config_hash"]) == 16 and int(data["config_hash"], 16) >= 0


def test_a_refused_configuration_is_audited_where_its_aws_section_points(
        tmp_path: Path) -> None:
    aws = EmbeddedAws()
    endpoint = aws.start()
    try:
        good = parse_config({"auth": {"method": "none"},
                             "aws": {"endpoint_url": endpoint, "resource_prefix": "cfgfail"}},
                            {})
        provision(lambda service: aws_client(good, service), "cfgfail")
        bad = tmp_path / "bad.toml"
        bad.write_text(f'[auth]\nmethod = "none"\n[aws]\nendpoint_url = "{endpoint}"\n'
                       'resource_prefix = "cfgfail"\n[server]\nport = "80"\n'
                       '[local]\nembedded_aws = false\n')
        done = subprocess.run([sys.executable, "-m", "local", "run", "--config", str(bad)],
                              cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, done.stderr
        assert '"stored": true' in done.stderr
        events = list(DynamoAuditLog(build_models(good)).iterate())
    finally:
        aws.stop()
    refused = [e for e in events if e.event_type is AuditEventType.CONFIG_VALIDATION_FAILED]
    assert len(refused) == 1
    assert "server.port" in refused[0].data["error"]
    assert refused[0].data["file"] == str(bad)
