"""The ``spcp`` command line, the links it prints and the demo event (no server is started here)."""
from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from spcp import db, firewall, links, settings
from spcp.cli import app
from spcp.demo import DEMO_EVENT_NAME, ensure_demo
from spcp.domain.events import rooms_of
from spcp.domain.models import Event, Room
from spcp.settings import Settings

SPCP_SCRIPT = Path(sys.executable).with_name('spcp')
BASE = 'http://192.168.4.1:8080'


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test gets its own data dir and settings; the CLI's env changes and db engine are undone."""
    data = tmp_path / 'data'
    monkeypatch.setenv('SPCP_DATA_DIR', str(data))
    monkeypatch.setenv('SPCP_HOST', '0.0.0.0')
    monkeypatch.setenv('SPCP_PORT', '8080')
    monkeypatch.setenv('SPCP_PUBLIC_URL', BASE)  # predictable links, whatever network the test machine is on
    monkeypatch.delenv('SPCP_DATABASE_URL', raising=False)
    for name in ('TLS_CERT', 'TLS_KEY'):
        monkeypatch.delenv(f'SPCP_{name}', raising=False)
    monkeypatch.setattr(firewall, 'check', lambda port: firewall.Verdict(firewall.UNSURE))  # no real probes
    previous = db._engine
    yield data
    if db._engine is not previous and db._engine is not None:
        db._engine.dispose()
    db._engine = previous


def run(*args: str, input: str | None = None):  # noqa: A002 (CliRunner's name)
    """One command, as if in its own process: the SPCP_* variables its flags set are undone after it."""
    before = {name: value for name, value in os.environ.items() if name.startswith('SPCP_')}
    try:
        return CliRunner().invoke(app, list(args), input=input)
    finally:
        for name in [name for name in os.environ if name.startswith('SPCP_')]:
            del os.environ[name]
        os.environ.update(before)


def events_in(data_dir: Path) -> list[tuple[Event, list[Room]]]:
    db.configure(f'sqlite:///{data_dir / "spcp.sqlite3"}')
    with db.session() as session:
        return [(e, rooms_of(session, e.id)) for e in session.exec(select(Event).order_by(Event.id)).all()]


def check_description(info: dict, name: str, rooms: int) -> None:
    assert info['name'] == name
    assert info['organizer_url'].startswith(f'{BASE}/organize/{info["event_id"]}?key=')
    assert len(info['rooms']) == rooms
    codes = [room['code'] for room in info['rooms']]
    assert len(set(codes)) == rooms
    assert len({room['facilitator_url'] for room in info['rooms']}) == rooms
    for room in info['rooms']:
        code = room['code']
        assert len(code) == 6
        assert room['code_display'] == f'{code[:3]}-{code[3:]}'
        assert room['join_url'] == f'{BASE}/r/{code}'
        assert f'/board/{code}?key=' in room['facilitator_url']
        assert room['facilitator_url'].startswith(BASE)


# --- event create -------------------------------------------------------------------------------

def test_event_create_json_is_one_document_and_is_saved(isolated):
    result = run('event', 'create', '--name', 'Riverside SPCP', '--rooms', '4', '--data-dir', str(isolated),
                 '--json')
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)  # the whole of stdout is one JSON document
    check_description(info, 'Riverside SPCP', 4)

    [(event, rooms)] = events_in(isolated)
    assert event.id == info['event_id'] and event.name == 'Riverside SPCP'
    assert info['organizer_url'].endswith(f'?key={event.organizer_key}')
    assert [r.join_code for r in rooms] == [r['code'] for r in info['rooms']]
    for room, described in zip(rooms, info['rooms'], strict=True):
        assert described['facilitator_url'].endswith(f'/board/{room.join_code}?key={room.facilitator_key}')
        assert room.dots_per_participant == 3  # set up from the default session plan


def test_event_create_text_lists_codes_and_links(isolated):
    result = run('event', 'create', '--name', 'Eastside', '--rooms', '2', '--data-dir', str(isolated))
    assert result.exit_code == 0, result.output
    [(event, rooms)] = events_in(isolated)
    assert 'Eastside' in result.stdout
    assert f'{BASE}/organize/{event.id}?key={event.organizer_key}' in result.stdout
    for room in rooms:
        assert f'{room.join_code[:3]}-{room.join_code[3:]}' in result.stdout
        assert f'{BASE}/r/{room.join_code}' in result.stdout
        assert f'{BASE}/board/{room.join_code}?key={room.facilitator_key}' in result.stdout


