"""What a voting phone costs the server: a room of N phones goes from Issues to Vote with C cards.

    .venv/bin/python bench/vote_page.py [--phones 50] [--cards 300] [--runs 3]

For each run: a fresh data folder with one room in Issues holding ``--cards`` issues (as
bench/client_memory.py seeds it), ``spcp serve`` on 127.0.0.1 with the per-address limits off, N
phones opened as raw clients (tests/live/rawclient.py) and a board. RSS (``VmRSS``) is read, the
board clicks Next phase, and the time until every phone shows its vote list is taken (the rebuild of
N Vote pages), then RSS again. Then one phone reloads (GET + socket + the Vote page built: its own
time) and puts a dot on a card through the outbox, as a browser does (``spcp_outbox``); the bytes of
what the server sends that phone (the Vote page's update; the dot) are counted as JSON.
Prints medians over the runs. Numbers, not pass/fail.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))  # run as a script from anywhere: spcp, bench and tests.live.rawclient

from bench.client_memory import rss_mb, seed, serving  # noqa: E402
from tests.live.rawclient import RawClient  # noqa: E402

TIMEOUT_S = 120


@dataclass
class Run:
    rss_issues_mb: float
    rss_vote_mb: float
    phase_change_s: float  # Next phase -> the last of the N phones shows its vote list
    open_ms: float         # one phone reloads in Vote: GET + socket + the page built and sent
    page_bytes: int        # the update that brings that phone its Vote page
    dot_bytes: int         # what the server sends that phone for one dot (its own update and the ack)


def shows_vote_list(phone: RawClient) -> bool:
    return bool(phone.find(classes='vote-list'))


def first_card(data_dir: Path, code: str) -> int:
    connection = sqlite3.connect(f'file:{data_dir / "spcp.sqlite3"}?mode=ro', uri=True)
    try:
        return connection.execute('SELECT card.id FROM card JOIN room ON room.id = card.room_id '
                                  'WHERE room.join_code = ? ORDER BY card.id LIMIT 1', (code,)).fetchone()[0]
    finally:
        connection.close()


def sent_bytes(phone: RawClient, since: int) -> int:
    return sum(len(json.dumps(m.data, ensure_ascii=False).encode()) for m in phone.messages[since:])


def open_phone(base_url: str, code: str) -> RawClient:
    phone = RawClient(base_url, requests.Session()).open(f'/r/{code}', timeout=TIMEOUT_S)
    phone.wait_for(lambda: phone.find(classes='spcp-outbox'), timeout=TIMEOUT_S, what='the phone screen')
    return phone


def dot(phone: RawClient, code: str, card_id: int) -> int:
    """A dot through the outbox, as assets/outbox.js sends it; returns the bytes the server sent back."""
    since, key = len(phone.messages), uuid.uuid4().hex[:16]
    phone.emit_event(0, 'spcp_outbox', [{'key': key, 'room': code, 'kind': 'dot', 'card_id': card_id}])
    phone.wait_for(lambda: any(m.type == 'run_javascript' and key in str(m.data) for m in phone.messages[since:]),
                   timeout=TIMEOUT_S, what='the outbox acknowledgement')
    time.sleep(0.3)  # the dot's own update may follow the acknowledgement
    return sent_bytes(phone, since)


def run_once(n: int, n_cards: int) -> Run:
    with tempfile.TemporaryDirectory(prefix='spcp-vote-') as folder:
        data_dir = Path(folder)
        code = seed(data_dir, 'issues', n_cards)
        with serving(data_dir) as (process, base_url):
            phones = [open_phone(base_url, code) for _ in range(n)]
            board = RawClient(base_url, requests.Session())
            board.open(_board_url(data_dir, code), timeout=TIMEOUT_S)
            time.sleep(1.0)
            rss_issues = rss_mb(process.pid)
            started = time.perf_counter()
            board.click(board.find_one(text='Next phase'))
            for phone in phones:
                phone.wait_for(lambda p=phone: shows_vote_list(p), timeout=TIMEOUT_S, what='the vote list')
            phase_change = time.perf_counter() - started
            time.sleep(1.0)
            rss_vote = rss_mb(process.pid)
            reloaded = RawClient(base_url, phones[0].http)
            opened = time.perf_counter()
            reloaded.open(f'/r/{code}', timeout=TIMEOUT_S)
            reloaded.wait_for(lambda: shows_vote_list(reloaded), timeout=TIMEOUT_S, what='the vote list')
            open_ms = (time.perf_counter() - opened) * 1000
            page_bytes = max(len(json.dumps(m.data, ensure_ascii=False).encode())
                             for m in reloaded.messages if m.type == 'update')
            dot_bytes = dot(reloaded, code, first_card(data_dir, code))
            for client in [*phones, board, reloaded]:
                client.close()
    return Run(rss_issues, rss_vote, phase_change, open_ms, page_bytes, dot_bytes)


def _board_url(data_dir: Path, code: str) -> str:
    connection = sqlite3.connect(f'file:{data_dir / "spcp.sqlite3"}?mode=ro', uri=True)
    try:
        key = connection.execute('SELECT facilitator_key FROM room WHERE join_code = ?', (code,)).fetchone()[0]
    finally:
        connection.close()
    return f'/board/{code}?key={key}'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--phones', type=int, default=50)
    parser.add_argument('--cards', type=int, default=300)
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args()
    runs = [run_once(args.phones, args.cards) for _ in range(args.runs)]

    def med(values: list[float]) -> float:
        return statistics.median(values)
    print(f'{args.phones} phones, {args.cards} cards, median of {args.runs} runs (spcp serve on 127.0.0.1):')
    print(f'  Issues -> Vote: every phone shows its vote list after {med([r.phase_change_s for r in runs]):.2f} s; '
          f'RSS {med([r.rss_issues_mb for r in runs]):.0f} MB -> {med([r.rss_vote_mb for r in runs]):.0f} MB '
          f'(+{med([(r.rss_vote_mb - r.rss_issues_mb) / args.phones for r in runs]):.3f} MB a phone)')
    print(f'  one phone reloads in Vote: {med([r.open_ms for r in runs]):.0f} ms, its page update '
          f'{med([r.page_bytes for r in runs]) / 1024:.1f} KB; one dot sends it '
          f'{med([r.dot_bytes for r in runs]):.0f} bytes')
    print('  runs: ' + json.dumps([[round(r.phase_change_s, 2), round(r.open_ms), r.page_bytes, r.dot_bytes]
                                  for r in runs]))


if __name__ == '__main__':
    main()
