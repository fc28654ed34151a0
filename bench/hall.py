"""The hall moves to the plenary: every open phone page switches to it in place, measured.

    python bench/hall.py --participants 300 --room-size 30 [--json OUT] [--timeout 120]

Seeds an event of ceil(N/K) rooms, each with one theme (so the plenary has a card per room), makes the
plenary, starts its own ``spcp serve`` on 127.0.0.1 (per-address limits off, the loop watchdog on), opens
N simulated phones spread over the rooms (the same ``Tab`` as bench/load.py: the frames Chromium sends)
and the organizer's dashboard, then clicks *Move everyone to the plenary* and its confirmation there, as
the organizer does. Measured: click -> each phone's page showing the plenary (its room line changes, no
new page load), the event loop's lag (the server's heartbeat, spcp/loop_watch.py), RSS, disconnects.
Then the plenary board (the organizer's browser) clicks *Next phase* (Welcome -> Vote): click -> every
phone's new phase title, as the plenary scenario of bench/load.py measures it. Bounded waits; the server
is ended by its PID.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: spcp and tests.serving

from sqlmodel import Session  # noqa: E402

from spcp.db import make_engine  # noqa: E402
from spcp.domain import access, cards, events, plenary, rooms, themes, voting  # noqa: E402
from spcp.plan import load_plan  # noqa: E402
from spcp.rehearsal import phones as lp  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (own_server, server_lags, proc_status, percentile)


def seed(database: Path, rooms_n: int) -> tuple[int, str, list[str], str]:
    """An event whose rooms each grouped one card into a theme; the plenary made. Returns the event id,
    the organizer key, the rooms' codes and the plenary's code."""
    engine = make_engine(f'sqlite:///{database}')
    try:
        with Session(engine, expire_on_commit=False) as session:
            event = events.create_event(session, 'Hall bench', rooms_n, load_plan())
            codes = []
            for n, room in enumerate(events.rooms_of(session, event.id)):
                fac = access.facilitator(session, room.join_code, room.facilitator_key)
                writer, _ = rooms.join(session, room.join_code, f'writer-{n}')
                rooms.set_phase(session, fac, room.id, 'issues')
                card, _ = cards.submit(session, writer, room.id, f'Theme of room {n + 1}', f'card-{n}')
                rooms.set_phase(session, fac, room.id, 'vote')
                voting.add_dot(session, writer, room.id, card.id, f'dot-{n}')
                rooms.set_phase(session, fac, room.id, 'themes')
                themes.group(session, fac, room.id, [card.id], f'Theme of room {n + 1}')
                codes.append(room.join_code)
            org = access.organizer(session, event.id, event.organizer_key)
            hall, _ = plenary.create(session, org, event.id)
            return event.id, event.organizer_key, codes, hall.join_code
    finally:
        engine.dispose()


class Phone:
    def __init__(self, tab: lp.Tab) -> None:
        self.tab = tab
        self.moved: float | None = None
        self.titled: float | None = None
        self.title = ''
        tab.on_update = self.on_update

    def on_update(self, now: float, data: dict) -> None:
        for element in data.values():
            if element is None:
                continue
            text = element.get('text') or ''
            if self.moved is None and lp.has_class(element, 'phone-room') and text.endswith('· Plenary'):
                self.moved = now
            if self.moved is not None and self.titled is None and lp.has_class(element, 'phone-phase') \
                    and text and text != self.title and text != 'Welcome':
                self.titled = now


async def run(args: argparse.Namespace, base_url: str, event_id: int, key: str, codes: list[str],
              hall_code: str) -> dict[str, Any]:
    per_room = math.ceil(args.participants / len(codes))
    tabs = [lp.Tab(base_url) for _ in range(args.participants)]
    gate = asyncio.Semaphore(20)  # phones arrive a few at a time, as a hall does

    async def arrive(tab: lp.Tab, code: str) -> None:
        async with gate:
            await tab.open(f'/r/{code}', timeout=args.timeout)
            await tab.wait_for(lambda: lp.outbox_room(tab), timeout=args.timeout, what='the phone screen')
    await asyncio.gather(*(arrive(tab, codes[i // per_room]) for i, tab in enumerate(tabs)))
    phones = [Phone(tab) for tab in tabs]
    organizer = lp.Tab(base_url)
    await organizer.open(f'/organize/{event_id}?key={key}', timeout=args.timeout)
    await asyncio.sleep(1.0)
    since = time.monotonic()
    await lp.click(organizer, 'Move everyone to the plenary', args.timeout)
    clicked = await lp.click(organizer, 'Move everyone', args.timeout)
    deadline = clicked + args.timeout
    while time.monotonic() < deadline and any(p.moved is None and p.tab.connected for p in phones):
        await asyncio.sleep(0.02)
    board = lp.Tab(base_url)
    await board.http.close()
    board.http = organizer.http  # the organizer's browser (signed in) opens the plenary board
    await board.open(f'/board/{hall_code}', timeout=args.timeout)
    await asyncio.sleep(1.0)
    vote_click = time.monotonic()
    await lp.next_phase(board)
    while time.monotonic() < vote_click + args.timeout and any(p.titled is None and p.tab.connected for p in phones):
        await asyncio.sleep(0.02)
    result = {'move_ms': [round((p.moved - clicked) * 1000, 1) for p in phones if p.moved],
              'vote_ms': [round((p.titled - vote_click) * 1000, 1) for p in phones if p.titled],
              'not_moved': sum(p.moved is None for p in phones),
              'disconnects': sum(t.disconnected_at is not None for t in tabs), 'since': since}
    await asyncio.gather(*(t.close() for t in [*tabs, organizer, board]), return_exceptions=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--participants', type=int, default=300)
    parser.add_argument('--room-size', type=int, default=30)
    parser.add_argument('--timeout', type=float, default=120.0)
    parser.add_argument('--json', type=Path)
    parser.add_argument('--data-dir', type=Path, help="a new, empty folder to keep (the server's log: where the "
                        'loop was blocked); default: a temporary one')
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix='spcp-hall-') as folder:
        data = args.data_dir or Path(folder)
        data.mkdir(parents=True, exist_ok=True)
        event_id, key, codes, hall_code = seed(data / 'spcp.sqlite3', math.ceil(args.participants / args.room_size))
        with load.own_server(data, None) as (process, base_url):
            rss_before = load.proc_status(process.pid, 'VmRSS')
            result = asyncio.run(run(args, base_url, event_id, key, codes, hall_code))
            lags = load.server_lags(base_url, result.pop('since'), args.timeout)
            report = {
                'participants': args.participants, 'rooms': len(codes),
                'move_p50_ms': load.percentile([m / 1000 for m in result['move_ms']], 50),
                'move_max_ms': max(result['move_ms'], default=None),
                'vote_p50_ms': load.percentile([m / 1000 for m in result['vote_ms']], 50),
                'vote_max_ms': max(result['vote_ms'], default=None),
                'not_moved': result['not_moved'], 'disconnects': result['disconnects'],
                'loop_lag_p99_ms': load.percentile(lags, 99), 'loop_lag_max_ms': load.percentile(lags, 100),
                'rss_mb': load.proc_status(process.pid, 'VmHWM'), 'rss_before_phones_mb': rss_before,
                'command': 'python bench/hall.py ' + ' '.join(sys.argv[1:] if argv is None else argv)}
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
