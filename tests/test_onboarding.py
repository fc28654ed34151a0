"""Getting an event going: the start-up lines (who can open the links, the firewall) and a real
server that serves an event created while it runs, at the address `spcp event create` printed."""
from __future__ import annotations

import http.cookiejar
import json
import os
import subprocess
import sys
import tomllib
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from spcp import firewall, links, proxies
from spcp.firewall import ALLOWED, BLOCKED, INACTIVE, UNSURE, Probe, Verdict
from spcp.settings import Settings

from .serving import free_port, stop, wait_until_up

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SPCP = [sys.executable, '-c', 'from spcp.cli import main; main()']


def cfg(host: str, public_url: str | None = None, port: int = 8080) -> Settings:
    return Settings(host=host, port=port, data_dir=Path('.'), database_url='sqlite://', public_url=public_url)


def never(port: int) -> Verdict:
    raise AssertionError('no firewall probe for a server only this laptop can reach')


# --- who can open the links -------------------------------------------------------------------------

def test_a_process_behind_a_proxy_names_the_proxys_address_not_its_own():
    behind = replace(cfg('127.0.0.1', 'http://192.168.4.1:8080', port=8081), trusted_proxies=proxies.parse('127.0.0.1'))
    assert links.reach_lines(behind, 'http://192.168.4.1:8080', probe=never) == [
        'SPCP Live is running on 127.0.0.1:8081 behind a proxy. Phones open http://192.168.4.1:8080/']


def test_loopback_server_says_only_this_laptop_and_how_to_let_phones_in():
    lines = links.reach_lines(cfg('127.0.0.1'), 'http://127.0.0.1:8080', probe=never)
    assert lines == ['SPCP Live is running at http://127.0.0.1:8080/ but only this laptop can open it: '
                     'it listens on 127.0.0.1 only.',
                     '  To let phones on the same Wi-Fi or hotspot in, start it with --host 0.0.0.0 '
                     '(bash scripts/run.sh --host 0.0.0.0).']
    assert not any('Phones on the same Wi-Fi or hotspot open' in line for line in lines)


def test_no_network_says_so():
    lines = links.reach_lines(cfg('0.0.0.0'), 'http://127.0.0.1:8080', probe=never)
    assert lines[0] == ('SPCP Live is running at http://127.0.0.1:8080/ but only this laptop can open it: '
                        'no network found.')


def test_the_lines_name_the_spcp_command_the_shell_finds(monkeypatch):
    script = Path(sys.executable).with_name('spcp')
    assert script.exists()
    monkeypatch.setattr(links.shutil, 'which', lambda name: None)  # .venv/bin is not on the PATH
    assert links.spcp_command() == str(script)
    lines = links.reach_lines(cfg('0.0.0.0'), 'http://127.0.0.1:8080', probe=never)
    assert f'`{script} event links` then prints the addresses' in lines[1]
    monkeypatch.setattr(links.shutil, 'which', lambda name: str(script))
    assert links.spcp_command() == 'spcp'


def test_a_public_url_naming_this_laptop_says_so():
    lines = links.reach_lines(cfg('0.0.0.0', 'http://localhost:8080'), 'http://localhost:8080', probe=never)
    assert 'the public URL names this laptop itself' in lines[0] and '--public-url' in lines[1]


def test_any_address_names_the_lan_address_and_the_firewall():
    seen: list[int] = []
    lines = links.reach_lines(cfg('0.0.0.0', port=8090), 'http://192.168.4.1:8090',
                              probe=lambda port: seen.append(port) or Verdict(BLOCKED, 'ufw'))
    assert seen == [8090]
    assert lines == ['SPCP Live is running. Phones on the same Wi-Fi or hotspot open http://192.168.4.1:8090/',
                     '  Firewall: ufw is on and no rule found lets TCP port 8090 in. If phones cannot connect, '
                     'allow TCP port 8090, e.g. `sudo ufw allow 8090/tcp`.']


