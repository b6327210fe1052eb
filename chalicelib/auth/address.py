"""Identity from the caller's address: IP or CIDR rules (v4 and v6), the first match wins."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

from chalicelib.auth.identity import ClientCert, Identity
from chalicelib.config import AddressRule
from chalicelib.domain.errors import Unauthorized

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(text: str) -> IPAddress | None:
    """The address, with an IPv4-mapped IPv6 address (::ffff:a.b.c.d) read as the IPv4 one."""
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


class AddressAuthenticator:
    method = "address"

    def __init__(self, rules: Sequence[AddressRule]) -> None:
        self._rules = [(ipaddress.ip_network(r.ip, strict=False), r) for r in rules]

    def authenticate(self, headers: Mapping[str, str], source_ip: str,
                     client_cert: ClientCert | None = None) -> Identity:
        ip = parse_ip(source_ip)
        if ip is None:
            raise Unauthorized("the caller's address is unknown")
        for network, rule in self._rules:
            if ip.version == network.version and ip in network:
                return Identity(user_id=rule.user_id, is_admin=rule.admin, method=self.method,
                                claims={"rule": rule.ip, "source_ip": str(ip)})
        raise Unauthorized(f"no rule admits address {ip}")
