"""The same load (bench/load.py) on SQLite with one process and on PostgreSQL with 1 and with N processes
behind HAProxy with sticky sessions (README.md, "Several processes").

    python bench/cluster_load.py --participants 300 --room-size 10 --seconds 45 [--processes 1 2] [--no-sqlite]
                                 [--json OUT] [-- more bench/load.py options]

PostgreSQL is a throw-away server (tests/postgres.py: Debian's postgresql, a Unix socket in a temporary
folder), a fresh database per run; the cluster is tests/cluster.py's (one data folder, HAProxy from
deploy/haproxy.cfg, the per-address limits off, the loop watch on), ended by its PIDs after each run. Every run
goes through bench/load.py unpinned (``--no-pin``): the generator, the servers, HAProxy and PostgreSQL share
the machine's cores alike. Prints one markdown table (p50/p95/p99 action -> board, dropped, disconnects,
loop lag p99 over every process, server CPU and peak RSS summed over the processes, the websockets HAProxy
sent to each process) and the command.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from tests import cluster, postgres  # noqa: E402  (the project's test harness, importable from its root)

NO_PER_ADDRESS_LIMITS = {'SPCP_JOINS_PER_ADDRESS': '0', 'SPCP_ACTIONS_PER_ADDRESS': '',
                         'SPCP_PAGE_LOADS_PER_ADDRESS': ''}
SERVER_SETTINGS = NO_PER_ADDRESS_LIMITS | {'SPCP_LOOP_WATCH': '1'}  # /_spcp/loop-lag, read by bench/load.py


def load(common: list[str], extra: list[str], out: Path, timeout: float) -> dict[str, Any]:
    """One bench/load.py run; its JSON report with the command that made it."""
    command = [sys.executable, 'bench/load.py', *common, '--no-pin', '--json', str(out), *extra]
    done = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f'bench/load.py failed ({done.returncode}):\n{done.stderr[-3000:]}')
    return json.loads(out.read_text())


def on_sqlite(common: list[str], folder: Path, timeout: float) -> dict[str, Any]:
    """bench/load.py's own server: one process on an SQLite file."""
    return load(common, [], folder / 'sqlite.json', timeout)


def on_postgres(server: postgres.Server, processes: int, common: list[str], folder: Path,
                timeout: float) -> dict[str, Any]:
    """``processes`` servers on a fresh PostgreSQL database behind HAProxy; the bench drives the proxy."""
    url = server.new_database()
    try:
        with cluster.start(url, folder / f'cluster-{processes}', processes=processes, rooms=1,
                           settings=SERVER_SETTINGS) as started:
            extra = ['--url', started.url, '--database-url', url]
            for pid, process_url in zip(started.pids, started.process_urls, strict=True):
                extra += ['--server-pid', str(pid), '--process-url', process_url]
            report = load(common, extra, folder / f'postgres-{processes}.json', timeout)
            report['sockets_per_process'] = sockets_per_process(started.proxy_log)
            return report
    finally:
        server.drop_database(url)


def sockets_per_process(proxy_log: Path) -> dict[str, int]:
    """How many websockets (HTTP 101) HAProxy sent to each process: the sticky spread of the run's phones and
    boards (haproxy's httplog: ``... spcp spcp_processes/app1 0/0/0/2/5405 101 ...``; logged when they close)."""
    counts: dict[str, int] = {}
    for line in proxy_log.read_text(errors='replace').splitlines():
        parts = line.split()
        if len(parts) > 5 and parts[3].startswith('spcp_processes/') and parts[5] == '101':
            name = parts[3].split('/', 1)[1]
            counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


def row(name: str, report: dict[str, Any]) -> str:
    def ms(value: float | None) -> str:
        return '' if value is None else f'{value:.0f}'

    def number(value: float | None, digits: int = 1) -> str:
        return '' if value is None else f'{value:.{digits}f}'

    return (f'| {name} | {ms(report["p50_ms"])} | {ms(report["p95_ms"])} | {ms(report["p99_ms"])} | '
            f'{report["dropped"]} | {report["disconnects"]} | {ms(report["loop_lag_p99_ms"])} | '
            f'{number(report["server_cpu_s"])} | {number(report["rss_mb"], 0)} | '
            f'{", ".join(f"{n}" for n in report.get("sockets_per_process", {}).values())} |')


def table(reports: dict[str, dict[str, Any]], command: str) -> str:
    lines = ['| store, processes | p50 ms | p95 ms | p99 ms | dropped | disconnects | loop lag p99 ms | '
             'server CPU s | peak RSS MB | sockets per process |', '|---|---|---|---|---|---|---|---|---|---|']
    lines += [row(name, report) for name, report in reports.items()]
    return '\n'.join([*lines, '', f'`{command}`'])


def parse(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--participants', type=int, required=True)
    parser.add_argument('--room-size', type=int, default=10)
    parser.add_argument('--seconds', type=float, default=45.0)
    parser.add_argument('--processes', type=int, nargs='+', default=[1, 2], help='PostgreSQL runs: how many '
                        'processes each (default: 1 2)')
    parser.add_argument('--no-sqlite', dest='sqlite', action='store_false', help='no SQLite reference run')
    parser.add_argument('--json', type=Path, help='write every report here')
    parser.add_argument('--timeout', type=float, default=900.0, help='longest one run may take (s)')
    return parser.parse_known_args(argv)


def main(argv: list[str] | None = None) -> int:
    args, extra = parse(argv)
    extra = [item for item in extra if item != '--']
    common = ['--participants', str(args.participants), '--room-size', str(args.room_size),
              '--seconds', str(args.seconds), *extra]
    reports: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix='spcp-cluster-load-') as temporary:
        folder = Path(temporary)
        if args.sqlite:
            reports['SQLite, 1'] = on_sqlite(common, folder, args.timeout)
        server = postgres.start()
        try:
            for processes in args.processes:
                reports[f'PostgreSQL, {processes} behind HAProxy'] = on_postgres(server, processes, common, folder,
                                                                               args.timeout)
        finally:
            server.stop()
    command = shlex.join(['python', 'bench/cluster_load.py', *(argv if argv is not None else sys.argv[1:])])
    if args.json:
        args.json.write_text(json.dumps({'command': command, 'load_average': os.getloadavg(), 'cpus':
                                         os.cpu_count(), 'reports': reports}, indent=2) + '\n')
    print(table(reports, command))
    return 0


if __name__ == '__main__':
    sys.exit(main())