def test_a_probe_that_fails_never_stops_the_start_up():
    def broken(port: int) -> Verdict:
        raise OSError('no such thing')

    lines = links.reach_lines(cfg('0.0.0.0'), 'http://192.168.4.1:8080', probe=broken)
    assert lines[1] == '  If phones cannot connect, allow TCP port 8080 in the firewall.'


@pytest.mark.parametrize(('verdict', 'platform', 'line'), [
    (Verdict(ALLOWED, 'firewalld'), 'linux', 'Firewall: firewalld lets phones in on TCP port 8080.'),
    (Verdict(INACTIVE), 'linux', 'Firewall: none is active on this laptop, so phones can connect on TCP port 8080.'),
    (Verdict(BLOCKED, 'nftables'), 'linux', 'Firewall: nftables is on and no rule found lets TCP port 8080 in. '
     'If phones cannot connect, allow TCP port 8080.'),
    (Verdict(UNSURE), 'linux', 'If phones cannot connect, allow TCP port 8080 in the firewall.'),
    (Verdict(UNSURE), 'darwin', 'If phones cannot connect, allow TCP port 8080 in the firewall (System Settings > '
     'Network > Firewall: allow incoming connections for Python).'),
    (Verdict(UNSURE), 'win32', 'If phones cannot connect, allow TCP port 8080 in the firewall (Windows asks once: '
     'allow Python on private networks).'),
])
def test_firewall_advice(verdict, platform, line):
    assert firewall.advice(8080, verdict, platform) == line


# --- reading the firewall tools' output ---------------------------------------------------------------

UFW_ACTIVE = """Status: active
Logging: on (low)
Default: deny (incoming), allow (outgoing), disabled (routed)
New profiles: skip

To                         Action      From
--                         ------      ----
22/tcp                     ALLOW IN    Anywhere
{rule}
22/tcp (v6)                ALLOW IN    Anywhere (v6)
"""


@pytest.mark.parametrize(('probe', 'answer'), [
    (Probe(True, 1, ''), UNSURE),  # "ERROR: You need to be root to run this script" (on stderr)
    (Probe(True, None), UNSURE),   # timed out
    (Probe(True, 0, 'Status: inactive\n'), INACTIVE),
    (Probe(True, 0, UFW_ACTIVE.format(rule='')), BLOCKED),
    (Probe(True, 0, UFW_ACTIVE.format(rule='8080/tcp                   ALLOW IN    Anywhere')), ALLOWED),
    (Probe(True, 0, UFW_ACTIVE.format(rule='8000:8100/tcp              ALLOW IN    Anywhere')), ALLOWED),
    (Probe(True, 0, UFW_ACTIVE.format(rule='8080/udp                   ALLOW IN    Anywhere')), BLOCKED),
    (Probe(True, 0, UFW_ACTIVE.format(rule='8080/tcp                   DENY IN     Anywhere')), BLOCKED),
    (Probe(True, 0, UFW_ACTIVE.format(rule='Anywhere                   ALLOW IN    192.168.4.0/24')), ALLOWED),
    (Probe(True, 0, UFW_ACTIVE.replace('deny (incoming)', 'allow (incoming)').format(rule='')), ALLOWED),
])
def test_read_ufw(probe, answer):
    assert firewall.read_ufw(probe, 8080) == answer


NFT = """table inet filter {
\tchain input {
\t\ttype filter hook input priority filter; policy %s;
\t\tct state established,related accept
\t\tiifname "lo" accept
\t\ttcp dport 22 accept
\t\tjump custom
\t}

\tchain custom {
\t\t%s
\t}

\tchain forward {
\t\ttype filter hook forward priority filter; policy drop;
\t}
}
"""


