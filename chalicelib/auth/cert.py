"""Client certificates (mutual TLS): the certificate the TLS terminator verified names the user.

The terminator (API Gateway mutual TLS, or the local stack's TLS server) already checked the
chain; the certificate is checked again here against `ca_cert` (issuer signature and validity
dates), so a misconfigured terminator does not let any certificate in. Only certificates issued
directly by one of the CAs in `ca_cert` are accepted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from chalicelib.auth.identity import ClientCert, Identity
from chalicelib.config import CertSettings, ConfigError
from chalicelib.domain.errors import Unauthorized


def load_cas(path: str) -> list[x509.Certificate]:
    """The CA certificates of a PEM file; ConfigError if there are none."""
    try:
        cas = x509.load_pem_x509_certificates(Path(path).read_bytes())
    except (OSError, ValueError) as e:
        raise ConfigError(f"auth.cert.ca_cert: cannot read CA certificates from {path}: {e}"
                          ) from None
    return cas


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


class CertAuthenticator:
    method = "cert"

    def __init__(self, settings: CertSettings,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._cas = load_cas(settings.ca_cert)
        self._user_id_from = settings.user_id_from
        self._admins: Collection[str] = frozenset(settings.admins)
        self._now = now

    def authenticate(self, headers: Mapping[str, str], source_ip: str,
                     client_cert: ClientCert | None = None) -> Identity:
        if client_cert is None:
            raise Unauthorized("a client certificate is required")
        try:
            cert = x509.load_pem_x509_certificate(client_cert.pem.encode())
        except ValueError:
            raise Unauthorized("the client certificate cannot be read") from None
        self._check(cert)
        user_id = self._user_id(cert)
        claims = {"subject": cert.subject.rfc4514_string(),
                  "issuer": cert.issuer.rfc4514_string(),
                  "serial": format(cert.serial_number, "x"),
                  "fingerprint_sha256": fingerprint(cert),
                  "not_after": cert.not_valid_after_utc.isoformat()}
        return Identity(user_id=user_id, is_admin=user_id in self._admins, method=self.method,
                        claims=claims)

    def _check(self, cert: x509.Certificate) -> None:
        now = self._now()
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise Unauthorized("the client certificate is expired or not yet valid")
        for ca in self._cas:
            try:
                cert.verify_directly_issued_by(ca)
            except (InvalidSignature, ValueError, TypeError):  # a CA that did not issue it
                continue
            if ca.not_valid_before_utc <= now <= ca.not_valid_after_utc:
                return
        raise Unauthorized("the client certificate is not issued by a trusted CA")

    def _user_id(self, cert: x509.Certificate) -> str:
        if self._user_id_from == "fingerprint":
            return fingerprint(cert)
        if self._user_id_from == "cn":
            names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
            value = names[0].value if names else ""
        else:
            try:
                san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
                emails = san.value.get_values_for_type(x509.RFC822Name)
            except x509.ExtensionNotFound:
                emails = []
            value = emails[0] if emails else ""
        if not isinstance(value, str) or not value:
            raise Unauthorized(f"the client certificate has no {self._user_id_from}")
        return value
