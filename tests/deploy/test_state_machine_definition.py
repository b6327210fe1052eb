"""The packaged state machine: the same ASL file the local stack runs, complete and wired."""

from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.adapters.aws.step_functions import BANDED_STAGES
from chalicelib.domain.priority import Band
from local.provision import INFRA
from tests.deploy.conftest import Packaged

WAIT_FOR_SQS = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"


def substituted(value: Any, resources: dict[str, Any]) -> str:
    """DefinitionString after CloudFormation's substitution (every name must resolve)."""
    if isinstance(value, str):
        return value
    text = value["Fn::Sub"]
    assert isinstance(text, str), "the scalar form of Fn::Sub keeps $$.Task.Token intact"

    def one(match: re.Match[str]) -> str:
        name = match.group(1).split(".")[0]
        assert name in resources or name.startswith("AWS::"), f"unresolved ${{{name}}}"
        return f"resolved-{name}"

    return re.sub(r"\$\{([^}!]+)\}", one, text)


def test_deployed_definition_is_the_asl_file_the_local_stack_runs(packaged: Packaged) -> None:
    machine = packaged.cfn["Resources"]["TicketFlow"]
    text = substituted(machine["Properties"]["DefinitionString"], packaged.cfn["Resources"])
    assert json.loads(text) == json.loads((INFRA / "ticket-flow.asl.json").read_text())


def test_every_transition_names_a_state_and_every_state_is_reachable(packaged: Packaged) -> None:
    machine = packaged.cfn["Resources"]["TicketFlow"]
    asl = json.loads(substituted(machine["Properties"]["DefinitionString"],
                                 packaged.cfn["Resources"]))
    states = asl["States"]
    edges: dict[str, set[str]] = {}
    for name, state in states.items():
        targets = {state[k] for k in ("Next", "Default") if k in state}
        targets |= {c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])}
        assert targets <= set(states), (name, targets - set(states))
        assert state.get("End") or state["Type"] in ("Succeed", "Fail") or targets, name
        edges[name] = targets
    seen, todo = set(), [asl["StartAt"]]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(edges[name])
    assert seen == set(states)


def test_every_task_sends_to_a_queue_the_flow_input_names_and_the_role_allows(
    packaged: Packaged,
) -> None:
    resources = packaged.cfn["Resources"]
    machine = resources["TicketFlow"]
    asl = json.loads(substituted(machine["Properties"]["DefinitionString"], resources))
    keys = set()
    for name, state in asl["States"].items():
        if state["Type"] != "Task":
            continue
        assert state["Resource"] == WAIT_FOR_SQS, name
        assert "task_token.$" in state["Parameters"]["MessageBody"], name
        path = state["Parameters"]["QueueUrl.$"]
        assert path.startswith("$.queues."), name
        keys.add(path.removeprefix("$.queues."))
    # The keys StepFunctionsWorkflow.start puts in the input (QueueDirectory.for_priority).
    provided = {*BANDED_STAGES, "approval", "flow"}
    assert keys <= provided
    wanted = {f"{k.capitalize()}{b.value.capitalize()}Queue" if k in BANDED_STAGES
              else f"{k.capitalize()}Queue" for k in keys for b in Band}
    role = resources[machine["Properties"]["RoleArn"]["Fn::GetAtt"][0]]
    (grant,) = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert grant["Action"] == "sqs:SendMessage"
    allowed = {r["Fn::GetAtt"][0] for r in grant["Resource"]}
    assert allowed == wanted
