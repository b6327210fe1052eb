"""[orchestrator] max_attempts and backoff_base_secs reach every retrier of the ticket flow,
locally (provisioning) and for AWS (the rendered definition)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.adapters.aws.flow_definition import ASL, main
from local.provision import load_definition


def retriers(definition: dict[str, object]) -> list[dict[str, object]]:
    states = definition["States"]
    assert isinstance(states, dict)
    return [r for s in states.values() for r in s.get("Retry", [])]


def test_the_template_carries_the_defaults_and_provisioning_applies_the_settings() -> None:
    plain = retriers(json.loads(ASL.read_text()))
    assert plain and all(r["IntervalSeconds"] == 2 for r in plain)
    tuned = retriers(load_definition("ticket-flow.asl.json", 5, 7.5))
    assert len(tuned) == len(plain)
    assert all(r["MaxAttempts"] == 5 and r["IntervalSeconds"] == 8 for r in tuned)
    floor = retriers(load_definition("ticket-flow.asl.json", None, 0.0))
    assert all(r["IntervalSeconds"] == 1 and r["MaxAttempts"] == 3 for r in floor)


def test_the_rendered_definition_for_aws_uses_the_configuration(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "deploy.toml"
    config.write_text('[auth]\nmethod = "none"\n[orchestrator]\nmax_attempts = 6\n'
                      'backoff_base_secs = 10\n')
    assert main(["--config", str(config)]) == 0
    rendered = json.loads(capsys.readouterr().out)
    assert all(r["MaxAttempts"] == 6 and r["IntervalSeconds"] == 10
               for r in retriers(rendered))
    assert rendered["StartAt"] == json.loads(ASL.read_text())["StartAt"]


def test_packaging_inlines_the_deployment_configs_retry_settings(tmp_path: Path) -> None:
    from deploy.package import merge_template

    config = tmp_path / "deploy.toml"
    config.write_text('[auth]\nmethod = "api_key"\n[[auth.keys]]\nkey = "env:QT_NOT_SET"\n'
                      'user_id = "a"\n[orchestrator]\nmax_attempts = 4\nbackoff_base_secs = 3\n')
    template = merge_template(config=config)
    machines = [r for r in template["Resources"].values()
                if r.get("Type") == "AWS::StepFunctions::StateMachine"]
    assert machines
    for machine in machines:
        text = machine["Properties"]["DefinitionString"]
        text = text["Fn::Sub"] if isinstance(text, dict) else text
        found = retriers(json.loads(text))
        assert found and all(r["MaxAttempts"] == 4 and r["IntervalSeconds"] == 3
                             for r in found)
