"""CertAuthenticator with certificates made in the test."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from chalicelib.auth.cert import CertAuthenticator, fingerprint
from chalicelib.auth.identity import ClientCert
from chalicelib.config import CertSettings, ConfigError
from chalicelib.domain.errors import Unauthorized
from tests.support.auth_material import certificate_authority, issue

CA, OTHER_CA = certificate_authority("Test CA"), certificate_authority("Test CA")  # same name!


def authenticator(tmp_path: Path, **changes: object) -> CertAuthenticator:
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(CA.pem)
    return CertAuthenticator(CertSettings(**{"ca_cert": str(ca_file), **changes}))  # type: ignore[arg-type]


def test_a_certificate_of_the_ca_names_the_user_by_cn_email_or_fingerprint(
        tmp_path: Path) -> None:
    leaf = issue(CA, "alice", email="alice@home.test")
    who = authenticator(tmp_path, admins=("alice",)).authenticate({}, "", ClientCert(leaf.pem))
    assert (who.user_id, who.is_admin, who.method) == ("alice", True, "cert")
    assert who.claims["subject"] == "CN=alice"
    assert who.claims["fingerprint_sha256"] == fingerprint(leaf.cert)
    by_email = authenticator(tmp_path, user_id_from="san_email")
    assert by_email.authenticate({}, "", ClientCert(leaf.pem)).user_id == "alice@home.test"
    by_print = authenticator(tmp_path, user_id_from="fingerprint")
    assert by_print.authenticate({}, "", ClientCert(leaf.pem)).user_id == fingerprint(leaf.cert)


@pytest.mark.parametrize(("pem", "reason"), [
    (None, "required"),
    (issue(OTHER_CA, "mallory").pem, "trusted CA"),  # same issuer name, another key
    (issue(CA, "old", valid_from=timedelta(days=-30), valid_for=timedelta(days=2)).pem,
     "expired"),
    (issue(CA, "early", valid_from=timedelta(days=2)).pem, "not yet valid"),
    (CA.pem.replace("MII", "MIJ", 1), "cannot be read"),
    ("not a certificate", "cannot be read"),
])
def test_other_certificates_are_refused(tmp_path: Path, pem: str | None, reason: str) -> None:
    with pytest.raises(Unauthorized, match=reason):
        authenticator(tmp_path).authenticate({}, "", ClientCert(pem) if pem else None)


def test_a_certificate_without_the_chosen_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Unauthorized, match="san_email"):
        authenticator(tmp_path, user_id_from="san_email").authenticate(
            {}, "", ClientCert(issue(CA, "no-email").pem))


def test_an_unreadable_ca_file_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("nothing")
    with pytest.raises(ConfigError, match=r"auth\.cert\.ca_cert"):
        CertAuthenticator(CertSettings(ca_cert=str(tmp_path / "ca.pem")))
