"""``SPCP_TRUSTED_PROXIES`` (spcp/proxies.py): the parsing, the setting, the CLI flag, and what uvicorn's
``ProxyHeadersMiddleware`` then puts into an HTTP or websocket scope. The scope is produced the way the
server produces it: ``uvicorn.Config(app, **options).load()``, the options being the ones ``server.start``
gives ``ui.run``. tests/live/test_trusted_proxies.py shows the same against a real ``spcp serve``."""
from __future__ import annotations

import asyncio
import ipaddress

import pytest
import uvicorn
from typer.testing import CliRunner

from spcp import proxies, settings
from spcp.cli import app as cli_app


def networks(*entries: str) -> tuple[proxies.Network, ...]:
    return tuple(ipaddress.ip_network(entry) for entry in entries)


# ---------- parsing ----------

def test_an_empty_setting_trusts_nobody() -> None:
    assert proxies.parse('') == ()
    assert proxies.parse(' , ') == ()


def test_addresses_and_networks_of_both_families() -> None:
    assert proxies.parse(' 127.0.0.1 , 10.0.0.0/8,::1, fd00::/8 ,') == networks('127.0.0.1/32', '10.0.0.0/8',
                                                                              '::1/128', 'fd00::/8')


@pytest.mark.parametrize(('text', 'message'), [
    ('localhost', "SPCP_TRUSTED_PROXIES: 'localhost' is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24, "
                  '::1 or fd00::/8; names are not looked up)'),
    ('10.0.0.1, 300.1.1.1', "SPCP_TRUSTED_PROXIES: '300.1.1.1' is not an IP address or network"),
    ('10.0.0.0/33', "SPCP_TRUSTED_PROXIES: '10.0.0.0/33' is not an IP address or network"),
    ('[::1]', "SPCP_TRUSTED_PROXIES: '[::1]' is not an IP address or network"),
    ('10.1.2.3/8', "SPCP_TRUSTED_PROXIES: '10.1.2.3/8' has bits set after the /8; did you mean 10.0.0.0/8?"),
    ('*', 'SPCP_TRUSTED_PROXIES: "*" would let anyone claim any address; name the proxies'),
])
def test_a_bad_entry_is_named(text: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        proxies.parse(text)
    assert str(error.value).startswith(message)


def test_uvicorn_options() -> None:
    assert proxies.uvicorn_options(()) == {'proxy_headers': False}
    assert proxies.uvicorn_options(networks('127.0.0.1', '10.0.0.0/8', 'fd00::/8')) == {
        'proxy_headers': True,
        'forwarded_allow_ips': ['127.0.0.1/32', '::ffff:7f00:1/128', '10.0.0.0/8', '::ffff:a00:0/104', 'fd00::/8']}


# ---------- what the app then sees as the client's address ----------

def seen_address(options: dict[str, object], peer: str, *forwarded_for: str, kind: str = 'http') -> str:
    """The client address the app gets for a request from ``peer`` carrying these X-Forwarded-For lines."""
    seen: list[str] = []

    async def app(scope, receive, send) -> None:
        seen.append(scope['client'][0])

    config = uvicorn.Config(app, **options)
    config.load()  # wraps the app as uvicorn does when it serves it
    scope = {'type': kind, 'scheme': 'ws' if kind == 'websocket' else 'http', 'path': '/', 'client': (peer, 50000),
             'headers': [(b'x-forwarded-for', value.encode()) for value in forwarded_for]}
    asyncio.run(config.loaded_app(scope, None, None))
    return seen[0]


def trusting(text: str) -> dict[str, object]:
    return proxies.uvicorn_options(proxies.parse(text))


def test_uvicorn_alone_believes_any_forwarded_address_from_this_machine(monkeypatch) -> None:
    """What the server did before SPCP_TRUSTED_PROXIES: uvicorn's default trusts 127.0.0.1 and ::1."""
    monkeypatch.delenv('FORWARDED_ALLOW_IPS', raising=False)
    assert seen_address({}, '127.0.0.1', '203.0.113.9') == '203.0.113.9'
    assert seen_address({}, '::1', '203.0.113.9', kind='websocket') == '203.0.113.9'


@pytest.mark.parametrize('kind', ['http', 'websocket'])
def test_by_default_a_forwarded_address_is_ignored(monkeypatch, kind: str) -> None:
    monkeypatch.setenv('FORWARDED_ALLOW_IPS', '*')  # uvicorn's own variable changes nothing either
    assert seen_address(trusting(''), '127.0.0.1', '203.0.113.9', kind=kind) == '127.0.0.1'
    assert seen_address(trusting(''), '::1', '203.0.113.9', kind=kind) == '::1'


@pytest.mark.parametrize('kind', ['http', 'websocket'])
def test_a_trusted_proxy_names_the_phone(kind: str) -> None:
    options = trusting('127.0.0.1')
    assert seen_address(options, '127.0.0.1', '203.0.113.9', kind=kind) == '203.0.113.9'
    assert seen_address(options, '127.0.0.2', '203.0.113.9', kind=kind) == '127.0.0.2'  # not a proxy of ours
    assert seen_address(options, '127.0.0.1', kind=kind) == '127.0.0.1'  # a proxy's own request


def test_the_right_most_address_that_is_not_a_trusted_proxy_wins() -> None:
    options = trusting('127.0.0.1, 10.0.0.0/8')
    # the phone wrote "evil" itself; the proxy appended the address it really came from
    assert seen_address(options, '127.0.0.1', '198.51.100.66, 203.0.113.9') == '203.0.113.9'
    assert seen_address(options, '127.0.0.1', 'evil, 203.0.113.9') == '203.0.113.9'
    # two proxies of ours in a row (10.0.0.0/8 then this machine): skipped, the phone stays
    assert seen_address(options, '127.0.0.1', '198.51.100.66, 203.0.113.9, 10.1.2.3') == '203.0.113.9'
    # one header line per proxy reads as one list
    assert seen_address(options, '10.1.2.3', '198.51.100.66', '203.0.113.9') == '203.0.113.9'


def test_ipv6_and_ipv4_through_a_dual_stack_socket() -> None:
    assert seen_address(trusting('fd00::/8'), 'fd00::1', '2001:db8::7') == '2001:db8::7'
    assert seen_address(trusting('fd00::/8'), 'fe80::1', '2001:db8::7') == 'fe80::1'
    assert seen_address(trusting('10.0.0.0/8'), '::ffff:10.0.0.2', '203.0.113.9') == '203.0.113.9'


# ---------- the setting and the flag ----------

@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv('SPCP_DATA_DIR', str(tmp_path))
    monkeypatch.delenv('SPCP_TRUSTED_PROXIES', raising=False)  # also undoes what `spcp serve` sets
    return tmp_path


def test_the_setting_from_the_environment_or_the_settings_file(data_dir, monkeypatch) -> None:
    assert settings.load().trusted_proxies == ()
    (data_dir / settings.SETTINGS_FILE).write_text('trusted_proxies = ["10.0.0.5", "fd00::/8"]\n')
    assert settings.load().trusted_proxies == networks('10.0.0.5/32', 'fd00::/8')
    (data_dir / settings.SETTINGS_FILE).write_text('trusted_proxies = "10.0.0.0/24"\n')
    assert settings.load().trusted_proxies == networks('10.0.0.0/24')
    monkeypatch.setenv('SPCP_TRUSTED_PROXIES', '')  # set, even empty: wins over the file
    assert settings.load().trusted_proxies == ()


def test_a_bad_setting_stops_the_start(data_dir, monkeypatch) -> None:
    monkeypatch.setenv('SPCP_TRUSTED_PROXIES', '127.0.0.1,proxy.local')
    with pytest.raises(ValueError, match=r"^SPCP_TRUSTED_PROXIES: 'proxy.local' is not an IP address"):
        settings.load()


def test_the_serve_flag_refuses_a_bad_entry_in_one_line(data_dir) -> None:
    result = CliRunner().invoke(cli_app, ['serve', '--data-dir', str(data_dir), '--trusted-proxies', '10.0.0.1/8'])
    assert result.exit_code == 2
    assert result.stderr == (f'spcp: error: bad setting (flag, SPCP_* variable or {data_dir / "settings.toml"}): '
                             "SPCP_TRUSTED_PROXIES: '10.0.0.1/8' has bits set after the /8; did you mean "
                             '10.0.0.0/8?\n')
