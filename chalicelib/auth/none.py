"""No authentication: everyone is the anonymous admin. Only for trusted single-user hosts."""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.auth.identity import ClientCert, Identity


class NoAuthenticator:
    method = "none"

    def authenticate(self, headers: Mapping[str, str], source_ip: str,
                     client_cert: ClientCert | None = None) -> Identity:
        return Identity(user_id="anonymous", is_admin=True, method=self.method)
