"""The [auth] section: the design's examples load as written; each method needs its section."""

from __future__ import annotations

import tomllib

import pytest

from chalicelib.auth import build_authenticator
from chalicelib.config import ConfigError, parse_config

# The design's examples, verbatim.
EXAMPLES = {
    "oidc": """
[auth]
method = "oidc"
[auth.oidc]
issuer = "https://auth.example.com"
audience = "quentin-torrentino"
jwks_url = "https://auth.example.com/.well-known/jwks.json"
user_id_claim = "sub"  # or "email", "preferred_username"
""",
    "address": """
[auth]
method = "address"
[auth.address]
rules = [ { ip = "192.168.1.0/24", user_id = "homelab" }, """
    """{ ip = "10.0.0.5", user_id = "media-server" } ]
""",
    "cert": """
[auth]
method = "cert"
[auth.cert]
ca_cert = "/etc/ssl/ca.pem"
user_id_from = "cn"
""",
    "plugin": """
[auth]
method = "plugin"
[auth.plugin]
command = "/usr/local/bin/my-auth-plugin"
timeout_ms = 5000
""",
    "api_key": """
[auth]
method = "api_key"
api_key = "a-single-secret-key"   # the short form; [[auth.keys]] stays for several keys
""",
}


@pytest.mark.parametrize("method", sorted(EXAMPLES))
def test_the_design_examples_load_as_written(method: str) -> None:
    config = parse_config(tomllib.loads(EXAMPLES[method]), {})
    assert config.auth.method == method


def test_the_short_api_key_is_the_admin() -> None:
    config = parse_config(tomllib.loads(EXAMPLES["api_key"]), {})
    who = build_authenticator(config.auth).authenticate(
        {"X-API-Key": "a-single-secret-key"}, "127.0.0.1")
    assert (who.user_id, who.is_admin) == ("admin", True)
    assert "a-single-secret-key" not in repr(config)


@pytest.mark.parametrize(("auth", "message"), [
    ({"method": "oidc"}, r"needs an \[auth.oidc\] section"),
    ({"method": "address"}, r"needs an \[auth.address\] section"),
    ({"method": "cert"}, r"needs an \[auth.cert\] section"),
    ({"method": "plugin"}, r"needs an \[auth.plugin\] section"),
    ({"method": "api_key"}, "needs api_key"),
    ({"method": "api_key", "api_key": "short"}, "16 characters"),
    ({"method": "kerberos"}, "auth.method"),
    ({"method": "address", "address": {"rules": [{"ip": "10.0.0.300", "user_id": "x"}]}},
     r"auth\.address\.rules\[0\]\.ip"),
    ({"method": "address", "address": {"rules": []}}, "auth.address.rules"),
    ({"method": "oidc", "oidc": {"issuer": "i", "audience": "a", "jwks_url": "file:///etc/x"}},
     "auth.oidc.jwks_url"),
    ({"method": "oidc", "oidc": {"issuer": "i", "audience": "a", "jwks_url": "https://x",
                                 "algorithms": ["none"]}}, r"auth\.oidc\.algorithms\[0\]"),
    ({"method": "oidc", "oidc": {"issuer": "i", "audience": "a", "jwks_url": "https://x",
                                 "algorithms": ["HS256"]}}, r"auth\.oidc\.algorithms\[0\]"),
    ({"method": "plugin", "plugin": {"command": "my-plugin --flag"}}, "auth.plugin.command"),
    ({"method": "cert", "cert": {"ca_cert": "/ca.pem", "user_id_from": "ou"}},
     "auth.cert.user_id_from"),
    ({"method": "none", "trusted_proxies": ["proxy.local"]}, r"auth\.trusted_proxies\[0\]"),
])
def test_bad_auth_settings_name_the_key(auth: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config({"auth": auth}, {})
