"""The service's version (kept equal to pyproject.toml's; a unit test checks) and the hash
that identifies a configuration in the audit trail without showing it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

VERSION = "0.1.0"


def config_hash(config: Any) -> str:
    """sha256 of the redacted configuration (secrets are *** there, so the hash reveals
    nothing about them; changing only a secret does not change it)."""
    from chalicelib.config import redacted

    text = json.dumps(redacted(config), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
