"""The agent on the media host: its image, its systemd unit and its example configuration."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

from chalicelib.config import load_config
from workers.agent.settings import AgentSettings

AGENT = Path("deploy/agent")


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    lines = [line.strip() for line in joined.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines
            if line and not line.startswith("#")]


def docker_engine_runs() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    return subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode == 0


def test_image_runs_the_agent_as_a_user_with_ffmpeg_libtorrent_and_volumes() -> None:
    steps = _instructions((AGENT / "Dockerfile").read_text())
    kinds = [k for k, _ in steps]
    runs = " ".join(v for k, v in steps if k == "RUN")
    assert "ffmpeg" in runs
    assert "pip install --no-cache-dir -r workers/requirements.txt" in runs
    assert "libtorrent" in Path("workers/requirements.txt").read_text()
    (user,) = [v for k, v in steps if k == "USER"]
    assert user not in ("root", "0")
    # The user is set before the process starts, after the installs that need root.
    assert kinds.index("USER") > max(i for i, k in enumerate(kinds) if k == "RUN")
    (volumes,) = [v for k, v in steps if k == "VOLUME"]
    for folder in ("/downloads", "/media", "/var/lib/quentin"):
        assert f'"{folder}"' in volumes
    assert dict(steps)["ENTRYPOINT"] == '["python", "-m", "workers.agent"]'
    copied = [v.split()[0] for k, v in steps if k == "COPY"]
    assert "app.py" not in copied and ".chalice" not in copied  # the agent only


def test_image_builds_where_a_docker_engine_runs() -> None:
    """Built in CI only where a Docker engine runs (none on this project's machines: the
    static checks above still run everywhere)."""
    if not docker_engine_runs():
        print("no Docker engine: the agent image is checked statically only")
        return
    done = subprocess.run(["docker", "build", "-f", str(AGENT / "Dockerfile"), "-t",
                           "quentin-agent:test", "."], capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]


def test_systemd_unit_runs_the_agent_unprivileged_and_restarts_it() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((AGENT / "quentin-agent.service").read_text())
    service = unit["Service"]
    assert service["User"] == "quentin"
    assert "-m workers.agent --config /etc/quentin/config.toml" in service["ExecStart"]
    assert service["Restart"] == "on-failure" and service["KillSignal"] == "SIGTERM"
    assert service["ProtectSystem"] == "strict"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    config = load_config(AGENT / "agent.example.toml", env={})
    settings = AgentSettings.from_config(config, Path("/etc/quentin"))
    writable = service["ReadWritePaths"].split()
    for path in (settings.work_dir, settings.download_dir, *settings.allowed_roots,
                 Path(config.torrent_client.state_dir)):
        assert any(path.is_relative_to(w) for w in writable), path


def test_agent_example_config_talks_to_real_aws_with_absolute_paths() -> None:
    config = load_config(AGENT / "agent.example.toml", env={})
    assert config.aws.endpoint_url == ""
    for path in (config.agent.work_dir, config.torrent_client.download_dir,
                 config.torrent_client.state_dir, *config.placement.allowed_roots):
        assert Path(path).is_absolute(), path