@pytest.mark.parametrize(('output', 'answer'), [
    (NFT % ('accept', 'counter'), INACTIVE),       # only forwarding is filtered (e.g. Docker)
    (NFT % ('drop', 'counter'), BLOCKED),
    (NFT % ('accept', 'reject with icmpx admin-prohibited'), BLOCKED),  # a reject in a chain input jumps to
    (NFT % ('drop', 'tcp dport 8080 accept'), ALLOWED),
    (NFT % ('drop', 'tcp dport { 443, 8080 } accept'), ALLOWED),
    (NFT % ('drop', 'tcp dport 8000-8100 counter accept'), ALLOWED),
    (NFT % ('drop', 'tcp dport 8081 accept'), BLOCKED),
    ('', INACTIVE),                                 # an empty ruleset
])
def test_read_nft(output, answer):
    assert firewall.read_nft(Probe(True, 0, output), 8080) == answer
    assert firewall.read_nft(Probe(True, 1, ''), 8080) == UNSURE  # "Operation not permitted"


@pytest.mark.parametrize(('output', 'answer'), [
    ('-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n-N DOCKER\n-A FORWARD -j DOCKER\n', INACTIVE),
    ('-P INPUT DROP\n-P OUTPUT ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n', BLOCKED),
    ('-P INPUT ACCEPT\n-N ufw-user-input\n-A INPUT -j ufw-user-input\n-A INPUT -j REJECT\n'
     '-A ufw-user-input -p tcp -m tcp --dport 8080 -j ACCEPT\n', ALLOWED),
    ('-P INPUT DROP\n-A INPUT -p udp -m udp --dport 8080 -j ACCEPT\n', BLOCKED),
    ('-P INPUT DROP\n-A INPUT -p tcp -m multiport --dports 22,8080 -j ACCEPT\n', ALLOWED),
])
def test_read_iptables(output, answer):
    assert firewall.read_iptables(Probe(True, 0, output), 8080) == answer


def runner(outputs: dict[str, Probe]):
    """A fake `run_probe`: the answer for each command's first word; a command not listed is not installed."""
    asked: list[list[str]] = []

    def run(command: list[str]) -> Probe:
        asked.append(command)
        return outputs.get(command[0], Probe(False))
    run.asked = asked
    return run


def test_check_without_any_tool_is_unsure():
    assert firewall.check(8080, run=runner({}), platform='linux') == Verdict(UNSURE)


def test_check_without_root_is_unsure():
    run = runner({'ufw': Probe(True, 1, ''), 'nft': Probe(True, 1, ''), 'iptables': Probe(True, 4, '')})
    assert firewall.check(8080, run=run, platform='linux') == Verdict(UNSURE)
    assert run.asked == [['ufw', 'status', 'verbose'], ['firewall-cmd', '--state'], ['nft', 'list', 'ruleset'],
                         ['iptables', '-S']]


def test_check_with_every_tool_idle_says_nothing_filters():
    run = runner({'ufw': Probe(True, 0, 'Status: inactive\n'), 'nft': Probe(True, 0, ''),
                  'iptables': Probe(True, 0, '-P INPUT ACCEPT\n')})
    assert firewall.check(8080, run=run, platform='linux') == Verdict(INACTIVE)


def test_check_trusts_the_managing_tool_first():
    run = runner({'ufw': Probe(True, 0, UFW_ACTIVE.format(rule='8080/tcp  ALLOW IN    Anywhere')),
                  'iptables': Probe(True, 0, '-P INPUT DROP\n')})
    assert firewall.check(8080, run=run, platform='linux') == Verdict(ALLOWED, 'ufw')


def test_check_asks_firewalld_about_the_port():
    run = runner({'firewall-cmd': Probe(True, 0, 'running\n')})
    assert firewall.check(8085, run=run, platform='linux') == Verdict(UNSURE)  # "running" then "running": unsure
    assert ['firewall-cmd', '--query-port=8085/tcp'] in run.asked
    assert firewall.read_firewalld(Probe(True, 0, 'running\n'), Probe(True, 1, 'no\n')) == BLOCKED
    assert firewall.read_firewalld(Probe(True, 0, 'running\n'), Probe(True, 0, 'yes\n')) == ALLOWED
    assert firewall.read_firewalld(Probe(True, 252, ''), Probe(True)) == INACTIVE


