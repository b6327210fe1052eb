"""`python -m deploy.package`: the whole deployment, built offline into build/.

Writes
  build/sam/sam.json          the SAM template: `chalice package --merge-template` of
                              infra/template.json (ASL inlined), every function on python3.12
  build/sam/deployment.zip    the Lambda code (app.py, chalicelib/, the Lambda dependencies)
  build/cloudformation.json   the same template translated by aws-sam-translator: plain
                              CloudFormation, code from parameters CodeBucket / CodeKey

No AWS account is needed. The Lambda dependencies (deploy/lambda-requirements.txt: never the
agent's libtorrent or mutagen) are installed once per requirements hash from the package index as
manylinux/cp312 wheels, then reused from build/ (offline from then on).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INFRA = ROOT / "infra"
MERGE_SOURCE = INFRA / "template.json"
BUILD = ROOT / "build"
STAGE = "prod"
# rapidfuzz and pydantic-core ship manylinux_2_28 wheels only; python3.11 Lambdas run on
# Amazon Linux 2 (glibc 2.26), python3.12 on Amazon Linux 2023 (glibc 2.34). Chalice picks the
# runtime from the local interpreter, so the packager sets it.
RUNTIME = "python3.12"
WHEEL_PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")
APP_FILES = ("app.py",)
APP_DIRS = ("chalicelib",)


def definition_string(asl_text: str) -> Any:
    """The ASL as DefinitionString: a scalar Fn::Sub when it names template values.

    The list form of Fn::Sub would turn `$$.Task.Token` into `$.Task.Token` in moto, and a
    plain string is clearer when nothing is substituted.
    """
    json.loads(asl_text)  # a broken ASL file fails here, not in CloudFormation
    return {"Fn::Sub": asl_text} if "${" in asl_text else asl_text


def merge_template(source: Path = MERGE_SOURCE) -> dict[str, Any]:
    """infra/template.json with each state machine's DefinitionFile inlined."""
    template: dict[str, Any] = json.loads(source.read_text())
    for res in template["Resources"].values():
        definition = (res.get("Metadata") or {}).get("DefinitionFile")
        if res.get("Type") == "AWS::StepFunctions::StateMachine" and definition:
            text = (source.parent / definition).read_text()
            res["Properties"]["DefinitionString"] = definition_string(text)
    return template


def _requirements_hash(requirements: Path) -> str:
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update((ROOT / "requirements.txt").read_bytes())
    digest.update(RUNTIME.encode())
    digest.update(" ".join(WHEEL_PLATFORMS).encode())
    return digest.hexdigest()[:16]


def lambda_dependencies(requirements: Path = ROOT / "deploy" / "lambda-requirements.txt",
                        ) -> Path:
    """The Lambda's site-packages for the runtime, built once per requirements hash."""
    target = BUILD / "lambda-deps" / _requirements_hash(requirements)
    if (target / ".complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    python_version = RUNTIME.removeprefix("python")
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "--target", str(target), "--only-binary=:all:", "--implementation", "cp",
           "--python-version", python_version, "-r", str(requirements)]
    for platform in WHEEL_PLATFORMS:
        cmd += ["--platform", platform]
    subprocess.run(cmd, check=True)
    # Console scripts and caches are of no use in a Lambda.
    shutil.rmtree(target / "bin", ignore_errors=True)
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    (target / ".complete").write_text("")
    return target


