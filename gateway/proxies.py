"""The client's address: the peer's, unless the peer is a configured proxy; then X-Forwarded-For,
read from the right, up to the first address that is not one of those proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.datastructures import Headers

__all__ = ["IPNetwork", "TrustedProxies", "parse_networks"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(items: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Addresses or CIDR ranges (`10.0.0.0/8`, `::1`); raises ValueError naming a bad one."""
    networks: list[IPNetwork] = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or CIDR range") from None
    return tuple(networks)


def _address(text: str) -> IPAddress | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class TrustedProxies:
    """`client(peer, headers)`: whom to rate-limit and audit as the client of this request."""

    def __init__(self, networks: Iterable[IPNetwork] = ()) -> None:
        self._networks = tuple(networks)

    def _trusted(self, address: IPAddress) -> bool:
        return any(address in network for network in self._networks)

    def trusts(self, peer: str | None) -> bool:
        """Whether `peer` is one of the configured proxies."""
        address = _address(peer) if peer else None
        return address is not None and self._trusted(address)

    def client(self, peer: str | None, headers: Headers) -> str | None:
        if peer is None or not self._networks:
            return peer
        current = _address(peer)
        if current is None or not self._trusted(current):
            return peer
        hops = [hop for value in headers.getlist("x-forwarded-for") for hop in value.split(",")]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:  # unreadable: the trusted hop that passed it on is all we know
                break
            current = address
            if not self._trusted(address):
                break
        return str(current)
