"""Authentication methods behind one interface; `build_authenticator` picks the configured one."""

from __future__ import annotations

from chalicelib.auth.api_key import ApiKeyAuthenticator
from chalicelib.auth.identity import Authenticator, Identity
from chalicelib.auth.none import NoAuthenticator
from chalicelib.config import AuthConfig

__all__ = ["Authenticator", "Identity", "build_authenticator"]


def build_authenticator(config: AuthConfig) -> Authenticator:
    """The authenticator for the configured method (validated by the config loader)."""
    if config.method == "none":
        return NoAuthenticator()
    return ApiKeyAuthenticator(config.keys)