def test_check_runs_nothing_off_linux():
    run = runner({'ufw': Probe(True, 0, 'Status: inactive\n')})
    assert firewall.check(8080, run=run, platform='darwin') == Verdict(UNSURE)
    assert run.asked == []


def test_run_probe_of_a_missing_command_and_of_one_that_fails():
    assert firewall.run_probe(['spcp-no-such-firewall-tool']) == Probe(False)
    failed = firewall.run_probe([sys.executable, '-c', 'import sys; print("x"); sys.exit(3)'])
    assert failed == Probe(True, 3, 'x\n')


# --- a real server shows events created after it started ------------------------------------------------

@pytest.fixture(scope='module')
def serving(tmp_path_factory) -> Iterator[tuple[int, Path, Path, dict[str, str]]]:
    """`spcp serve --host 127.0.0.1 --port N` on an empty data folder: (port, data dir, log, env)."""
    data = tmp_path_factory.mktemp('onboarding') / 'data'
    port = free_port()
    # without pytest's variables (NiceGUI would think it runs inside a test) or the caller's SPCP_*
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'SPCP_', 'NICEGUI_'))}
    env['PYTHONUNBUFFERED'] = '1'
    log = data.parent / 'server.log'
    with log.open('w') as log_file:
        process = subprocess.Popen([*SPCP, 'serve', '--host', '127.0.0.1', '--port', str(port), '--data-dir',
                                    str(data)], cwd=PROJECT_ROOT, env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT)
    try:
        wait_until_up(process, f'http://127.0.0.1:{port}/', log)
        yield port, data, log, env
    finally:
        stop(process)


def get(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str, str]:
    """(status, final URL, page) after following redirects."""
    with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
        return response.status, response.url, response.read().decode('utf-8')


def test_an_event_created_while_the_server_runs_works_at_once_at_the_printed_address(serving):
    port, data, log, env = serving
    base = f'http://127.0.0.1:{port}'
    # no --port, no --public-url: `spcp serve` wrote where it listens into the data folder's settings
    assert tomllib.loads((data / 'settings.toml').read_text()) == {'host': '127.0.0.1', 'port': port}
    created = subprocess.run([*SPCP, 'event', 'create', '--name', 'Late Hall', '--rooms', '2', '--json',
                              '--data-dir', str(data)], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                             timeout=60, check=False)
    assert created.returncode == 0, created.stderr
    event = json.loads(created.stdout)
    room = event['rooms'][1]
    assert room['join_url'] == f'{base}/r/{room["code"]}'
    assert room['facilitator_url'].startswith(f'{base}/board/{room["code"]}?key=')

    status, _, page = get(room['join_url'])
    assert status == 200 and 'Connecting…' in page and 'Room not found' not in page
    assert 'Room not found' in get(f'{base}/r/ZZZ999')[2]  # what a room the server did not know would get

    signed_in = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    status, landed, page = get(room['facilitator_url'], signed_in)
    assert (status, landed) == (200, f'{base}/board/{room["code"]}')  # the key is gone from the address
    assert room['code_display'] in page and 'Room 2' in page and 'Cannot open this board' not in page
    assert 'Cannot open this board' in get(f'{base}/board/{room["code"]}')[2]  # another browser: not signed in


def test_the_start_up_lines_tell_a_loopback_server_apart(serving):
    port, _, log, _ = serving
    output = log.read_text(errors='replace')
    assert (f'SPCP Live is running at http://127.0.0.1:{port}/ but only this laptop can open it: '
            'it listens on 127.0.0.1 only.') in output
    assert 'start it with --host 0.0.0.0' in output
    assert 'Phones on the same Wi-Fi or hotspot open' not in output
    assert 'Firewall' not in output and 'firewall' not in output  # nothing to say: phones cannot come anyway
