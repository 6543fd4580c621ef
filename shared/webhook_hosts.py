"""Which hosts a webhook may reach. A webhook makes the server send a POST wherever its URL
points, so without a rule an alert could probe the machine itself (127.0.0.1, the cloud metadata
service at 169.254.169.254) or the private network behind it. Only public unicast addresses
pass, unless WEBHOOK_ALLOW_PRIVATE is set (tests, or a receiver on the same private network).

The API checks a URL's literal host when an alert is created; the updater checks every address
the name resolves to when it delivers, and connects to a checked address only (no second DNS
lookup that could answer differently)."""

from __future__ import annotations

import ipaddress
import socket

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), which is where it leads."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return None


def is_public(address: Address) -> bool:
    """Globally routable unicast: not loopback, private, link-local (metadata), shared (CGNAT),
    reserved, unspecified or multicast."""
    if isinstance(address, ipaddress.IPv6Address) and (inner := _embedded_ipv4(address)) is not None:
        return is_public(inner)
    return address.is_global and not address.is_multicast


def literal_address(host: str) -> Address | None:
    """The address a host written as an IP literal stands for, including the legacy IPv4 forms
    resolvers still accept (2130706433, 127.1, 0x7f.0.0.1); None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def refusal(host: str) -> str | None:
    """Why a URL's host is no place for a webhook, judged without DNS; None if it may be one."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host} is this machine"
    address = literal_address(name)
    if address is not None and not is_public(address):
        return f"{host} is a loopback, private, link-local or otherwise non-public address"
    return None