def test_data_dir_flag_wins_over_environment(isolated, tmp_path):
    other = tmp_path / 'elsewhere'
    result = run('event', 'create', '--name', 'Elsewhere', '--rooms', '1', '--data-dir', str(other), '--json')
    assert result.exit_code == 0, result.output
    assert (other / 'spcp.sqlite3').exists()
    assert [e.name for e, _ in events_in(other)] == ['Elsewhere']


def test_custom_plan_is_used(isolated, tmp_path):
    plan = Path(__file__).resolve().parent.parent / 'sessions' / 'spcp-one-day.toml'
    custom = tmp_path / 'plan.toml'
    custom.write_text(plan.read_text(encoding='utf-8').replace('dots_per_participant = 3',
                                                               'dots_per_participant = 5'), encoding='utf-8')
    result = run('event', 'create', '--name', 'Custom', '--rooms', '1', '--plan', str(custom), '--json',
                 '--data-dir', str(isolated))
    assert result.exit_code == 0, result.output
    [(_, [room])] = events_in(isolated)
    assert room.dots_per_participant == 5


@pytest.mark.parametrize(('args', 'words'), [
    (['--name', 'X', '--rooms', '0'], 'between 1 and 200'),
    (['--name', 'X', '--rooms', '500'], 'between 1 and 200'),
    (['--name', 'X', '--rooms', '-3'], 'between 1 and 200'),
    (['--name', '', '--rooms', '2'], 'needs a name'),
    (['--name', '   ', '--rooms', '2'], 'needs a name'),
    (['--name', 'X', '--rooms', '2', '--plan', 'no/such/plan.toml'], 'cannot read session plan'),
])
def test_bad_input_is_one_line_and_exit_2(isolated, args, words):
    result = run('event', 'create', *args, '--data-dir', str(isolated), '--json')
    assert result.exit_code == 2
    assert result.stdout == ''
    assert 'Traceback' not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('spcp: error:') and words in lines[0], result.stderr
    assert not (isolated / 'spcp.sqlite3').exists() or events_in(isolated) == []


def test_bad_plan_file_is_refused(isolated, tmp_path):
    bad = tmp_path / 'bad.toml'
    bad.write_text('this is = = not toml', encoding='utf-8')
    result = run('event', 'create', '--name', 'X', '--rooms', '2', '--plan', str(bad), '--data-dir', str(isolated))
    assert result.exit_code == 2
    assert 'Traceback' not in result.output and 'cannot read session plan' in result.stderr


def test_too_long_name_is_refused_by_the_domain(isolated):
    result = run('event', 'create', '--name', 'x' * 500, '--rooms', '2', '--data-dir', str(isolated))
    assert result.exit_code == 2
    assert 'Traceback' not in result.output and result.stderr.startswith('spcp: error:')
    assert events_in(isolated) == []


