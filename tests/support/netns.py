"""A network namespace joined to this one by a veth pair, for tests of non-loopback peers.

The two ends get addresses from 10.213.0.0/16 with a /30 prefix: they exist only between
the two ends (no route, no gateway), so nothing sent to them can leave this machine. Needs
root (`ip netns add`). Everything is removed on exit, also after a failed test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Self


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


@dataclass
class Namespace:
    """`host_if` (here, address `host_address`) <-> `peer_if` in namespace `name`."""

    name: str
    host_if: str
    peer_if: str
    host_address: str
    peer_address: str

    @classmethod
    def create(cls) -> Namespace:
        tag = uuid.uuid4().hex[:6]
        third = int(tag[:2], 16)  # a different /30 per run, so leftovers never collide
        ns = cls(f"qt-{tag}", f"qth{tag}", f"qtp{tag}", f"10.213.{third}.1",
                 f"10.213.{third}.2")
        try:
            _ip("netns", "add", ns.name)
            _ip("link", "add", ns.host_if, "type", "veth", "peer", "name", ns.peer_if)
            _ip("link", "set", ns.peer_if, "netns", ns.name)
            _ip("addr", "add", f"{ns.host_address}/30", "dev", ns.host_if)
            _ip("link", "set", ns.host_if, "up")
            _ip("-n", ns.name, "addr", "add", f"{ns.peer_address}/30", "dev", ns.peer_if)
            _ip("-n", ns.name, "link", "set", ns.peer_if, "up")
            _ip("-n", ns.name, "link", "set", "lo", "up")
        except BaseException:
            ns.remove()
            raise
        return ns

    def set_host_link(self, up: bool) -> None:
        _ip("link", "set", self.host_if, "up" if up else "down")

    def popen(self, *args: str, log: Path) -> subprocess.Popen[bytes]:
        """Run this Python with `args` inside the namespace (the repository on its path)."""
        root = Path(__file__).resolve().parents[2]
        with log.open("wb") as out:
            return subprocess.Popen(
                ["ip", "netns", "exec", self.name, sys.executable, *args],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=out, cwd=root,
                env={**os.environ, "PYTHONPATH": str(root)}, start_new_session=True)

    def remove(self) -> None:
        # Deleting the namespace also deletes the veth pair (both ends).
        subprocess.run(["ip", "link", "del", self.host_if], capture_output=True, timeout=10)
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True, timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()
