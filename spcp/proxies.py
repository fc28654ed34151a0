"""Which proxies may tell the server a phone's address (``SPCP_TRUSTED_PROXIES``), in the form uvicorn takes.

Behind a proxy (HAProxy, Caddy or nginx in front of several ``spcp serve``) every request comes from
the proxy, so the limits per network address (SECURITY.md) would count every phone as one. uvicorn's
``ProxyHeadersMiddleware`` puts the address from ``X-Forwarded-For`` into the ASGI scope of HTTP and
websocket requests alike (so ``request.client`` and a socket's ``asgi.scope`` name the phone), but only
for a request whose own address is a trusted proxy, and it takes the right-most address that is not
itself a trusted proxy: what a phone writes into the header stays left of what the proxy appends.

We only choose whom it trusts. Its own default trusts 127.0.0.1 and ::1 (or ``$FORWARDED_ALLOW_IPS``),
so anything reaching the server through a local tunnel or a local proxy could pick its address; ours
trusts nobody and reads no proxy header at all. And where uvicorn keeps an entry it cannot parse as a
name that never matches, silently, a bad entry here stops the start with a message naming it.
The ``Forwarded`` header (RFC 7239) is not read: uvicorn does not, and every proxy above sends
``X-Forwarded-For``.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SETTING = 'SPCP_TRUSTED_PROXIES'
EXAMPLES = 'e.g. 10.0.0.5, 10.0.0.0/24, ::1 or fd00::/8'
# where an IPv4 address sits inside IPv6 (::ffff:a.b.c.d): how a dual-stack socket (host '::') sees it
MAPPED_IPV4 = ipaddress.IPv6Network('::ffff:0:0/96')


def parse(text: str) -> tuple[Network, ...]:
    """The proxies in a comma-separated list of IP addresses and networks ('' = none). ValueError names
    the first bad entry."""
    return tuple(_network(entry.strip()) for entry in text.split(',') if entry.strip())


def _network(entry: str) -> Network:
    if entry == '*':
        raise ValueError(f'{SETTING}: "*" would let anyone claim any address; name the proxies ({EXAMPLES})')
    try:
        return ipaddress.ip_network(entry)  # a single address is a network of one (/32, /128)
    except ValueError:
        pass
    try:
        meant = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        raise ValueError(f'{SETTING}: {entry!r} is not an IP address or network ({EXAMPLES}; '
                         'names are not looked up)') from None
    raise ValueError(f'{SETTING}: {entry!r} has bits set after the /{meant.prefixlen}; did you mean {meant}?')


def _with_mapped(networks: Iterable[Network]) -> list[Network]:
    """Each IPv4 network also as IPv6 clients of a dual-stack socket show it (::ffff:10.0.0.5)."""
    result: list[Network] = []
    for network in networks:
        result.append(network)
        if network.version == 4:
            mapped = int(MAPPED_IPV4.network_address) + int(network.network_address)
            result.append(ipaddress.IPv6Network((mapped, 96 + network.prefixlen)))
    return result


def uvicorn_options(networks: tuple[Network, ...]) -> dict[str, object]:
    """``ui.run``'s (that is, ``uvicorn.Config``'s) proxy options: none trusted, no proxy header read at
    all (not even uvicorn's default of 127.0.0.1); else these networks and no other."""
    if not networks:
        return {'proxy_headers': False}
    return {'proxy_headers': True, 'forwarded_allow_ips': [str(network) for network in _with_mapped(networks)]}
