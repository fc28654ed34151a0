"""What a phase change costs the pages themselves, in one process, without sockets or a browser.

    .venv/bin/python bench/phase_pages.py [--rooms 20] [--room-size 10] [--cards 20] [--repeat 5] [--profile]

Seeds rooms in Issues with ``--cards`` cards each (as bench/load.py does), builds each participant's
phone page (``PhoneScreen``, in a NiceGUI client of its own, joined), then for each room: the
facilitator's click (``perform(step_phase)``: Issues -> Vote), the change handed to the room's board and to
every phone of the room, and what each phone would send (its queued updates serialised as NiceGUI's
outbox does, then JSON). Prints, per phone, the median over the repeats of the rebuild and of the
serialising (ms), and per room the click and the board's update. The rooms go back to Issues between
repeats. What bench/load.py's phase scenario measures end to end is these costs plus the sockets; this
one is quick and quiet enough to compare two versions of a page (numbers, not pass/fail).
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_actions  # noqa: E402
from nicegui import Client, core  # noqa: E402
from nicegui.outbox import Deleted  # noqa: E402
from nicegui.page import page  # noqa: E402
from nicegui.storage import Storage  # noqa: E402
from sqlmodel import Session  # noqa: E402

from spcp import actions, db, framework_speedups, gc_policy, live  # noqa: E402
from spcp.domain import access, cards, rooms, views  # noqa: E402
from spcp.domain.models import Room  # noqa: E402
from spcp.i18n import translator  # noqa: E402
from spcp.pages import board, language, phone  # noqa: E402


def seed(folder: Path, n_rooms: int, room_size: int, n_cards: int) -> list[tuple[access.Actor, list[access.Actor]]]:
    """bench_actions.py's rooms in Issues, each with its facilitator and ``n_cards`` cards."""
    made, rooms_made = [], bench_actions.setup(folder, n_rooms, room_size, max_cards=1000)
    with Session(db.engine(), expire_on_commit=False) as s:
        for room_id, people in rooms_made:
            room = s.get(Room, room_id)
            for i in range(n_cards):
                cards.submit(s, people[i % room_size], room_id,
                             f'Room {room.join_code} card {i}: stops are not explained to us', uuid.uuid4().hex)
            made.append((access.facilitator(s, room.join_code, room.facilitator_key), people))
    return made


def open_phones(people: list[access.Actor]) -> list[tuple[Client, phone.PhoneScreen]]:
    """Each participant's phone page, joined (what ``phone_page`` builds, without a request)."""
    tr, opened = translator('en'), []
    for actor in people:
        client = Client(page(f'/r/{actor.room_id}'), request=None)
        with client:
            screen = phone.PhoneScreen(tr, actor, actions.read(actor, views.snapshot, room_id=actor.room_id),
                                       '127.0.0.1')
            screen.joined = True
        client.outbox.updates.clear()
        opened.append((client, screen))
    return opened


def open_board(facilitator: access.Actor) -> tuple[Client, board.Board]:
    """The room's board (what ``board_page`` builds for a signed-in facilitator, without a request)."""
    client = Client(page(f'/board/{facilitator.room_id}'), request=None)
    with client:
        opened = board.Board(translator('en'), facilitator,
                             actions.read(facilitator, views.snapshot, room_id=facilitator.room_id),
                             'http://127.0.0.1/r/X')
    client.outbox.updates.clear()
    return client, opened


def hand_out(client: Client, screen: phone.PhoneScreen | board.Board, changes: tuple) -> None:
    """The changes to one page, inside its client (what ``live`` does for each subscriber)."""
    with client:
        for change in changes:
            screen.apply(change)


def serialised(client: Client) -> int:
    """What the client's outbox would send now, as JSON (bytes); the queue is emptied."""
    updates = client.outbox.updates
    data = {element_id: None if isinstance(element, Deleted) else element._to_dict()  # noqa: SLF001
            for element_id, element in updates.items()}
    updates.clear()
    client.outbox.messages.clear()
    return len(orjson.dumps(['update', data], option=orjson.OPT_NON_STR_KEYS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rooms', type=int, default=20)
    parser.add_argument('--room-size', type=int, default=10)
    parser.add_argument('--cards', type=int, default=20)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--profile', action='store_true', help='cProfile one more round, top functions printed')
    args = parser.parse_args()
    framework_speedups.install()
    gc_policy.install()  # the server's collector (without it, full collections of every page land in the timings)
    Storage.user = property(lambda _: {})  # the board keeps its browser's storage: none here
    core.loop = asyncio.new_event_loop()  # where the board's tools put their background work (never run here)
    language._chooser = lambda tr: (lambda event: None)  # noqa: SLF001 (no browser storage here)
    with tempfile.TemporaryDirectory() as folder:
        made = seed(Path(folder), args.rooms, args.room_size, args.cards)
        phones = [open_phones(people) for _, people in made]
        boards = [open_board(facilitator) for facilitator, _ in made]
        n_phones = sum(len(p) for p in phones)
        results: dict[str, list[float]] = {'click ms/room': [], 'board ms/room': [], 'rebuild ms/phone': [],
                                           'serialise ms/phone': [], 'sent KB/phone': []}

        def run_round(timed: dict[str, list[float]] | None) -> None:
            click = board_s = rebuild = send = size = 0.0
            for (facilitator, _), room_phones, (board_client, room_board) in zip(made, phones, boards, strict=True):
                live.reset()  # nobody subscribed: the click alone
                started = time.perf_counter()
                outcome = actions.perform(facilitator, rooms.set_phase, room_id=facilitator.room_id, phase='vote')
                click += time.perf_counter() - started
                assert outcome.done, outcome
                started = time.perf_counter()
                hand_out(board_client, room_board, outcome.changes)  # the first to re-read: pays the room's read
                serialised(board_client)
                board_s += time.perf_counter() - started
                started = time.perf_counter()
                for client, screen in room_phones:
                    hand_out(client, screen, outcome.changes)
                rebuild += time.perf_counter() - started
                started = time.perf_counter()
                size += sum(serialised(client) for client, _ in room_phones)
                send += time.perf_counter() - started
                back = actions.perform(facilitator, rooms.set_phase, room_id=facilitator.room_id, phase='issues')
                for client, screen in room_phones:
                    hand_out(client, screen, back.changes)
                    serialised(client)
                hand_out(board_client, room_board, back.changes)
                serialised(board_client)
            if timed is not None:
                timed['click ms/room'].append(click * 1000 / len(made))
                timed['board ms/room'].append(board_s * 1000 / len(made))
                timed['rebuild ms/phone'].append(rebuild * 1000 / n_phones)
                timed['serialise ms/phone'].append(send * 1000 / n_phones)
                timed['sent KB/phone'].append(size / 1024 / n_phones)

        run_round(None)  # warm-up: first builds of each kind
        for _ in range(args.repeat):
            run_round(results)
        for name, values in results.items():
            print(f'{name:20} median {statistics.median(values):7.3f}  (runs: {", ".join(f"{v:.3f}" for v in values)})')
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            run_round(None)
            profiler.disable()
            pstats.Stats(profiler).sort_stats('cumulative').print_stats(40)


if __name__ == '__main__':
    main()
