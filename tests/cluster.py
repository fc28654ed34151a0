"""Several ``spcp serve`` processes on one PostgreSQL database, optionally behind HAProxy: for the tests
and the benchmarks (bench/) that need a cluster.

The event is created once, with ``spcp event create --json`` before any process starts (a process that
finds no event would create the demo event, and two at once would make two). Every process then runs
with the same ``SPCP_DATABASE_URL`` and the same data folder. One folder for all, because of what a
process keeps there (one machine, so one folder is the plain choice):

- ``storage-secret.txt`` signs the browser cookie (the participant's identity): every process must hold
  the same secret, so it is written here before they start (two processes making it at once could
  each read a half-written file);
- ``nicegui-storage/storage-user-<id>.json`` is a browser's ``app.storage.user`` (staff sign-in proofs,
  language), loaded by a process when it first sees that browser: in one folder, a browser the proxy
  moves to another process (its own went down) keeps its sign-ins there;
- ``settings.toml``: each process records its host, port and public URL (the proxy's URL for all);
- ``backups/``: SQLite only, so nothing here.

``start(...)`` returns a :class:`Cluster` (a context manager); ``stop()`` ends only the processes it
started, by their handles (PIDs). The proxy is Debian's ``haproxy`` with ``deploy/haproxy.cfg``: sticky by
the SPCPSRV cookie it inserts on a browser's first response.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from spcp import hardening

from .serving import free_port, wait_until_up

# SPCP_LIVE_PROJECT=/path/to/checkout runs the servers from another checkout (as tests/live/conftest.py does)
PROJECT_ROOT = Path(os.environ.get('SPCP_LIVE_PROJECT') or Path(__file__).resolve().parents[1])
HAPROXY_TEMPLATE = Path(__file__).resolve().parents[1] / 'deploy' / 'haproxy.cfg'
COOKIE = 'SPCPSRV'
SPCP = [sys.executable, '-c', 'from spcp.cli import main; main()']
STARTUP_TIMEOUT_S = 60  # several processes starting at once on two cores, each migrating and loading the app


def haproxy_binary() -> str | None:
    """HAProxy's program (Debian installs it in /usr/sbin, not always on a user's PATH), or None."""
    return shutil.which('haproxy', path=os.pathsep.join([os.environ.get('PATH', ''), '/usr/sbin', '/sbin']))


def server_name(index: int) -> str:
    """The name (and SPCPSRV cookie value) of process ``index`` (0-based) in the proxy's configuration."""
    return f'app{index + 1}'


def haproxy_config(bind: str, ports: list[int]) -> str:
    """deploy/haproxy.cfg with its address and one ``server`` line per process on 127.0.0.1."""
    servers = ''.join(f'    server {server_name(i)} 127.0.0.1:{port} check cookie {server_name(i)}\n'
                      for i, port in enumerate(ports))
    template = HAPROXY_TEMPLATE.read_text()
    return template.replace('    bind @BIND@\n', f'    bind {bind}\n').replace('\n@SERVERS@\n', '\n' + servers)


@dataclass
class Cluster:
    folder: Path
    database_url: str
    event: dict
    process_urls: list[str]
    proxy_url: str | None
    processes: list[subprocess.Popen] = field(default_factory=list, repr=False)
    proxy: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Where browsers go: the proxy, or the only process when there is no proxy."""
        return self.proxy_url or self.process_urls[0]

    @property
    def data_dir(self) -> Path:
        return self.folder / 'data'

    @property
    def rooms(self) -> list[dict]:
        return self.event['rooms']

    def log(self, index: int) -> Path:
        return self.folder / f'process-{index + 1}.log'

    @property
    def proxy_log(self) -> Path:
        return self.folder / 'haproxy.log'

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def kill(self, index: int) -> None:
        """SIGKILL process ``index`` (no shutdown, no flush), by the PID of the process started here."""
        process = self.processes[index]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        """End the proxy, then every process this cluster started, all at once (by handle: nothing else is
        touched); a process still there after 10 s is killed."""
        running = [p for p in ([self.proxy] if self.proxy else []) + self.processes if p.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def process_env(folder: Path, database_url: str, public_url: str, settings: dict[str, str]) -> dict[str, str]:
    """The environment of every ``spcp`` command here: without pytest's variables (NiceGUI would think it
    runs inside a test) nor the caller's SPCP_* ones; ``settings`` on top (e.g. limits)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'SPCP_'))}
    return env | {'SPCP_DATA_DIR': str(folder / 'data'), 'SPCP_DATABASE_URL': database_url,
                  'SPCP_HOST': '127.0.0.1', 'SPCP_PUBLIC_URL': public_url, 'PYTHONUNBUFFERED': '1', **settings}


