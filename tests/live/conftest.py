"""Live-server fixtures: a real ``spcp serve`` subprocess on 127.0.0.1, driven over its websocket.

As in ``tests/browser/conftest.py``: ``spcp event create --json`` into a fresh data folder, then
``spcp serve`` on a free port; codes and links come from that JSON. Here the server can also be
killed with SIGKILL (by the PID of the process started here) and started again on the same folder
and port. ``SPCP_JOINS_PER_ADDRESS=0`` and the per-address limits switched off let many raw clients
join and act from 127.0.0.1; the per-participant limits stay on. ``limits_server`` is a second such
server (its own folder, event and port) with every limit at its default, for the tests of the limits.

``SPCP_LIVE_PROJECT=/path/to/checkout`` runs the server from another checkout (e.g. a ``git archive``
of HEAD while the working tree is half-edited); the tests themselves always come from this tree.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from ..serving import free_port
from .rawclient import RawClient

PROJECT_ROOT = Path(os.environ.get('SPCP_LIVE_PROJECT') or Path(__file__).resolve().parents[2])
ARTIFACTS = Path(__file__).resolve().parents[2] / 'test-artifacts'
STARTUP_TIMEOUT_S = 30
SPCP = [sys.executable, '-c', 'from spcp.cli import main; main()']
ROOMS = 8  # one room per test, so no test sees another's cards or phase
NO_PER_ADDRESS_LIMITS = {'SPCP_JOINS_PER_ADDRESS': '0', 'SPCP_ACTIONS_PER_ADDRESS': '',
                         'SPCP_PAGE_LOADS_PER_ADDRESS': ''}


@dataclass
class LiveServer:
    data_dir: Path
    port: int
    env: dict[str, str]
    event: dict = field(default_factory=dict)
    process: subprocess.Popen | None = field(default=None, repr=False)
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    @property
    def log(self) -> Path:
        return self.data_dir / 'server.log'

    @property
    def database(self) -> Path:
        return self.data_dir / 'spcp.sqlite3'

    @property
    def rooms(self) -> list[dict]:
        return self.event['rooms']

    def create_event(self) -> None:
        created = subprocess.run([*SPCP, 'event', 'create', '--name', 'Live SPCP', '--rooms', str(ROOMS), '--json',
                                  '--data-dir', str(self.data_dir)],
                                 cwd=PROJECT_ROOT, env=self.env, capture_output=True, text=True, timeout=60)
        assert created.returncode == 0, created.stderr
        self.event = json.loads(created.stdout)

    def start(self) -> None:
        with self.log.open('a') as log_file:
            log_file.write(f'\n=== start {self.starts + 1} ===\n')
            log_file.flush()
            self.process = subprocess.Popen([*SPCP, 'serve', '--host', '127.0.0.1', '--port', str(self.port),
                                             '--data-dir', str(self.data_dir), '--public-url', self.base_url],
                                            cwd=PROJECT_ROOT, env=self.env, stdout=log_file, stderr=subprocess.STDOUT)
        self.starts += 1
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f'spcp serve exited with code {self.process.returncode}:\n{self.log_text()}')
            try:
                with urllib.request.urlopen(self.base_url + '/', timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(f'spcp serve did not answer on {self.base_url} within {STARTUP_TIMEOUT_S} s:\n{self.log_text()}')

    def ensure_running(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.start()

    def kill(self) -> None:
        """SIGKILL, by the PID of the process started here: no shutdown handler, no flush, no goodbye."""
        assert self.process is not None and self.process.poll() is None, 'the server is not running'
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        assert self.process.returncode == -signal.SIGKILL

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log.read_text(errors='replace') if self.log.exists() else ''

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Read the SQLite file as it is on disk, read-only (the server may be running or dead)."""
        connection = sqlite3.connect(f'file:{self.database}?mode=ro', uri=True, timeout=5)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def room_id(self, code: str) -> int:
        return self.query('SELECT id FROM room WHERE join_code = ?', code)[0][0]

    def phase(self, code: str) -> str:
        return self.query('SELECT phase FROM room WHERE join_code = ?', code)[0][0]


@contextmanager
def running_server(tmp_path_factory, name: str, limits_env: dict[str, str]) -> Iterator[LiveServer]:
    """A fresh event in a fresh folder and ``spcp serve`` on it, with ``limits_env`` on top of the
    defaults; the log is copied to ``test-artifacts/<name>-server.log`` at the end."""
    data_dir = tmp_path_factory.mktemp(f'spcp-{name}-data')
    port = free_port()
    # without pytest's variables: NiceGUI would think it runs inside a test (PYTEST_CURRENT_TEST)
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'SPCP_'))}
    env |= {'SPCP_DATA_DIR': str(data_dir), 'SPCP_HOST': '127.0.0.1', 'SPCP_PORT': str(port),
            'SPCP_PUBLIC_URL': f'http://127.0.0.1:{port}', 'PYTHONUNBUFFERED': '1', **limits_env}
    server = LiveServer(data_dir, port, env)
    server.create_event()
    try:
        server.start()
        yield server
    finally:
        server.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(server.log, ARTIFACTS / f'{name}-server.log')


@pytest.fixture(scope='session')
def _live_server(tmp_path_factory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory, 'live', NO_PER_ADDRESS_LIMITS) as server:
        yield server


@pytest.fixture(scope='module')
def limits_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A second server with every limit at its default (no ``SPCP_`` variable reaches it), running."""
    with running_server(tmp_path_factory, 'limits', {}) as server:
        yield server


@pytest.fixture
def live(_live_server) -> LiveServer:
    """The shared server, running (a test that killed it may have left it down)."""
    _live_server.ensure_running()
    return _live_server


PHASES = ['welcome', 'issues', 'vote', 'themes', 'solutions', 'wrapup']


@dataclass
class People:
    """Opens phones and boards as raw clients (each with its own cookie jar unless given one)."""
    live: LiveServer
    opened: list[RawClient] = field(default_factory=list)

    def phone(self, room: dict, http: requests.Session | None = None) -> RawClient:
        client = RawClient(self.live.base_url, http)
        self.opened.append(client)
        client.open(room['join_url'])
        client.find_one(classes='spcp-outbox')  # the phone page, joined (its room shows before it has)
        return client

    def board(self, room: dict) -> RawClient:
        client = RawClient(self.live.base_url)
        self.opened.append(client)
        return client.open(room['facilitator_url'])

    def advance(self, board: RawClient, room: dict, phase: str) -> None:
        """Click the board's "Next phase" until the room is in ``phase`` (read from the database)."""
        for _ in range(len(PHASES)):
            if self.live.phase(room['code']) == phase:
                return
            before = self.live.phase(room['code'])
            board.click(board.find_one(text='Next phase'))
            wait_until(lambda b=before: self.live.phase(room['code']) != b, what=f'phase after {before}')
        assert self.live.phase(room['code']) == phase

    def close(self) -> None:
        for client in self.opened:
            client.close()


def wait_until(predicate, *, timeout: float = 5.0, what: str = '') -> object:
    """Poll ``predicate`` (e.g. a database read) until it is truthy, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() > deadline:
            raise TimeoutError(f'{what or predicate} not true within {timeout} s')
        time.sleep(0.02)
    return result


@pytest.fixture
def people(live) -> Iterator[People]:
    opened = People(live)
    yield opened
    opened.close()
