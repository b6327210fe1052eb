"""Credentials made in the test: RSA keys, a JWKS served over HTTP, JWTs, X.509 certificates."""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

ISSUER = "https://issuer.test"
AUDIENCE = "quentin-torrentino"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**data, "kid": kid, "use": "sig", "alg": "RS256"}


def token(key: rsa.RSAPrivateKey, kid: str, **claims: Any) -> str:
    """A JWT signed with `key`: valid for an hour for ISSUER/AUDIENCE unless claims say else."""
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "iat": now, "exp": now + 3600,
            **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm="RS256",
                      headers={"kid": kid})


class JwksServer:
    """Serves {"keys": [...]} at /jwks.json and counts the fetches."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.fetches += 1
                body = json.dumps({"keys": outer.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/jwks.json"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# --- certificates -------------------------------------------------------------------------
def _cert_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())  # much faster to make than RSA


@dataclass
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    def write(self, directory: Path, name: str) -> tuple[Path, Path]:
        """The certificate and its key as PEM files."""
        cert_path, key_path = directory / f"{name}.pem", directory / f"{name}-key.pem"
        cert_path.write_text(self.pem)
        key_path.write_bytes(self.key.private_bytes(serialization.Encoding.PEM,
                                                    serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
        return cert_path, key_path


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def certificate_authority(cn: str) -> Issued:
    key = _cert_key()
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                         crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return Issued(cert, key)


def issue(ca: Issued, cn: str, *, email: str | None = None, server_ip: str | None = None,
          valid_from: timedelta = timedelta(days=-1), valid_for: timedelta = timedelta(days=7)
          ) -> Issued:
    """A leaf certificate signed by `ca` (a client one, or a server one for `server_ip`)."""
    key = _cert_key()
    now = datetime.now(UTC)
    names: list[x509.GeneralName] = []
    if email:
        names.append(x509.RFC822Name(email))
    if server_ip:
        names.append(x509.IPAddress(IPv4Address(server_ip)))
    usage = x509.oid.ExtendedKeyUsageOID
    builder = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca.cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now + valid_from)
               .not_valid_after(now + valid_from + valid_for)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([usage.SERVER_AUTH if server_ip
                                                     else usage.CLIENT_AUTH]), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   ca.key.public_key()), critical=False))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return Issued(builder.sign(ca.key, hashes.SHA256()), key)


# --- an authentication plugin -----------------------------------------------------------
# The plugin acts as the X-Mode header says; it records its pid so the test can see it die.
PLUGIN_SCRIPT = f"""#!{sys.executable}
import json, os, sys, time
request = json.load(sys.stdin)
headers = {{k.lower(): v for k, v in request["headers"].items()}}
mode = headers.get("x-mode", "")
open(os.path.join(os.path.dirname(__file__), "pid"), "w").write(str(os.getpid()))
if mode == "good":
    print(json.dumps({{"user_id": headers["x-user"], "claims": {{
        "admin": headers.get("x-admin") == "yes", "source_ip": request["source_ip"],
        "seen": headers.get("x-seen", ""), "env": sorted(os.environ)}}}}))
elif mode == "error":
    print(json.dumps({{"error": "password expired " + "x" * 500}}))
elif mode == "sleep":
    time.sleep(30)
elif mode == "exit":
    print(json.dumps({{"user_id": "alice"}}))
    sys.exit(3)
elif mode == "badjson":
    print("user_id=alice")
elif mode == "huge":
    sys.stdout.write(json.dumps({{"user_id": "a", "claims": {{"pad": "x" * 100000}}}}))
    sys.stdout.flush()
    time.sleep(30)
elif mode == "array":
    print("[]")
elif mode == "nouser":
    print(json.dumps({{"claims": {{}}}}))
"""


def write_plugin(path: Path) -> Path:
    """The plugin above as an executable file (it writes its pid next to itself)."""
    path.write_text(PLUGIN_SCRIPT)
    path.chmod(0o755)
    return path
