"""Authentication methods behind one interface; `build_authenticator` picks the configured one
and `build_gate` puts the front door (client address, slow-down, audit) around it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.auth.identity import AuditWriter, Authenticator, ClientCert, Identity
from chalicelib.config import AuthConfig

if TYPE_CHECKING:
    from chalicelib.auth.gate import AuthGate
__all__ = ["Authenticator", "ClientCert", "Identity", "build_authenticator", "build_gate"]


def build_authenticator(config: AuthConfig) -> Authenticator:
    """The authenticator for the configured method (validated by the config loader)."""
    # Imported here: ports import chalicelib.auth.identity, and only one method's libraries
    # (JOSE, X.509) should load in a Lambda cold start.
    if config.method == "none":
        from chalicelib.auth.none import NoAuthenticator
        return NoAuthenticator()
    if config.method == "oidc" and config.oidc is not None:
        from chalicelib.auth.oidc import OidcAuthenticator
        return OidcAuthenticator(config.oidc)
    if config.method == "address" and config.address is not None:
        from chalicelib.auth.address import AddressAuthenticator
        return AddressAuthenticator(config.address.rules)
    if config.method == "cert" and config.cert is not None:
        from chalicelib.auth.cert import CertAuthenticator
        return CertAuthenticator(config.cert)
    if config.method == "plugin" and config.plugin is not None:
        from chalicelib.auth.plugin import PluginAuthenticator
        return PluginAuthenticator(config.plugin)
    from chalicelib.auth.api_key import ApiKeyAuthenticator
    return ApiKeyAuthenticator(config.api_keys)


def build_gate(config: AuthConfig, recorder: AuditWriter) -> AuthGate:
    """The configured method behind the front door every request passes."""
    from chalicelib.auth.gate import AuthGate, FailureThrottle

    throttle = FailureThrottle(config.failures_before_slowdown, config.slowdown_secs)
    return AuthGate(build_authenticator(config), recorder, throttle, config.trusted_proxies)
