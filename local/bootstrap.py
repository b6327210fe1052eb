"""First run: make a config.toml from the example with a freshly generated API key."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"
PLACEHOLDER = "CHANGE-ME-generated-on-first-run"


def create_config(target: Path, example: Path = EXAMPLE) -> str:
    """Write `target` from the example with a new admin key; return the key."""
    key = "qt_" + secrets.token_urlsafe(32)
    text = example.read_text(encoding="utf-8")
    if PLACEHOLDER not in text:
        raise RuntimeError(f"{example} has no key placeholder {PLACEHOLDER!r}")
    text = re.sub(re.escape(PLACEHOLDER), key, text, count=1)
    target.write_text(text, encoding="utf-8")
    target.chmod(0o600)
    return key