def test_console_script_event_create_json(isolated):
    assert SPCP_SCRIPT.exists(), f'console script not installed at {SPCP_SCRIPT}'
    env = {**os.environ, 'SPCP_PUBLIC_URL': BASE}
    done = subprocess.run([str(SPCP_SCRIPT), 'event', 'create', '--name', 'Subprocess SPCP', '--rooms', '3',
                           '--json', '--data-dir', str(isolated)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert 'Traceback' not in done.stderr
    info = json.loads(done.stdout)
    check_description(info, 'Subprocess SPCP', 3)
    [(event, rooms)] = events_in(isolated)
    assert event.id == info['event_id'] and len(rooms) == 3


def test_console_script_bad_input(isolated):
    done = subprocess.run([str(SPCP_SCRIPT), 'event', 'create', '--name', 'X', '--rooms', '0',
                           '--data-dir', str(isolated)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stdout == '' and 'Traceback' not in done.stderr
    assert done.stderr.strip() == 'spcp: error: --rooms must be between 1 and 200 (got 0)'


# --- demo -------------------------------------------------------------------------------------------

def test_demo_is_idempotent(isolated):
    first = run('demo', '--data-dir', str(isolated))
    second = run('demo', '--data-dir', str(isolated))
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    [(event, rooms)] = events_in(isolated)
    assert event.name == DEMO_EVENT_NAME
    assert len(rooms) == 3 and all(r.name.startswith('Room ') for r in rooms)
    assert first.stdout == second.stdout  # the same event, the same links
    for room in rooms:
        assert f'{BASE}/r/{room.join_code}' in first.stdout
        assert f'{BASE}/board/{room.join_code}?key={room.facilitator_key}' in first.stdout


def test_ensure_demo_reuses_the_event(isolated):
    db.configure(f'sqlite:///{isolated / "spcp.sqlite3"}')
    with db.session() as session:
        a = ensure_demo(session)
        b = ensure_demo(session)
        assert a.id == b.id
        assert len(session.exec(select(Event)).all()) == 1


def test_cli_help_works():
    result = run('--help')
    assert result.exit_code == 0
    for command in ('serve', 'demo', 'event'):
        assert command in result.stdout


# --- links ------------------------------------------------------------------------------------------

def test_lan_address_is_an_ipv4_address():
    address = links.lan_address()
    ip = ipaddress.IPv4Address(address)
    assert not ip.is_link_local and not ip.is_multicast and not ip.is_unspecified


def test_lan_address_sends_nothing(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError('lan_address must not open a socket')

    monkeypatch.setattr(socket, 'socket', refuse)
    monkeypatch.setattr(socket, 'create_connection', refuse)
    ipaddress.IPv4Address(links.lan_address())


def test_pick_address_prefers_the_wifi_over_loopback_docker_and_vpn():
    candidates = [('lo', '127.0.0.1'), ('docker0', '172.17.0.1'), ('tailscale0', '100.101.1.2'),
                  ('eth1', '169.254.10.3'), ('wlan0', '192.168.43.17'), ('bad', 'not an ip')]
    assert links.pick_address(candidates) == '192.168.43.17'
    assert links.pick_address([('en0', '172.20.10.4'), ('utun3', '10.8.0.2')]) == '172.20.10.4'
    assert links.pick_address([('eth0', '203.0.113.9'), ('lo', '127.0.0.1')]) == '203.0.113.9'
    assert links.pick_address([('lo', '127.0.0.1'), ('eth0', '169.254.1.1')]) == '127.0.0.1'
    assert links.pick_address([]) == '127.0.0.1'


def _settings(host: str, public_url: str | None = None) -> Settings:
    return Settings(host=host, port=8081, data_dir=Path('.'), database_url='sqlite://', public_url=public_url)


def test_base_url(monkeypatch):
    monkeypatch.setattr(links, 'lan_address', lambda: '192.168.1.20')
    assert links.base_url(_settings('0.0.0.0', 'http://spcp.local:9000/')) == 'http://spcp.local:9000'
    assert links.base_url(_settings('127.0.0.1')) == 'http://127.0.0.1:8081'
    assert links.base_url(_settings('0.0.0.0')) == 'http://192.168.1.20:8081'
    assert links.base_url(_settings('10.0.0.5')) == 'http://10.0.0.5:8081'


def test_url_builders():
    assert links.join_url(BASE + '/', 'KMR472') == f'{BASE}/r/KMR472'
    assert links.facilitator_url(BASE, 'KMR472', 'a-b_c') == f'{BASE}/board/KMR472?key=a-b_c'
    assert links.organizer_url(BASE, 7, 'k+y') == f'{BASE}/organize/7?key=k%2By'


def test_announce_prints_every_event(isolated, capsys):
    run('event', 'create', '--name', 'First', '--rooms', '1', '--data-dir', str(isolated))
    run('event', 'create', '--name', 'Second', '--rooms', '2', '--data-dir', str(isolated))
    capsys.readouterr()
    db.configure(f'sqlite:///{isolated / "spcp.sqlite3"}')
    links.announce(_settings('0.0.0.0', BASE), with_keys=True)  # the organizer's own terminal
    out = capsys.readouterr().out
    assert 'First' in out and 'Second' in out
    for event, rooms in events_in(isolated):
        assert f'{BASE}/organize/{event.id}?key={event.organizer_key}' in out
        for room in rooms:
            assert f'{BASE}/r/{room.join_code}' in out
            assert f'{BASE}/board/{room.join_code}?key={room.facilitator_key}' in out


def test_announce_into_a_log_file_prints_no_key(isolated, capsys):
    run('event', 'create', '--name', 'Logged', '--rooms', '2', '--data-dir', str(isolated))
    capsys.readouterr()
    db.configure(f'sqlite:///{isolated / "spcp.sqlite3"}')
    links.announce(_settings('0.0.0.0', BASE))  # stdout is not a terminal here
    out = capsys.readouterr().out
    [(event, rooms)] = events_in(isolated)
    assert event.organizer_key not in out and '?key=' not in out
    assert all(room.facilitator_key not in out and f'{BASE}/r/{room.join_code}' in out for room in rooms)
    assert 'spcp event links' in out


def test_event_links_prints_the_sign_in_links(isolated):
    run('event', 'create', '--name', 'Linked', '--rooms', '2', '--data-dir', str(isolated))
    result = run('event', 'links', '--data-dir', str(isolated), '--json')
    assert result.exit_code == 0, result.output
    [info] = json.loads(result.stdout)
    [(event, rooms)] = events_in(isolated)
    assert info['organizer_url'].endswith(f'?key={event.organizer_key}')
    assert run('event', 'links', '--event', '999', '--data-dir', str(isolated)).exit_code == 2


def test_room_rotate_key_signs_out_the_old_link(isolated):
    run('event', 'create', '--name', 'Rotated', '--rooms', '2', '--data-dir', str(isolated))
    [(_, before)] = events_in(isolated)
    code = before[0].join_code
    result = run('room', 'rotate-key', f'{code[:3].lower()}-{code[3:]}', '--data-dir', str(isolated))
    assert result.exit_code == 0, result.output
    [(_, after)] = events_in(isolated)
    assert after[0].facilitator_key != before[0].facilitator_key
    assert after[1].facilitator_key == before[1].facilitator_key  # only that room
    assert f'/board/{code}?key={after[0].facilitator_key}' in result.stdout
    bad = run('room', 'rotate-key', 'ZZZ999', '--data-dir', str(isolated))
    assert bad.exit_code == 2 and 'No room has the code' in bad.stderr


def test_organizer_set_password_is_prompted_and_hashed(isolated):
    run('event', 'create', '--name', 'Guarded', '--rooms', '1', '--data-dir', str(isolated))
    [(event, _)] = events_in(isolated)
    result = run('organizer', 'set-password', str(event.id), '--data-dir', str(isolated),
                 input='long enough pass\nlong enough pass\n')
    assert result.exit_code == 0, result.output
    [(event, _)] = events_in(isolated)
    assert event.organizer_password_hash.startswith('scrypt$')
    assert 'long enough pass' not in event.organizer_password_hash
    short = run('organizer', 'set-password', str(event.id), '--data-dir', str(isolated), input='short\nshort\n')
    assert short.exit_code == 2 and 'between 8 and 200' in short.stderr
    assert run('organizer', 'set-password', str(event.id), '--remove', '--data-dir', str(isolated)).exit_code == 0
    [(event, _)] = events_in(isolated)
    assert event.organizer_password_hash is None


def test_serve_refuses_half_a_tls_setting(isolated, tmp_path):
    cert = tmp_path / 'cert.pem'
    cert.write_text('x')
    result = run('serve', '--tls-cert', str(cert), '--data-dir', str(isolated))
    assert result.exit_code == 2 and 'both --tls-cert and --tls-key' in result.stderr
    result = run('serve', '--tls-cert', str(cert), '--tls-key', str(tmp_path / 'missing.pem'), '--data-dir',
                 str(isolated))
    assert result.exit_code == 2 and 'no such file' in result.stderr


# --- where the links point: flags, variables, settings.toml, and what `spcp serve` remembers ------------

LAN = '192.168.1.20'


@pytest.fixture
def unset(monkeypatch):
    """No SPCP_HOST/PORT/PUBLIC_URL in the environment, and a fixed LAN address."""
    for name in ('HOST', 'PORT', 'PUBLIC_URL'):
        monkeypatch.delenv(f'SPCP_{name}', raising=False)
    monkeypatch.setattr(links, 'lan_address', lambda: LAN)


def join_base(result) -> str:
    assert result.exit_code == 0, result.output
    url = json.loads(result.stdout)['rooms'][0]['join_url']
    return url[:url.index('/r/')]


def create(data: Path, *flags: str):
    return run('event', 'create', '--name', 'E', '--rooms', '1', '--json', '--data-dir', str(data), *flags)


def test_links_use_the_defaults_then_the_file_then_the_variable_then_the_flag(isolated, unset, monkeypatch):
    assert join_base(create(isolated)) == f'http://{LAN}:8080'
    (isolated / 'settings.toml').write_text('port = 9001\npublic_url = "http://spcp.local:9001/"\n')
    assert join_base(create(isolated)) == 'http://spcp.local:9001'
    monkeypatch.setenv('SPCP_PUBLIC_URL', '')  # set but empty: work the address out, whatever the file says
    assert join_base(create(isolated)) == f'http://{LAN}:9001'
    monkeypatch.setenv('SPCP_PORT', '9002')
    assert join_base(create(isolated)) == f'http://{LAN}:9002'
    assert join_base(create(isolated, '--port', '9003')) == f'http://{LAN}:9003'
    assert join_base(create(isolated, '--public-url', 'https://room.example:8443/')) == 'https://room.example:8443'


def test_event_links_and_demo_take_port_and_public_url(isolated, unset):
    create(isolated)
    result = run('event', 'links', '--data-dir', str(isolated), '--port', '9010', '--json')
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]['organizer_url'].startswith(f'http://{LAN}:9010/organize/')
    result = run('demo', '--data-dir', str(isolated), '--public-url', 'http://10.0.0.7:9011')
    assert result.exit_code == 0, result.output
    assert re.search(r'Join: +http://10\.0\.0\.7:9011/r/[A-Z0-9]{6}\n', result.stdout), result.stdout


@pytest.fixture
def started(monkeypatch) -> list[Settings]:
    """`spcp serve` runs everything up to starting the web server, which is replaced by a recorder."""
    import importlib

    # by module, not attribute: after the page tests (NiceGUI runs spcp/server.py as their main file)
    # `spcp.server` may be in sys.modules without being set on the package
    server = importlib.import_module('spcp.server')
    calls: list[Settings] = []
    monkeypatch.setattr(server, 'start', calls.append)
    return calls


def test_serve_remembers_its_address_for_event_create_and_the_next_start(isolated, unset, started):
    result = run('serve', '--host', '127.0.0.1', '--port', '9020', '--data-dir', str(isolated))
    assert result.exit_code == 0, result.output
    [cfg] = started
    assert (cfg.host, cfg.port, cfg.public_url) == ('127.0.0.1', 9020, None)
    assert 'as last time' not in result.stdout
    assert tomllib.loads((isolated / 'settings.toml').read_text()) == {'host': '127.0.0.1', 'port': 9020}
    assert join_base(create(isolated)) == links.base_url(cfg) == 'http://127.0.0.1:9020'

    again = run('serve', '--data-dir', str(isolated))  # no flags: the same server as last time
    assert again.exit_code == 0, again.output
    assert (started[1].host, started[1].port) == ('127.0.0.1', 9020)
    assert f'Using host 127.0.0.1, port 9020 as last time (from {isolated / "settings.toml"}' in again.stdout


def test_serve_public_url_is_remembered_and_an_empty_one_forgets_it(isolated, unset, started):
    assert run('serve', '--public-url', 'http://spcp.local:8080/', '--data-dir', str(isolated)).exit_code == 0
    assert join_base(create(isolated)) == 'http://spcp.local:8080'
    assert run('serve', '--public-url', '', '--port', '8081', '--data-dir', str(isolated)).exit_code == 0
    assert tomllib.loads((isolated / 'settings.toml').read_text()) == {'host': '0.0.0.0', 'port': 8081}
    assert join_base(create(isolated)) == f'http://{LAN}:8081'


def test_serve_remembers_https(isolated, unset, started, tmp_path):
    cert, key = tmp_path / 'cert.pem', tmp_path / 'key.pem'
    cert.write_text('c')
    key.write_text('k')
    assert run('serve', '--tls-cert', str(cert), '--tls-key', str(key), '--data-dir', str(isolated)).exit_code == 0
    assert join_base(create(isolated)) == f'https://{LAN}:8080'
    assert run('serve', '--data-dir', str(isolated)).exit_code == 0
    assert (started[1].tls_cert, started[1].tls_key) == (cert, key)
    key.unlink()  # a remembered file that has gone: said in one line, as for a flag
    gone = run('serve', '--data-dir', str(isolated))
    assert gone.exit_code == 2 and gone.stderr.strip() == f'spcp: error: no such file: {key}'


def test_serve_keeps_the_rest_of_the_settings_file(isolated, unset, started):
    isolated.mkdir(parents=True)
    original = '# limits for the big hall\njoins_per_address = 6\nport = 1234\n\n[notes]\nwho = "Ana"\n'
    (isolated / 'settings.toml').write_text(original)
    assert run('serve', '--port', '9030', '--data-dir', str(isolated)).exit_code == 0
    text = (isolated / 'settings.toml').read_text()
    assert text == ('# limits for the big hall\njoins_per_address = 6\nport = 9030\nhost = "0.0.0.0"\n\n'
                    '[notes]\nwho = "Ana"\n')
    assert started[0].joins_per_address == 6


def test_a_settings_file_it_cannot_edit_safely_is_left_alone(isolated, unset, started):
    isolated.mkdir(parents=True)
    tricky = 'motd = """\nport = 1\n"""\n'  # a key line inside a multi-line string: rewriting it would corrupt
    (isolated / 'settings.toml').write_text(tricky)
    result = run('serve', '--port', '9040', '--data-dir', str(isolated))
    assert result.exit_code == 0, result.output
    assert (isolated / 'settings.toml').read_text() == tricky
    assert 'give `spcp event create` the same --port and --public-url' in result.stderr


@pytest.mark.parametrize(('content', 'flags', 'words'), [
    ('port = 70000\n', [], 'port must be between 1 and 65535, not 70000'),
    ('port = "eighty"\n', [], "port must be a whole number, not 'eighty'"),
    ('port = = 1\n', [], 'bad setting'),
    ('', ['--public-url', 'spcp.local:8080'], 'the public URL must look like http://'),
])
def test_bad_address_settings_are_one_line(isolated, unset, content, flags, words):
    isolated.mkdir(parents=True)
    (isolated / 'settings.toml').write_text(content)
    result = create(isolated, *flags)
    assert result.exit_code == 2 and result.stdout == ''
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('spcp: error:') and words in lines[0], result.stderr


def test_remember_writes_a_private_file_that_reads_back(tmp_path):
    assert settings.remember(tmp_path, {'host': '0.0.0.0', 'port': 8080, 'public_url': 'http://a/"é'})
    path = tmp_path / 'settings.toml'
    assert path.stat().st_mode & 0o777 == 0o600
    assert tomllib.loads(path.read_text()) == {'host': '0.0.0.0', 'port': 8080, 'public_url': 'http://a/"é'}
    assert settings.remember(tmp_path, {'public_url': None})
    assert tomllib.loads(path.read_text()) == {'host': '0.0.0.0', 'port': 8080}
    assert path.read_text().startswith('# SPCP Live settings.')


# --- setting an event up from the command line, and its posters ------------------------------------------------

SET_UP = ('--date', '2025-05-12', '--venue', 'Riverside Library', '--languages', 'en, es,hi', '--wifi-name', 'Guest',
          '--wifi-password', 'trust2025', '--dots', '4', '--minutes', 'issues=25', '--minutes', 'vote=7',
          '--room-name', 'North', '--room-name', 'South', '--facilitator', 'Ana Ruiz', '--expected-size', '12')


def test_event_create_sets_the_event_up(isolated):
    result = run('event', 'create', '--name', 'Riverside SPCP', '--rooms', '3', *SET_UP, '--data-dir', str(isolated),
                 '--json')
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    check_description(info, 'Riverside SPCP', 3)  # the JSON is as before
    [(event, rooms)] = events_in(isolated)
    assert event.id == info['event_id']
    assert (str(event.date), event.venue, event.languages, event.wifi_name, event.wifi_password) == (
        '2025-05-12', 'Riverside Library', ['en', 'es', 'hi'], 'Guest', 'trust2025')
    assert [(r.name, r.facilitator_name, r.expected_size, r.dots_per_participant) for r in rooms] == [
        ('North', 'Ana Ruiz', 12, 4), ('South', None, 12, 4), ('Room 3', None, 12, 4)]
    assert {p['id']: p['minutes'] for p in event.plan['phases']} == {
        'welcome': 10, 'issues': 25, 'vote': 7, 'themes': 15, 'solutions': 30, 'wrapup': 5}


@pytest.mark.parametrize(('args', 'words'), [
    (['--date', '12/05/2025'], '--date must be a day like 2025-05-12'),
    (['--languages', 'en,fr'], '--languages takes one or more of en,es,hi,ar'),
    (['--languages', ' , '], '--languages takes one or more of en,es,hi,ar'),
    (['--minutes', 'lunch=30'], '--minutes takes PHASE=N'),
    (['--minutes', 'issues=ten'], '--minutes takes PHASE=N'),
    (['--minutes', 'issues=0'], 'A phase lasts between 1 and 240 minutes.'),
    (['--dots', '0'], 'Dots per participant: between 1 and 20.'),
    (['--room-name', 'A', '--room-name', 'B', '--room-name', 'C'], '--room-name was given 3 times for 2 room(s)'),
    (['--expected-size', '0'], 'The expected number of people is between 1 and 2,000.'),
    (['--wifi-name', 'a\nb'], 'Please keep it to one line.'),
])
def test_bad_set_up_is_one_line_and_saves_nothing(isolated, args, words):
    result = run('event', 'create', '--name', 'X', '--rooms', '2', *args, '--data-dir', str(isolated), '--json')
    assert result.exit_code == 2, result.output
    assert result.stdout == '' and 'Traceback' not in result.stderr
    assert result.stderr.startswith('spcp: error:') and words in result.stderr and result.stderr.count('\n') == 1
    assert not (isolated / 'spcp.sqlite3').exists() or events_in(isolated) == []


def decoded_qr_codes(pdf: Path, folder: Path) -> list[list[str]]:
    """Every page of the PDF rendered (pdftoppm), and the QR codes on each (zbarimg)."""
    import shutil
    tools = [shutil.which(name) for name in ('pdftoppm', 'zbarimg')]
    if None in tools:
        pytest.skip('pdftoppm and zbarimg are needed (apt-get install poppler-utils zbar-tools)')
    subprocess.run([tools[0], '-r', '72', '-png', str(pdf), str(folder / 'page')], check=True, timeout=60)
    return [sorted(subprocess.run([tools[1], '--raw', '-q', str(page)], capture_output=True, text=True,
                                  timeout=30).stdout.split()) for page in sorted(folder.glob('page-*.png'))]


def test_posters_use_the_address_spcp_serve_remembered(isolated, unset, started, tmp_path):
    assert run('serve', '--public-url', 'http://10.0.0.5:9000', '--data-dir', str(isolated)).exit_code == 0
    created = run('event', 'create', '--name', 'Riverside', '--rooms', '2', '--data-dir', str(isolated), '--json')
    info = json.loads(created.stdout)
    out = tmp_path / 'posters.pdf'
    result = run('posters', str(info['event_id']), '--out', str(out), '--data-dir', str(isolated))
    assert result.exit_code == 0, result.output
    assert f'Wrote {out}: 2 room poster(s) for http://10.0.0.5:9000' in result.stdout
    assert out.stat().st_mode & 0o777 == 0o600  # the facilitator sheets carry the board keys
    rooms = info['rooms']
    assert all(room['join_url'].startswith('http://10.0.0.5:9000/r/') for room in rooms)
    assert decoded_qr_codes(out, tmp_path) == [[rooms[0]['join_url']], [rooms[1]['join_url']],
                                               sorted([rooms[0]['facilitator_url'], rooms[0]['remote_url']]),
                                               sorted([rooms[1]['facilitator_url'], rooms[1]['remote_url']])]


def test_posters_of_an_unknown_event_or_to_a_bad_path_are_one_line(isolated, tmp_path):
    run('event', 'create', '--name', 'E', '--rooms', '1', '--data-dir', str(isolated))
    result = run('posters', '99', '--out', str(tmp_path / 'p.pdf'), '--data-dir', str(isolated))
    assert result.exit_code == 2 and result.stderr == 'spcp: error: no event with id 99 (see `spcp event links`)\n'
    result = run('posters', '1', '--out', str(tmp_path / 'no' / 'such' / 'p.pdf'), '--data-dir', str(isolated))
    assert result.exit_code == 1 and result.stderr.startswith('spcp: error: cannot write') and 'Traceback' not in \
        result.output
