"""`make package`: what goes into the Lambda zip and the templates, and what must not."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

from chalicelib.config import load_config
from deploy.package import RUNTIME
from tests.deploy.conftest import Packaged

AGENT_ONLY = ("libtorrent", "mutagen", "qbittorrentapi", "rich", "workers/")
# What a secret would look like if one slipped into the zip or a template.
SECRET_SHAPES = re.compile(r"AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY|sk-ant-[\w-]{10,}")


def test_zip_carries_the_app_and_its_dependencies_but_nothing_of_the_agent(
    packaged: Packaged,
) -> None:
    names = zipfile.ZipFile(packaged.zip_path).namelist()
    assert "app.py" in names and "chalicelib/deploy.toml" in names
    tops = {n.split("/", 1)[0] for n in names}
    for needed in ("pynamodb", "rapidfuzz", "anthropic", "httpx", "boto3", "botocore"):
        assert needed in tops, needed
    carried = [n for n in names for banned in AGENT_ONLY if n.startswith(banned)]
    assert carried == []


def test_compiled_dependencies_are_built_for_the_lambda_runtime(packaged: Packaged) -> None:
    """Every wheel with a binary part targets CPython 3.12 on a glibc AL2023 has (2.34)."""
    archive = zipfile.ZipFile(packaged.zip_path)
    wheels = [n for n in archive.namelist() if n.endswith(".dist-info/WHEEL")]
    binary = 0
    for name in wheels:
        tags = [line.split(": ", 1)[1] for line in archive.read(name).decode().splitlines()
                if line.startswith("Tag: ")]
        if all(t.endswith("-none-any") for t in tags):
            continue
        binary += 1
        # Built for 3.12 itself, or for the stable ABI of an older 3.x (abi3 loads on 3.12).
        runtime = int(RUNTIME[6:].replace(".", ""))
        assert any(t.startswith(f"cp{runtime}-") or (
            (m := re.match(r"cp(\d+)-abi3-", t)) is not None and int(m.group(1)) <= runtime)
            for t in tags), (name, tags)
        glibc = [tuple(map(int, m.groups())) for t in tags
                 for m in [re.search(r"manylinux_(\d+)_(\d+)_x86_64", t)] if m]
        legacy = any("manylinux2014_x86_64" in t for t in tags)
        assert legacy or min(glibc) <= (2, 34), (name, tags)
    assert binary >= 3  # rapidfuzz, pydantic-core, jiter at least


def test_zip_imports_on_the_lambda_python(packaged: Packaged, tmp_path: Path) -> None:
    """The unpacked zip imports the app and its compiled modules under Python 3.12 (pyenv's on
    this machine image, the same minor version as the Lambda runtime)."""
    python = sorted(Path("/root/.pyenv/versions").glob("3.12*/bin/python3.12"))
    assert python, "Python 3.12 (the Lambda runtime's version) is part of the machine image"
    zipfile.ZipFile(packaged.zip_path).extractall(tmp_path)
    code = ("import sys; sys.path.insert(0, '.'); import app, rapidfuzz.fuzz, pydantic_core; "
            "print(sorted(app.app.handler_map)[:1], sys.version_info[:2])")
    done = subprocess.run([str(python[-1]), "-I", "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={"QT_CONFIG_FILE": "chalicelib/deploy.toml"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "(3, 12)" in done.stdout


def test_no_secret_in_the_zip_or_the_templates(packaged: Packaged) -> None:
    archive = zipfile.ZipFile(packaged.zip_path)
    ours = [n for n in archive.namelist() if n == "app.py" or n.startswith("chalicelib/")]
    texts = {n: archive.read(n).decode(errors="replace") for n in ours}
    texts["sam.json"] = packaged.sam_path.read_text()
    texts["cloudformation.json"] = packaged.cfn_path.read_text()
    leaks = {n: m.group(0)[:12] for n, t in texts.items() for m in [SECRET_SHAPES.search(t)] if m}
    assert leaks == {}
    # Every key the functions use comes from the secret, through the stack, at deploy time.
    env = packaged.sam["Globals"]["Function"]["Environment"]["Variables"]
    for name in ("QT_ADMIN_API_KEY", "QT_SEARCHER_API_KEY", "QT_LLM_API_KEY"):
        assert env[name]["Fn::Sub"].startswith("{{resolve:secretsmanager:${SecretName}:")


def test_deploy_config_reads_every_secret_and_name_from_the_environment() -> None:
    env = {"QT_ADMIN_API_KEY": "k" * 24, "AWS_REGION": "eu-west-3", "QT_RESOURCE_PREFIX": "qz",
           "QT_WEBSOCKET_URL": "wss://w.example/api", "QT_SEARCHER_API_KEY": "s3cr3t",
           "QT_WEBSOCKET_MANAGEMENT_URL": "https://w.example/api", "QT_LLM_API_KEY": "l"}
    config = load_config("chalicelib/deploy.toml", env=env)
    assert config.aws.region == "eu-west-3" and config.aws.resource_prefix == "qz"
    assert config.aws.endpoint_url == ""
    assert config.searcher.api_key == "s3cr3t"
    assert config.textbrain.llm.api_key == "l"
    text = Path("chalicelib/deploy.toml").read_text()
    for line in text.splitlines():
        if re.match(r"\s*(key|api_key|password|secret\w*)\s*=", line):
            assert '"env:' in line, line


def test_every_function_runs_the_runtime_the_wheels_were_built_for(packaged: Packaged) -> None:
    functions = {k: r for k, r in packaged.sam["Resources"].items()
                 if r["Type"] == "AWS::Serverless::Function"}
    assert len(functions) == 10
    assert {r["Properties"]["Runtime"] for r in functions.values()} == {RUNTIME}
    assert json.dumps(packaged.sam).count("python3.11") == 0
