"""The addresses phones and facilitators open: the laptop's LAN address and every event's links.

Finding the LAN address sends no network traffic: the interfaces are listed locally (``ifaddr``,
which NiceGUI already depends on), nothing is connected to and no packet is sent. That matters on a
hotspot with no internet and for a program whose promise is that no data leaves the laptop.
"""
from __future__ import annotations

import ipaddress
import shutil
import socket
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote, urlsplit

from sqlmodel import Session, select

from . import firewall
from .domain.events import format_code, rooms_of
from .domain.models import Event
from .settings import Settings

LOOPBACK = '127.0.0.1'
LOCAL_HOSTS = frozenset({'127.0.0.1', 'localhost', '::1'})
ANY_HOSTS = frozenset({'0.0.0.0', '', '::', '[::]'})

# Home routers and phone hotspots hand out these (Windows hotspot 192.168.137.x, Android
# 192.168.43.x, iPhone 172.20.10.x, many venues 10.x).
_LAN_NETWORKS = tuple(ipaddress.ip_network(n) for n in ('192.168.0.0/16', '10.0.0.0/8', '172.16.0.0/12'))
_CGNAT = ipaddress.ip_network('100.64.0.0/10')  # usually a VPN (Tailscale) rather than the room's Wi-Fi

# Interfaces phones in the room cannot reach: containers, virtual machines, VPN tunnels.
_VIRTUAL_PREFIXES = ('docker', 'br-', 'veth', 'virbr', 'vboxnet', 'vmnet', 'lxc', 'lxd', 'cni', 'flannel',
                     'cali', 'tun', 'tap', 'utun', 'zt', 'tailscale', 'wg', 'ppp', 'ipsec')
_VIRTUAL_WORDS = ('virtual', 'vmware', 'virtualbox', 'hyper-v', 'host-only', 'docker', 'wsl', 'vpn',
                  'tailscale', 'zerotier', 'wireguard', 'loopback', 'pseudo')


def _is_virtual(interface: str) -> bool:
    name = interface.lower()
    return name.startswith(_VIRTUAL_PREFIXES) or any(word in name for word in _VIRTUAL_WORDS)


def pick_address(candidates: Iterable[tuple[str, str]]) -> str:
    """The best LAN address among ``(interface name, IPv4 address)`` pairs, else ``127.0.0.1``.

    Loopback, link-local (169.254.x: no DHCP answer), multicast and unspecified addresses are
    skipped; private LAN ranges on real interfaces come first, then anything else that is left.
    """
    ranked: list[tuple[tuple[int, int, int], str]] = []
    for order, (interface, text) in enumerate(candidates):
        try:
            ip = ipaddress.IPv4Address(str(text).split('%', 1)[0])
        except ValueError:
            continue
        if ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
            continue
        if any(ip in net for net in _LAN_NETWORKS):
            kind = 0
        elif ip in _CGNAT:
            kind = 2
        else:
            kind = 1
        ranked.append(((int(_is_virtual(interface)), kind, order), str(ip)))
    return min(ranked)[1] if ranked else LOOPBACK


def _interface_addresses() -> list[tuple[str, str]]:
    """Every IPv4 address of this machine with its interface name, read locally."""
    try:
        import ifaddr
    except ImportError:  # pragma: no cover - ifaddr comes with NiceGUI
        return _hostname_addresses()
    pairs: list[tuple[str, str]] = []
    try:
        adapters = ifaddr.get_adapters()
    except OSError:  # pragma: no cover - unusual platforms
        return _hostname_addresses()
    for adapter in adapters:
        label = f'{adapter.name} {adapter.nice_name}'
        pairs.extend((label, ip.ip) for ip in adapter.ips if isinstance(ip.ip, str))  # IPv6 ips are tuples
    return pairs


def _hostname_addresses() -> list[tuple[str, str]]:
    """Fallback: the addresses the host name resolves to (from the hosts file / local resolver)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [('', str(info[4][0])) for info in infos]


def lan_address() -> str:
    """This laptop's IPv4 address on the local network (the one phones on its Wi-Fi or hotspot use).

    ``127.0.0.1`` when the laptop is on no network at all.
    """
    return pick_address(_interface_addresses())


def base_url(cfg: Settings) -> str:
    """Where phones reach the app: ``cfg.public_url`` if given, else ``http://<address>:<port>``."""
    if cfg.public_url:
        return cfg.public_url.rstrip('/')
    host = (cfg.host or '').strip()
    if host in LOCAL_HOSTS:
        address = LOOPBACK  # only this laptop can connect anyway
    elif host in ANY_HOSTS:
        address = lan_address()
    else:
        address = f'[{host}]' if ':' in host else host  # bound to one address: that is the one to use
    scheme = 'https' if cfg.tls_cert else 'http'
    return f'{scheme}://{address}:{cfg.port}'


def public_base(request_base: str, cfg: Settings) -> str:
    """Where phones reach this laptop: the address the facilitator's browser used (``request_base``),
    unless that was localhost, which a phone cannot reach; then the remembered or LAN address."""
    host = urlsplit(request_base).hostname or ''
    if host not in ('localhost', '127.0.0.1', '::1', 'test', ''):
        return request_base.rstrip('/')
    return base_url(cfg)


def join_url(base: str, code: str) -> str:
    return f'{base.rstrip("/")}/r/{quote(code, safe="")}'


