"""method = "cert" through the real stack serving HTTPS with client-certificate verification,
with a CA and certificates made in the test."""

from __future__ import annotations

import ssl
import urllib.error
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.client import RemoteDisconnected
from pathlib import Path

import pytest

from tests.integration.api.conftest import example_ticket
from tests.integration.auth.conftest import running
from tests.support.auth_material import Issued, certificate_authority, issue
from tests.support.local_stack import ApiAnswer, RunningStack


@dataclass
class Pki:
    directory: Path
    ca: Issued
    server_ca: Issued

    def client(self, cert: Issued | None, name: str = "client") -> ssl.SSLContext:
        """A client context trusting the server's CA and presenting `cert`."""
        context = ssl.create_default_context(cafile=str(self.directory / "server-ca.pem"))
        if cert is not None:
            cert_file, key_file = cert.write(self.directory, name)
            context.load_cert_chain(str(cert_file), str(key_file))
        return context


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("cert")
    ca, server_ca = certificate_authority("Clients CA"), certificate_authority("Server CA")
    (directory / "clients-ca.pem").write_text(ca.pem)
    (directory / "server-ca.pem").write_text(server_ca.pem)
    issue(server_ca, "localhost", server_ip="127.0.0.1").write(directory, "server")
    return Pki(directory, ca, server_ca)


@pytest.fixture(scope="module")
def stack(pki: Pki) -> Iterator[RunningStack]:
    auth = f"""
[auth]
method = "cert"
failures_before_slowdown = 1000
[auth.cert]
ca_cert = "{pki.directory / 'clients-ca.pem'}"
user_id_from = "cn"
admins = ["ops"]
"""
    config_dir = pki.directory / "stack"
    config_dir.mkdir()
    server_tls = f'tls_cert_file = "{pki.directory / "server.pem"}"\n' \
                 f'tls_key_file = "{pki.directory / "server-key.pem"}"\n'
    with running(config_dir, auth, server_tls,
                 tls=pki.client(issue(pki.ca, "health-checker"), "health")) as stack:
        yield stack


def with_cert(stack: RunningStack, context: ssl.SSLContext, path: str = "/api/v1/whoami",
              method: str = "GET", body: object = None) -> ApiAnswer:
    stack.tls = context
    return stack.call(method, path, body, key=None)


def test_a_certificate_from_the_ca_names_the_user(stack: RunningStack, pki: Pki) -> None:
    answer = with_cert(stack, pki.client(issue(pki.ca, "alice"), "alice"))
    assert answer.status == 200
    body = answer.body
    assert (body["user_id"], body["is_admin"], body["method"]) == ("alice", False, "cert")
    assert body["claims"]["subject"] == "CN=alice"
    assert body["claims"]["issuer"] == "CN=Clients CA"
    ops = with_cert(stack, pki.client(issue(pki.ca, "ops"), "ops")).body
    assert ops["is_admin"] is True


def test_no_certificate_is_401_but_health_answers(stack: RunningStack, pki: Pki) -> None:
    bare = pki.client(None)
    assert with_cert(stack, bare).status == 401
    assert with_cert(stack, bare, "/api/v1/health").status == 200


@pytest.mark.parametrize("make", [
    pytest.param(lambda pki: issue(certificate_authority("Clients CA"), "mallory"),
                 id="wrong CA with the same name"),
    pytest.param(lambda pki: issue(pki.server_ca, "mallory"), id="the server's CA"),
    pytest.param(lambda pki: issue(pki.ca, "old", valid_from=timedelta(days=-30),
                                   valid_for=timedelta(days=1)), id="expired"),
])
def test_bad_certificates_are_refused_in_the_handshake(stack: RunningStack, pki: Pki,
                                                       make: Callable[[Pki], Issued]) -> None:
    context = pki.client(make(pki), "bad")
    with pytest.raises((ssl.SSLError, urllib.error.URLError, ConnectionError,
                        RemoteDisconnected)):
        with_cert(stack, context)
    # The server still serves others afterwards.
    assert with_cert(stack, pki.client(issue(pki.ca, "alice"), "alice")
                     ).status == 200


def test_the_certificate_user_owns_tickets(stack: RunningStack, pki: Pki) -> None:
    alice, bob = pki.client(issue(pki.ca, "alice"), "a"), pki.client(issue(pki.ca, "bob"), "b")
    created = with_cert(stack, alice, "/api/v1/ticket", "POST", example_ticket())
    assert created.body["requested_by"] == "alice"
    tid = created.body["ticket_id"]
    assert with_cert(stack, bob, f"/api/v1/ticket/{tid}").status == 404
