"""The deployed shape: API Gateway proxy events handed to the Chalice app, with the caller's
address in requestContext.identity.sourceIp and the mutual-TLS certificate in
requestContext.identity.clientCert (services on the embedded AWS)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import app as api
from chalicelib.bootstrap import build_services
from tests.integration.adapters.aws.conftest import aws_endpoint, provisioned_config
from tests.support.auth_material import certificate_authority, issue

__all__ = ["aws_endpoint"]  # the session fixture, used here too
CA = certificate_authority("Clients CA")


def event(path: str, source_ip: str, client_cert_pem: str | None = None,
          headers: dict[str, str] | None = None) -> dict[str, Any]:
    identity: dict[str, Any] = {"sourceIp": source_ip}
    if client_cert_pem:
        identity["clientCert"] = {"clientCertPem": client_cert_pem, "subjectDN": "CN=x",
                                  "issuerDN": "CN=Clients CA", "serialNumber": "1",
                                  "validity": {"notBefore": "", "notAfter": ""}}
    return {"resource": path, "path": path, "httpMethod": "GET",
            "headers": headers or {}, "multiValueHeaders": {},
            "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": None, "stageVariables": None, "body": None,
            "isBase64Encoded": False,
            "requestContext": {"resourcePath": path, "httpMethod": "GET", "path": path,
                               "stage": "api", "identity": identity}}


@pytest.fixture
def use_auth(aws_endpoint: str) -> Iterator[Any]:
    def install(auth: dict[str, Any]) -> None:
        api.use_services(build_services(provisioned_config(aws_endpoint, auth=auth)))

    yield install
    api._services = None


def call(evt: dict[str, Any]) -> tuple[int, Any]:
    answer = api.app(evt, None)
    return answer["statusCode"], json.loads(answer["body"])


def test_api_gateway_mutual_tls_certificate_names_the_caller(use_auth: Any,
                                                              tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text(CA.pem)
    use_auth({"method": "cert", "cert": {"ca_cert": str(tmp_path / "ca.pem")}})
    status, body = call(event("/api/v1/whoami", "198.51.100.7", issue(CA, "alice").pem))
    assert status == 200 and body["user_id"] == "alice" and body["method"] == "cert"
    assert call(event("/api/v1/whoami", "198.51.100.7"))[0] == 401
    stranger = issue(certificate_authority("Clients CA"), "mallory").pem
    assert call(event("/api/v1/whoami", "198.51.100.7", stranger))[0] == 401


def test_api_gateway_source_ip_is_the_address(use_auth: Any) -> None:
    use_auth({"method": "address", "address": {"rules": [
        {"ip": "198.51.100.0/24", "user_id": "office"}]}})
    status, body = call(event("/api/v1/whoami", "198.51.100.7"))
    assert (status, body["user_id"]) == (200, "office")
    spoofed = event("/api/v1/whoami", "203.0.113.1", headers={"X-Forwarded-For": "198.51.100.7"})
    assert call(spoofed)[0] == 401