def stage_app(deps: Path) -> Path:
    """A Chalice project under build/app: the app, its config, and the dependencies vendored."""
    app = BUILD / "app"
    shutil.rmtree(app, ignore_errors=True)
    app.mkdir(parents=True)
    for name in APP_FILES:
        shutil.copy2(ROOT / name, app / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in APP_DIRS:
        shutil.copytree(ROOT / name, app / name, ignore=ignore)
    shutil.copytree(ROOT / ".chalice", app / ".chalice",
                    ignore=shutil.ignore_patterns("deployments"))
    shutil.copytree(deps, app / "vendor", ignore=shutil.ignore_patterns(".complete"))
    # Chalice would download and build the requirements for python3.11 (from source where
    # only manylinux_2_28 wheels exist): they are already in vendor/.
    (app / "requirements.txt").write_text("")
    return app


def chalice_package(app: Path, merge: dict[str, Any], out: Path) -> dict[str, Any]:
    """Run `chalice package --merge-template`; returns the SAM template it wrote."""
    merge_path = BUILD / "merge-template.json"
    merge_path.write_text(json.dumps(merge, indent=2))
    shutil.rmtree(out, ignore_errors=True)
    chalice = Path(sys.executable).with_name("chalice")
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    subprocess.run([str(chalice), "--project-dir", str(app), "package", "--stage", STAGE,
                    "--merge-template", str(merge_path), str(out)],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    sam: dict[str, Any] = json.loads((out / "sam.json").read_text())
    complete_chalice_output(sam)
    (out / "sam.json").write_text(json.dumps(sam, indent=2))
    return sam


def complete_chalice_output(sam: dict[str, Any]) -> None:
    """What `chalice package` cannot say itself, fixed in place.

    - the runtime (see RUNTIME);
    - an SQS event source names its queue by an ARN built from the name, with no dependency
      on the queue: point it at the template's queue of that name (so CloudFormation creates
      the queue first, and the Prefix parameter applies);
    - Chalice 1.34 names the REST API's function APIHandler but its log group ${ApiHandler}.
    """
    resources = sam["Resources"]
    queues = {_name_suffix(res["Properties"]["QueueName"]): logical
              for logical, res in resources.items() if res["Type"] == "AWS::SQS::Queue"}
    by_lower = {logical.lower(): logical for logical in resources}
    for res in resources.values():
        props = res.get("Properties", {})
        if res["Type"] == "AWS::Serverless::Function":
            props["Runtime"] = RUNTIME
            for event in props.get("Events", {}).values():
                if event["Type"] == "SQS":
                    arn = event["Properties"]["Queue"]["Fn::Sub"]
                    queue = queues[arn.rsplit(":", 1)[1].split("-", 1)[1]]
                    event["Properties"]["Queue"] = {"Fn::GetAtt": [queue, "Arn"]}
        elif res["Type"] == "AWS::Logs::LogGroup":
            name = props["LogGroupName"]["Fn::Sub"]
            function = name.removeprefix("/aws/lambda/${").removesuffix("}")
            props["LogGroupName"]["Fn::Sub"] = f"/aws/lambda/${{{by_lower[function.lower()]}}}"


def _name_suffix(name: Any) -> str:
    """'${Prefix}-acquire-high' (in an Fn::Sub) -> 'acquire-high'."""
    text = name["Fn::Sub"] if isinstance(name, dict) else name
    return str(text).split("-", 1)[1]


def _no_managed_policies() -> dict[str, str]:
    """Every function has its own role, so SAM never needs to look up a managed policy."""
    raise AssertionError("the template asked for a managed policy by name")


def to_cloudformation(sam: dict[str, Any]) -> dict[str, Any]:
    """Translate the SAM template offline; the code comes from parameters CodeBucket/CodeKey."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    template = copy.deepcopy(sam)
    template.setdefault("Parameters", {}).update({
        "CodeBucket": {"Type": "String", "Description": "S3 bucket holding deployment.zip"},
        "CodeKey": {"Type": "String", "Description": "S3 key of deployment.zip"},
    })
    for res in template["Resources"].values():
        if res["Type"] == "AWS::Serverless::Function":
            res["Properties"]["CodeUri"] = {"Bucket": {"Ref": "CodeBucket"},
                                            "Key": {"Ref": "CodeKey"}}
    # The region only picks the partition (aws) of the ARNs SAM writes; no call is made.
    session = boto3.session.Session(region_name="us-east-1")
    translator = Translator(None, Parser(), boto_session=session)
    translated: dict[str, Any] = translator.translate(
        template, parameter_values={}, get_managed_policy_map=_no_managed_policies)
    return translated


def package(out: Path = BUILD) -> dict[str, Path]:
    """Build everything; returns the paths of the SAM template, the zip and the translation."""
    out.mkdir(parents=True, exist_ok=True)
    app = stage_app(lambda_dependencies())
    sam = chalice_package(app, merge_template(), out / "sam")
    cfn = to_cloudformation(sam)
    cfn_path = out / "cloudformation.json"
    cfn_path.write_text(json.dumps(cfn, indent=2))
    return {"sam": out / "sam" / "sam.json", "zip": out / "sam" / "deployment.zip",
            "cloudformation": cfn_path}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.package", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    for kind, path in package().items():
        print(f"{kind}: {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
