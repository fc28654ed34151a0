"""Two ``spcp serve`` processes on one PostgreSQL database behind HAProxy (tests/cluster.py, deploy/haproxy.cfg).

Phones are raw clients (tests/live/rawclient.py): a ``requests.Session`` per phone is its cookie jar, and the
socket.io client sends that jar's cookies with its websocket upgrade, as a browser does. So the proxy's
SPCPSRV cookie, inserted on the phone's first page, takes the phone's socket to the process that built its
page. A board on one process shows the cards submitted on the other (the relay: LISTEN/NOTIFY). The proxy's
log names the process that served each request, the socket's included (its query holds the page's client id).
A process killed with SIGKILL sends its browsers to the other one, where a facilitator is still signed in:
both read the same data folder's NiceGUI storage. scripts/cluster.sh starts a process again when it dies and
stops everything, by the PIDs it wrote, on SIGTERM.

Skips when haproxy is not installed (scripts/test.sh installs it) or PostgreSQL is off (SPCP_TEST_POSTGRES=0).
The failover test kills a process: it is the last test here that uses the cluster.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests

from .. import cluster as clusters
from .. import postgres
from ..serving import free_port_run
from .conftest import ARTIFACTS, NO_PER_ADDRESS_LIMITS, wait_until
from .rawclient import RawClient

PHONES = 6
ADDED = 'Added. Thank you.'
WAIT_S = 15.0  # a bound, not a target: two servers, a proxy and PostgreSQL share two busy cores here


@pytest.fixture(scope='module')
def cluster(postgres_server, tmp_path_factory) -> Iterator[clusters.Cluster]:
    if clusters.haproxy_binary() is None:
        pytest.skip('haproxy is not installed (apt-get install haproxy; scripts/test.sh installs it)')
    server = postgres.require(postgres_server)
    url = server.new_database()
    folder = tmp_path_factory.mktemp('spcp-cluster')
    try:
        with clusters.start(url, folder, processes=2, rooms=2, settings=NO_PER_ADDRESS_LIMITS) as started:
            yield started
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        for log in [folder / 'haproxy.log', *sorted(folder.glob('process-*.log'))]:
            if log.exists():
                shutil.copyfile(log, ARTIFACTS / f'cluster-{log.name}')
        server.drop_database(url)


def phase(cluster: clusters.Cluster, code: str) -> str:
    with psycopg.connect(cluster.database_url.replace('+psycopg', '')) as conn:
        return conn.execute('SELECT phase FROM room WHERE join_code = %s', (code,)).fetchone()[0]


def served_by(client: RawClient) -> str:
    """The process the proxy tied this browser to (its SPCPSRV cookie)."""
    return client.http.cookies.get(clusters.COOKIE, '')


def proxy_log_servers(cluster: clusters.Cluster, needle: str) -> list[str]:
    """The processes that served the logged requests containing ``needle`` (haproxy's httplog format:
    ``... frontend backend/server ... "GET /path?query HTTP/1.1"``)."""
    lines = [line for line in cluster.proxy_log.read_text().splitlines() if needle in line]
    return [line.split(' spcp_processes/', 1)[1].split(' ', 1)[0] for line in lines]


def submit(phone: RawClient, text: str) -> None:
    shown = len(phone.notifications())
    phone.type_into(phone.find_one(label='Your issue'), text)
    phone.click(phone.find_one(text='Add issue'))
    phone.wait_for_notification(ADDED, after=shown, timeout=WAIT_S)


def test_phones_spread_over_both_processes_and_each_socket_reaches_its_own(cluster: clusters.Cluster) -> None:
    room = cluster.rooms[0]
    board = RawClient(cluster.url).open(room['facilitator_url'])  # a 303 to /board/CODE, then the board
    phones = [RawClient(cluster.url, requests.Session()) for _ in range(PHONES)]
    texts = [f'issue from phone {n}' for n in range(PHONES)]
    try:
        for phone in phones:
            phone.open(room['join_url']).find_one(classes='phone-phase')  # Welcome: the phone page, joined
        # half the phones share the board's process; the phase change reaches the others over LISTEN/NOTIFY, and
        # their cards reach the board that way (a phone opened after the click could still be rebuilt by it)
        board.click(board.find_one(text='Next phase'))
        for phone, text in zip(phones, texts, strict=True):
            phone.find_one(label='Your issue', timeout=WAIT_S)
            submit(phone, text)
        assert all(phone.connected for phone in phones)
        assert phase(cluster, room['code']) == 'issues'
        board.wait_for(lambda: all(board.find(text=text) for text in texts), timeout=WAIT_S,
                       what='every card on the board')
    finally:
        for client in [board, *phones]:
            client.close()

    assert Counter(served_by(phone) for phone in phones) == {'app1': PHONES // 2, 'app2': PHONES // 2}
    with psycopg.connect(cluster.database_url.replace('+psycopg', '')) as conn:
        stored = sorted(row[0] for row in conn.execute('SELECT text FROM card'))
    assert stored == sorted(texts)
    # haproxy logs a websocket when it closes: each phone's socket went to the process its cookie names
    for phone in phones:
        sockets = wait_until(lambda p=phone: proxy_log_servers(cluster, f'client_id={p.client_id}'), timeout=WAIT_S,
                             what=f'the proxy log line of {phone.client_id}')
        assert sockets == [served_by(phone)]


def test_a_facilitator_whose_process_dies_is_still_signed_in_on_the_other(cluster: clusters.Cluster) -> None:
    room = cluster.rooms[1]
    board = RawClient(cluster.url, requests.Session()).open(room['facilitator_url'])
    board.find_one(text='Next phase')  # signed in: the proof is in this browser's app.storage.user
    first = served_by(board)
    storage = cluster.data_dir / 'nicegui-storage'
    wait_until(lambda: any(f'room:{room["code"]}' in path.read_text() for path in storage.glob('storage-user-*.json')),
               timeout=WAIT_S, what="the sign-in written to the browser's storage file")
    board.close()

    cluster.kill(int(first.removeprefix('app')) - 1)
    for attempt in range(3):  # a reload: the proxy sends it to the process still alive
        try:
            board.open(f'/board/{room["code"]}')
            break
        except requests.ConnectionError:  # the proxy had not seen the death yet and closed the request without an
            if attempt == 2:                # answer (a fresh-clone run); a browser retries such a request itself
                raise
            time.sleep(1)

    other = {'app1': 'app2', 'app2': 'app1'}[first]
    assert served_by(board) == other  # the proxy re-tied the browser to the process that answered
    board.find_one(text='Next phase')  # still signed in: read from the shared storage file
    assert board.find(text='Cannot open this board') == []
    board.close()


def test_the_template_becomes_a_valid_configuration(tmp_path: Path) -> None:
    binary = clusters.haproxy_binary()
    if binary is None:
        pytest.skip('haproxy is not installed (apt-get install haproxy; scripts/test.sh installs it)')
    config = tmp_path / 'haproxy.cfg'
    config.write_text(clusters.haproxy_config('127.0.0.1:8080', [8081, 8082, 8083]))
    checked = subprocess.run([binary, '-c', '-f', str(config)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    servers = [line.split()[1:3] for line in config.read_text().splitlines() if line.startswith('    server ')]
    assert servers == [['app1', '127.0.0.1:8081'], ['app2', '127.0.0.1:8082'], ['app3', '127.0.0.1:8083']]
    assert '@' not in config.read_text().split('\nglobal', 1)[1]  # no placeholder left outside the comments


def test_the_cluster_script_restarts_a_process_that_dies_and_stops_everything_on_sigterm(postgres_server,
                                                                                       tmp_path: Path) -> None:
    if clusters.haproxy_binary() is None:
        pytest.skip('haproxy is not installed (apt-get install haproxy; scripts/test.sh installs it)')
    server = postgres.require(postgres_server)
    url = server.new_database()
    port = free_port_run(2)  # the proxy's port, and the process's after it
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'SPCP_'))}
    script = subprocess.Popen(['bash', 'scripts/cluster.sh', '--processes', '1', '--port', str(port), '--host',
                               '127.0.0.1', '--database-url', url, '--data-dir', str(tmp_path / 'data')],
                              cwd=clusters.PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    pid_file = tmp_path / 'data' / 'cluster' / 'pids'
    started: list[int] = []
    try:
        said = until_ready(script)
        assert said[0].startswith(f'SPCP Live: http://127.0.0.1:{port}  (1 processes behind HAProxy'), said
        first = read_pids(pid_file)
        started += first.values()
        assert sorted(first) == ['app1', 'haproxy']
        assert answer(port) == (200, 'app1')

        os.kill(first['app1'], signal.SIGKILL)  # the script's child, by the PID it wrote
        again = wait_until(lambda: (p := read_pids(pid_file))['app1'] != first['app1'] and p, timeout=WAIT_S,
                           what='app1 started again')
        started.append(again['app1'])
        assert again['haproxy'] == first['haproxy']
        wait_until(lambda: answer(port) == (200, 'app1'), timeout=2 * WAIT_S, what='the proxy answering again')

        script.terminate()
        assert script.wait(timeout=WAIT_S) == 130
        assert [pid for pid in started if alive(pid)] == []
        assert not pid_file.exists()
    finally:
        if script.poll() is None:
            script.kill()  # its children then end with their pipe; any left are ours: end them by PID
            for pid in started:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        server.drop_database(url)


def read_pids(path: Path) -> dict[str, int]:
    return {line.split()[0]: int(line.split()[1]) for line in path.read_text().splitlines()}


def answer(port: int) -> tuple[int, str | None]:
    """Status and SPCPSRV cookie of a first visit through the proxy ((0, None): no answer)."""
    try:
        page = requests.get(f'http://127.0.0.1:{port}/favicon.ico', timeout=WAIT_S)
    except requests.RequestException:
        return 0, None
    return page.status_code, page.cookies.get(clusters.COOKIE)


def until_ready(script: subprocess.Popen) -> list[str]:
    """What the script printed up to its last line when ready ("Ctrl-C stops them all."), or until it ended:
    bounded by the script's own waits (60 s per process)."""
    said: list[str] = []
    while (line := script.stdout.readline()) and not line.startswith('Ctrl-C'):
        said.append(line)
    return said


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
