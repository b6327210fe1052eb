"""Address rules, the client address behind trusted proxies, the slow-down and the audit."""

from __future__ import annotations

import pytest

from chalicelib.auth.address import AddressAuthenticator
from chalicelib.auth.gate import AuthGate, FailureThrottle, client_ip, throttle_key
from chalicelib.auth.none import NoAuthenticator
from chalicelib.config import AddressRule
from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.errors import TooManyRequests, Unauthorized
from chalicelib.services.audit import AuditRecorder
from tests.support.fakes import FakeClock, InMemoryAuditLog

RULES = (AddressRule("10.0.0.5", "media-server", True), AddressRule("10.0.0.0/8", "lan"),
         AddressRule("fd00::/8", "v6-lan"), AddressRule("0.0.0.0/0", "anyone-v4"))


@pytest.mark.parametrize(("ip", "user", "admin"), [
    ("10.0.0.5", "media-server", True),  # first match wins over the wider 10/8 after it
    ("10.9.8.7", "lan", False),
    ("fd12::1", "v6-lan", False),
    ("::ffff:10.1.1.1", "lan", False),  # IPv4-mapped IPv6 is the IPv4 address
    ("192.0.2.1", "anyone-v4", False),
])
def test_first_matching_rule_names_the_caller(ip: str, user: str, admin: bool) -> None:
    who = AddressAuthenticator(RULES).authenticate({}, ip)
    assert (who.user_id, who.is_admin, who.method) == (user, admin, "address")
    assert who.claims["source_ip"] == ip.removeprefix("::ffff:")


@pytest.mark.parametrize("ip", ["2001:db8::1", "", "not-an-ip", "10.0.0.5, 1.2.3.4"])
def test_addresses_no_rule_admits_are_refused(ip: str) -> None:
    with pytest.raises(Unauthorized):
        AddressAuthenticator(RULES[:3]).authenticate({}, ip)


def test_headers_cannot_claim_an_address_without_a_trusted_proxy() -> None:
    spoof = {"X-Forwarded-For": "10.0.0.5", "X-Real-IP": "10.0.0.5"}
    assert client_ip("203.0.113.9", spoof, ()) == "203.0.113.9"
    assert client_ip("203.0.113.9", spoof, ("192.168.0.1",)) == "203.0.113.9"


def test_a_trusted_proxy_names_the_client_and_client_written_hops_are_ignored() -> None:
    proxies = ("192.168.0.1", "192.168.0.0/30")
    # The client wrote "10.0.0.5" itself; the proxies appended the address they saw.
    forwarded = {"x-forwarded-for": "10.0.0.5, 198.51.100.7, 192.168.0.2"}
    assert client_ip("192.168.0.1", forwarded, proxies) == "198.51.100.7"
    assert client_ip("192.168.0.1", {}, proxies) == "192.168.0.1"
    assert client_ip("192.168.0.1", {"X-Forwarded-For": "garbage"}, proxies) == "192.168.0.1"


def test_the_throttle_refuses_after_the_limit_until_the_window_passes() -> None:
    now = [0.0]
    throttle = FailureThrottle(3, 30, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.wait_secs("1.2.3.4") == 0
        throttle.failed("1.2.3.4")
        now[0] += 1
    assert throttle.wait_secs("1.2.3.4") == pytest.approx(27)
    assert throttle.wait_secs("5.6.7.8") == 0  # others are not affected
    now[0] += 27
    assert throttle.wait_secs("1.2.3.4") == 0


def _gate(inner: object, limit: int = 2) -> tuple[AuthGate, InMemoryAuditLog]:
    audit = InMemoryAuditLog()
    gate = AuthGate(inner, AuditRecorder(audit, FakeClock()),  # type: ignore[arg-type]
                    FailureThrottle(limit, 60), ("127.0.0.1",))
    return gate, audit


def test_failures_are_audited_without_the_secret_then_slowed_down() -> None:
    gate, audit = _gate(AddressAuthenticator(RULES[:1]))
    secret = {"X-API-Key": "s3cr3t-s3cr3t-s3cr3t"}
    for _ in range(2):
        with pytest.raises(Unauthorized):
            gate.authenticate(secret, "203.0.113.9")
    with pytest.raises(TooManyRequests) as slowed:
        gate.authenticate(secret, "203.0.113.9")
    assert slowed.value.details["retry_after_secs"] == 60
    events = [e for e in audit.events if e.event_type is AuditEventType.AUTHENTICATION_FAILED]
    assert len(events) == 2  # the refusal while slowed down is not audited again
    assert events[0].actor == "unauthenticated"
    assert events[0].data == {"method": "address", "source_ip": "203.0.113.9",
                              "reason": "no rule admits address 203.0.113.9"}
    assert "s3cr3t" not in repr(audit.events)
    assert gate.authenticate({}, "10.0.0.5").user_id == "media-server"


def test_the_gate_hands_the_method_the_forwarded_address() -> None:
    gate, _ = _gate(AddressAuthenticator(RULES[:1]))
    who = gate.authenticate({"X-Forwarded-For": "10.0.0.5"}, "127.0.0.1")
    assert who.user_id == "media-server"
    gate_none, audit = _gate(NoAuthenticator())
    assert gate_none.authenticate({}, "").user_id == "anonymous" and audit.events == []


def test_ipv6_failures_count_per_64_so_rotating_addresses_does_not_help() -> None:
    assert throttle_key("2001:db8:1:2::a") == throttle_key("2001:db8:1:2:ffff::1")
    assert throttle_key("2001:db8:1:3::a") != throttle_key("2001:db8:1:2::a")
    assert throttle_key("::ffff:192.0.2.1") == "192.0.2.1"
    gate, _ = _gate(AddressAuthenticator(RULES[:1]))
    for suffix in ("1", "2"):
        with pytest.raises(Unauthorized):
            gate.authenticate({}, f"2001:db8:1:2::{suffix}")
    with pytest.raises(TooManyRequests):
        gate.authenticate({}, "2001:db8:1:2::99")
