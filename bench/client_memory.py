"""Server memory per NiceGUI client of a phone page, and what a reconnect window makes a room hold.

    .venv/bin/python bench/client_memory.py [--counts 50,150] [--runs 3] [--phase vote] [--cards 60]
                                            [--reuse]

For each count N and run: a fresh data folder with one room (30 participants wrote ``--cards``
issues; the room is in ``--phase``, by default Vote, the largest phone page: two buttons per card),
then ``spcp serve`` on 127.0.0.1 with the per-address limits off. Three phones open first (warm-up:
the first pages import and cache what every page needs); the server's RSS (``VmRSS`` of
``/proc/<pid>/status``) is read, N more phone pages are opened as raw clients (HTTP with their own
cookie jar, then the page's socket.io socket: tests/live/rawclient.py), RSS is read again, then their
sockets are closed so their clients sit in NiceGUI's reconnect window, and RSS is read once more.
``--reuse`` also waits for the window to pass and opens N new pages: if the memory of the dropped
clients is reused, RSS hardly grows. Prints medians over the runs and, from the per-client figure,
what a 300-phone room holds with a 30 s, 120 s and 300 s window. Numbers, not pass/fail.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))  # run as a script from anywhere: spcp and tests.live.rawclient

from sqlmodel import Session  # noqa: E402

from spcp import db, plan  # noqa: E402
from spcp.domain import access, cards, events, rooms  # noqa: E402
from tests.live.rawclient import RawClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project root: tests/serving.py
from tests.serving import free_port, stop, wait_until_up  # noqa: E402

SPCP = [sys.executable, '-c', 'from spcp.cli import main; main()']
RECONNECT_TIMEOUT_S = 30   # spcp/server.py: how long a dropped client is kept
STARTUP_TIMEOUT_S = 30
WARM_UP = 3
PARTICIPANTS = 30
SETTLE_S = 2.0             # after opening or dropping pages, before RSS is read
ROOM = 300
WINDOWS_S = (30, 120, 300)
CHURN_S = 600              # "each phone reloads or leaves once every 10 minutes" for the churn estimate
MB = 1024 * 1024


@dataclass
class Run:
    baseline_mb: float
    connected_mb: float   # RSS with the N pages open
    kept_mb: float        # RSS with their sockets closed: kept for the reconnect window
    open_ms: float        # median wall time to open one page (GET + socket + the page built)
    reused_mb: float | None = None  # RSS after the window, with N new pages open


def seed(data_dir: Path, phase: str, n_cards: int) -> str:
    """One room in ``phase`` with ``n_cards`` issues by 30 participants; returns its join code."""
    engine = db.make_engine(f'sqlite:///{data_dir / "spcp.sqlite3"}')
    with Session(engine, expire_on_commit=False) as s:
        event = events.create_event(s, 'Memory bench', 1, plan.load_plan())
        room = events.rooms_of(s, event.id)[0]
        facilitator = access.facilitator(s, room.join_code, room.facilitator_key)
        actors = [rooms.join(s, room.join_code, f'seed-{i}')[0] for i in range(PARTICIPANTS)]
        rooms.set_phase(s, facilitator, room.id, 'issues')
        for i in range(n_cards):
            cards.submit(s, actors[i % PARTICIPANTS], room.id, f'Issue number {i}: a typical sentence of a card',
                         uuid.uuid4().hex)
        if phase != 'issues':
            rooms.set_phase(s, facilitator, room.id, phase)
        code = room.join_code
    engine.dispose()
    return code


@contextlib.contextmanager
def serving(data_dir: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    port = free_port()
    base_url = f'http://127.0.0.1:{port}'
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'SPCP_'))}
    env |= {'SPCP_DATA_DIR': str(data_dir), 'SPCP_JOINS_PER_ADDRESS': '0', 'SPCP_ACTIONS_PER_ADDRESS': '',
            'SPCP_PAGE_LOADS_PER_ADDRESS': '', 'PYTHONUNBUFFERED': '1'}
    with (data_dir / 'server.log').open('w') as log:
        process = subprocess.Popen([*SPCP, 'serve', '--host', '127.0.0.1', '--port', str(port), '--data-dir',
                                    str(data_dir), '--public-url', base_url],
                                   cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(process, base_url + '/')
        yield process, base_url
    finally:
        stop(process)


def rss_mb(pid: int) -> float:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024 / MB
    raise RuntimeError(f'no VmRSS for process {pid}')


def open_phones(base_url: str, code: str, n: int) -> tuple[list[RawClient], list[float]]:
    """N phones (a cookie jar each: N participants), each waited for until its room is on screen."""
    phones, times = [], []
    for _ in range(n):
        started = time.perf_counter()
        phone = RawClient(base_url, requests.Session()).open(f'/r/{code}', timeout=30)
        phone.wait_for(lambda p=phone: p.find(classes='spcp-outbox'), timeout=30, what='the phone screen')
        times.append((time.perf_counter() - started) * 1000)
        phones.append(phone)
    return phones, times


def drop(phones: list[RawClient]) -> None:
    for phone in phones:
        phone.close()
        phone.http.close()


def run_once(n: int, phase: str, n_cards: int, reuse: bool) -> Run:
    with tempfile.TemporaryDirectory(prefix='spcp-memory-') as folder:
        data_dir = Path(folder)
        code = seed(data_dir, phase, n_cards)
        with serving(data_dir) as (process, base_url):
            warm, _ = open_phones(base_url, code, WARM_UP)
            time.sleep(SETTLE_S)
            baseline = rss_mb(process.pid)
            phones, times = open_phones(base_url, code, n)
            time.sleep(SETTLE_S)
            connected = rss_mb(process.pid)
            drop(phones)
            time.sleep(SETTLE_S)
            run = Run(baseline, connected, rss_mb(process.pid), statistics.median(times))
            if reuse:
                time.sleep(RECONNECT_TIMEOUT_S + 5)  # the dropped clients are deleted now
                again, _ = open_phones(base_url, code, n)
                time.sleep(SETTLE_S)
                run.reused_mb = rss_mb(process.pid)
                drop(again)
            drop(warm)
    return run


def report(n: int, runs: list[Run]) -> float:
    def med(values: list[float]) -> float:
        return statistics.median(values)
    per_connected = med([(r.connected_mb - r.baseline_mb) / n for r in runs])
    per_kept = med([(r.kept_mb - r.baseline_mb) / n for r in runs])
    print(f'N={n}: baseline {med([r.baseline_mb for r in runs]):.1f} MB, '
          f'+{med([r.connected_mb - r.baseline_mb for r in runs]):.1f} MB open, '
          f'+{med([r.kept_mb - r.baseline_mb for r in runs]):.1f} MB after dropping them (kept); '
          f'per client {per_connected:.3f} MB open, {per_kept:.3f} MB kept; '
          f'one page opens in {med([r.open_ms for r in runs]):.0f} ms (median)')
    if all(r.reused_mb is not None for r in runs):
        grown = med([r.reused_mb - r.kept_mb for r in runs])  # type: ignore[operator]
        print(f'       after the window, {n} new pages grew RSS by {grown:.1f} MB (memory of deleted clients reused)')
    return per_kept


def project(per_client_mb: float) -> None:
    live = ROOM * per_client_mb
    print(f'\nA {ROOM}-phone room: {live:.0f} MB for its {ROOM} open pages. A client is kept for the whole '
          f'window after its phone drops or reloads; the extra memory it holds:')
    for window in WINDOWS_S:
        churn = ROOM * window / CHURN_S
        print(f'  window {window:>3} s: a room-wide reload (every phone gets a new page at once) holds '
              f'+{live:.0f} MB for {window} s; steady churn (each phone reloads or leaves once per '
              f'{CHURN_S // 60} min) holds {churn:.0f} kept clients = +{churn * per_client_mb:.0f} MB')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--counts', default='50,150')
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--phase', default='vote', choices=['welcome', 'issues', 'vote', 'themes', 'solutions'])
    parser.add_argument('--cards', type=int, default=60)
    parser.add_argument('--reuse', action='store_true')
    args = parser.parse_args()
    print(f'phone pages in {args.phase!r} with {args.cards} cards; median of {args.runs} runs; '
          f'RSS of the spcp serve process')
    per_client = 0.0
    for n in (int(c) for c in args.counts.split(',')):
        runs = [run_once(n, args.phase, args.cards, args.reuse) for _ in range(args.runs)]
        per_client = report(n, runs)
        print('       runs: ' + json.dumps([round((r.kept_mb - r.baseline_mb) / n, 3) for r in runs]))
    project(per_client)


if __name__ == '__main__':
    main()
