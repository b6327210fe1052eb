"""Find IAM grants in a (translated) template wider than least privilege.

`make package` and tests/deploy run this on build/cloudformation.json. A grant is too wide when
it uses a wildcard action, NotAction/NotResource, a managed policy, a literal ARN that names no
resource of the stack, a `*` before the part that names a stack resource, or Resource "*" for
an action AWS lets us scope. The agent's role is held to its queues, task answers and items.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# The only actions allowed on Resource "*", with why AWS gives no narrower resource.
STAR_RESOURCE_ACTIONS = {
    "states:SendTaskSuccess": "a task token of a service-integration task names no resource",
    "states:SendTaskFailure": "a task token of a service-integration task names no resource",
    "states:SendTaskHeartbeat": "a task token of a service-integration task names no resource",
    "states:ListStateMachines": "a list action: AWS supports only Resource *",
}
PSEUDO = {"AWS::Partition", "AWS::Region", "AWS::AccountId", "AWS::URLSuffix"}
TRUSTED_SERVICES = {"lambda.amazonaws.com", "states.amazonaws.com"}
AGENT_ROLE = "AgentRole"
# The queues each agent makes for itself on start (`<prefix>-agent-<id>-<stage|control>`, see
# chalicelib/domain/agents.agent_queue_name): named by the stack's prefix, not by a resource.
# The API sends cancels to the control ones.
AGENT_OWN_QUEUES = tuple(
    f"arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:${{Prefix}}-agent-*-{stage}"
    for stage in ("download", "convert", "place", "control"))
AGENT_OWN_QUEUE_ACTIONS = {"sqs:CreateQueue", "sqs:SendMessage"}
AGENT_QUEUES = {f"{stage}{band}Queue" for stage in ("Download", "Convert", "Place")
                for band in ("High", "Normal", "Low")} | {"AgentControlQueue"}
AGENT_ACTIONS = {
    "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility", "states:SendTaskSuccess", "states:SendTaskFailure",
    "states:SendTaskHeartbeat", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
    "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
    "execute-api:ManageConnections", *AGENT_OWN_QUEUE_ACTIONS,
}
_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
_REF = re.compile(r"\$\{([^}!]+)\}")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(role: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for policy in role["Properties"].get("Policies", []):
        for statement in _as_list(policy["PolicyDocument"]["Statement"]):
            yield policy.get("PolicyName", "?"), statement


def _own_queue(resource: Any) -> bool:
    return isinstance(resource, dict) and resource.get("Fn::Sub") in AGENT_OWN_QUEUES


def _resource_problem(resource: Any, resources: dict[str, Any]) -> str | None:
    """Why this Resource entry names more than resources of the stack (None when it does not)."""
    if _own_queue(resource):
        return None
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        return None if resource["Fn::GetAtt"][0] in resources else "GetAtt of an unknown resource"
    if isinstance(resource, dict) and "Ref" in resource:
        return None if resource["Ref"] in resources else "Ref of an unknown resource"
    if isinstance(resource, dict) and isinstance(resource.get("Fn::Sub"), str):
        text = resource["Fn::Sub"]
        scoping = [m for m in _REF.finditer(text) if m.group(1) not in PSEUDO]
        if not scoping:
            return "names no resource of the stack"
        for match in scoping:
            name = match.group(1).split(".")[0]
            if name != "AWS::StackName" and name not in resources:
                return f"${{{name}}} is not a resource of the stack"
        if "*" in text[: scoping[0].start()]:
            return "wildcard before the part naming a stack resource"
        return None
    return f"literal or computed resource {json.dumps(resource)}"


def _trust_problems(logical: str, role: dict[str, Any]) -> Iterator[str]:
    for statement in _as_list(role["Properties"]["AssumeRolePolicyDocument"]["Statement"]):
        principal = statement.get("Principal", {})
        services = set(_as_list(principal.get("Service", [])))
        if services - TRUSTED_SERVICES:
            yield f"{logical}: trusts {sorted(services - TRUSTED_SERVICES)}"
        if "AWS" in principal and logical != AGENT_ROLE:
            yield f"{logical}: trusts AWS principals (only the agent's role may)"
        if principal == "*" or "*" in _as_list(principal.get("AWS", [])):
            yield f"{logical}: trusts everyone"


def _agent_problems(statement: dict[str, Any], actions: list[str]) -> Iterator[str]:
    for action in actions:
        if action not in AGENT_ACTIONS:
            yield f"{AGENT_ROLE}: {action} is not among the agent's actions"
    if any(a.startswith("sqs:") for a in actions):
        for resource in _as_list(statement["Resource"]):
            if _own_queue(resource):
                continue
            queue = resource.get("Fn::GetAtt", [""])[0] if isinstance(resource, dict) else ""
            if queue not in AGENT_QUEUES:
                yield f"{AGENT_ROLE}: SQS access to {json.dumps(resource)}, not an agent queue"
            for action in sorted(AGENT_OWN_QUEUE_ACTIONS & set(actions)):
                yield f"{AGENT_ROLE}: {action} on {json.dumps(resource)}, not its own queue"


def wider_grants(template: dict[str, Any]) -> list[str]:
    """Every grant of the template wider than least privilege, described; [] when none."""
    resources = template["Resources"]
    problems: list[str] = []
    for logical, res in resources.items():
        if res.get("Type") in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User"):
            problems.append(f"{logical}: {res['Type']} (grants belong on the roles)")
        if res.get("Type") != "AWS::IAM::Role":
            continue
        if res["Properties"].get("ManagedPolicyArns"):
            problems.append(f"{logical}: managed policies {res['Properties']['ManagedPolicyArns']}")
        problems.extend(_trust_problems(logical, res))
        for policy, statement in _statements(res):
            where = f"{logical}/{policy}/{statement.get('Sid', '?')}"
            if statement.get("Effect") != "Allow":
                continue
            if "NotAction" in statement or "NotResource" in statement:
                problems.append(f"{where}: NotAction/NotResource")
                continue
            actions = _as_list(statement["Action"])
            for action in actions:
                if not isinstance(action, str) or not _ACTION.match(action):
                    problems.append(f"{where}: wildcard or malformed action {action!r}")
            for resource in _as_list(statement["Resource"]):
                if resource == "*":
                    wide = [a for a in actions if a not in STAR_RESOURCE_ACTIONS]
                    if wide:
                        problems.append(f"{where}: Resource * for {wide}")
                    if "Sid" not in statement:
                        problems.append(f"{where}: Resource * without a Sid saying why")
                    continue
                problem = _resource_problem(resource, resources)
                if problem:
                    problems.append(f"{where}: {problem}")
            if logical == AGENT_ROLE:
                problems.extend(_agent_problems(statement, actions))
    return problems


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    path = Path(args[0] if args else "build/cloudformation.json")
    problems = wider_grants(json.loads(path.read_text()))
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{path}: {len(problems)} grant(s) wider than least privilege")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