def create_event(env: dict[str, str], rooms: int, name: str) -> dict:
    """``spcp event create --json``: the event's rooms, codes and links (with the public URL)."""
    created = subprocess.run([*SPCP, 'event', 'create', '--name', name, '--rooms', str(rooms), '--json'],
                             cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    if created.returncode != 0:
        raise RuntimeError(f'spcp event create failed ({created.returncode}): {created.stderr[-3000:]}')
    return json.loads(created.stdout)


def _start_processes(cluster: Cluster, ports: list[int], env: dict[str, str]) -> None:
    """Start every process at once (they migrate under PostgreSQL's advisory lock), then wait for each."""
    for index, port in enumerate(ports):
        with cluster.log(index).open('w') as log_file:
            cluster.processes.append(subprocess.Popen(
                [*SPCP, 'serve', '--host', '127.0.0.1', '--port', str(port)],
                cwd=PROJECT_ROOT, env=env | {'SPCP_PORT': str(port)}, stdout=log_file, stderr=subprocess.STDOUT))
    for index, (process, url) in enumerate(zip(cluster.processes, cluster.process_urls, strict=True)):
        wait_until_up(process, url + '/favicon.ico', cluster.log(index), timeout=STARTUP_TIMEOUT_S)


def _start_proxy(cluster: Cluster, port: int, ports: list[int]) -> None:
    binary = haproxy_binary()
    if binary is None:
        raise RuntimeError('haproxy is not installed (Debian: apt-get install haproxy; scripts/test.sh does)')
    config = cluster.folder / 'haproxy.cfg'
    config.write_text(haproxy_config(f'127.0.0.1:{port}', ports))
    with cluster.proxy_log.open('w') as log_file:
        cluster.proxy = subprocess.Popen([binary, '-db', '-f', str(config)], stdout=log_file,
                                         stderr=subprocess.STDOUT)
    wait_until_up(cluster.proxy, f'{cluster.proxy_url}/favicon.ico', cluster.proxy_log)


def _distinct_ports(count: int) -> list[int]:
    """``count`` free ports, no two the same (each is free on its own; the kernel may hand one out twice)."""
    ports: list[int] = []
    while len(ports) < count:
        if (port := free_port()) not in ports:
            ports.append(port)
    return ports


def start(database_url: str, folder: Path, *, processes: int = 2, proxy: bool = True, rooms: int = 8,
          name: str = 'Cluster SPCP', settings: dict[str, str] | None = None) -> Cluster:
    """Create an event in ``database_url`` and start ``processes`` servers on it (data, logs and the proxy's
    configuration in ``folder``), behind HAProxy when ``proxy``. Links in ``event`` point at the proxy.
    On any failure what was started is stopped again."""
    folder = Path(folder)
    (folder / 'data').mkdir(parents=True, exist_ok=True, mode=hardening.PRIVATE_DIR)
    ports = _distinct_ports(processes + (1 if proxy else 0))
    proxy_port = ports.pop() if proxy else None
    public_url = f'http://127.0.0.1:{proxy_port or ports[0]}'
    # as deployed (scripts/cluster.sh): the phone's address is the one in the proxy's X-Forwarded-For
    trusted = {'SPCP_TRUSTED_PROXIES': '127.0.0.1'} if proxy else {}
    env = process_env(folder, database_url, public_url, trusted | (settings or {}))
    hardening.storage_secret(folder / 'data')  # made once, before the processes all read it
    cluster = Cluster(folder, database_url, create_event(env, rooms, name),
                      [f'http://127.0.0.1:{port}' for port in ports], public_url if proxy else None)
    try:
        _start_processes(cluster, ports, env)
        if proxy_port is not None:
            _start_proxy(cluster, proxy_port, ports)
    except BaseException:
        cluster.stop()
        raise
    return cluster