def facilitator_url(base: str, code: str, key: str) -> str:
    return f'{base.rstrip("/")}/board/{quote(code, safe="")}?key={quote(key, safe="")}'


def remote_url(base: str, code: str, key: str) -> str:
    """The facilitator's remote (the board's controls on a phone): the same key as the board."""
    return f'{base.rstrip("/")}/remote/{quote(code, safe="")}?key={quote(key, safe="")}'


def organizer_url(base: str, event_id: int, key: str) -> str:
    return f'{base.rstrip("/")}/organize/{int(event_id)}?key={quote(key, safe="")}'


def describe_event(session: Session, event: Event, base: str) -> dict:
    """An event's links as plain data (what ``spcp event create --json`` prints)."""
    return {
        'event_id': event.id,
        'name': event.name,
        'organizer_url': organizer_url(base, event.id, event.organizer_key),
        'rooms': [{'name': room.name,
                   'code': room.join_code,
                   'code_display': format_code(room.join_code),
                   'join_url': join_url(base, room.join_code),
                   'facilitator_url': facilitator_url(base, room.join_code, room.facilitator_key),
                   'remote_url': remote_url(base, room.join_code, room.facilitator_key)}
                  for room in rooms_of(session, event.id)],
    }


def format_event(info: dict, *, with_keys: bool = True) -> str:
    """``describe_event`` output as text for a terminal; without keys, only what phones use."""
    lines = [f'Event {info["event_id"]}: {info["name"]}']
    if with_keys:
        lines.append(f'  Organizer: {info["organizer_url"]}')
    for room in info['rooms']:
        lines += [f'  {room["name"]} (code {room["code_display"]})',
                  f'    Join:   {room["join_url"]}']
        if with_keys:
            lines += [f'    Board:  {room["facilitator_url"]}', f'    Remote: {room["remote_url"]}']
    if with_keys:
        lines.append('  Organizer, Board and Remote links carry secret keys: give them only to the organizer and '
                     'facilitators.')
    return '\n'.join(lines)


def spcp_command() -> str:
    """How the organizer calls this program: ``spcp`` when the shell finds it, else its full path
    (after ``bash scripts/run.sh`` it sits in ``.venv/bin``, which is not on the PATH)."""
    script = Path(sys.executable).with_name('spcp')
    found = shutil.which('spcp')
    if not script.exists() or (found and Path(found).resolve() == script.resolve()):
        return 'spcp'
    return str(script)


def _loopback(host: str) -> bool:
    """Whether ``host`` is this laptop itself (a phone would take it for its own address)."""
    return host.lower() in LOCAL_HOSTS or host.startswith('127.')


def reach_lines(cfg: Settings, base: str, *, probe: Callable[[int], firewall.Verdict] | None = None) -> list[str]:
    """The start-up lines saying who can open ``base``: phones (and whether the firewall lets them in),
    or, for a loopback address, only this laptop and how to let phones in."""
    host = (cfg.host or '').strip()
    if cfg.trusted_proxies:  # one of several processes (README, "Several processes"): phones come through the proxy
        return [f'SPCP Live is running on {host}:{cfg.port} behind a proxy. Phones open {base}/']
    if _loopback(urlsplit(base).hostname or ''):
        if _loopback(host):
            why, how = (f'it listens on {host} only', 'To let phones on the same Wi-Fi or hotspot in, start it with '
                        '--host 0.0.0.0 (bash scripts/run.sh --host 0.0.0.0).')
        elif host in ANY_HOSTS and not cfg.public_url:
            why, how = ('no network found', 'Phones can connect once this laptop joins a Wi-Fi or hotspot (or '
                        f'shares its own); `{spcp_command()} event links` then prints the addresses.')
        else:
            why, how = ('the public URL names this laptop itself', 'To let phones in, give --public-url an '
                        'address phones reach, or --public-url "" to work it out.')
        return [f'SPCP Live is running at {base}/ but only this laptop can open it: {why}.', f'  {how}']
    lines = [f'SPCP Live is running. Phones on the same Wi-Fi or hotspot open {base}/']
    if not _loopback(host):
        lines.append(f'  {firewall_line(cfg.port, probe or firewall.check)}')
    return lines


def firewall_line(port: int, probe: Callable[[int], firewall.Verdict]) -> str:
    """What the firewall says about ``port``; a probe that fails only makes the line unsure."""
    try:
        verdict = probe(port)
    except Exception:  # noqa: BLE001 - a start-up hint must never stop the server
        verdict = firewall.Verdict(firewall.UNSURE)
    return firewall.advice(port, verdict)


def announce(cfg: Settings, *, with_keys: bool | None = None) -> None:
    """Print, for every event in the database, its rooms' join links, and the sign-in links with
    their keys only on the organizer's own terminal (never into a log file)."""
    from . import db

    with_keys = sys.stdout.isatty() if with_keys is None else with_keys
    base = base_url(cfg)
    for line in reach_lines(cfg, base):
        print(line, flush=True)
    with db.session() as session:
        events = list(session.exec(select(Event).order_by(Event.id)).all())
        infos = [describe_event(session, event, base) for event in events]
    if not infos:
        print(f'No event yet: create one with `{spcp_command()} event create --name NAME --rooms N`.')
    for info in infos:
        print()
        print(format_event(info, with_keys=with_keys))
    if infos and not with_keys:
        print(f'\nSign-in links for the organizer and the boards: {spcp_command()} event links --data-dir '
              f'{cfg.data_dir}')
    print(flush=True)
