"""Who is calling: the result of authentication, and the interface every method implements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Identity:
    user_id: str
    is_admin: bool
    method: str


class Authenticator(Protocol):
    """Turn request headers and the source address into an Identity, or raise Unauthorized."""

    method: str

    def authenticate(self, headers: Mapping[str, str], source_ip: str) -> Identity: ...
