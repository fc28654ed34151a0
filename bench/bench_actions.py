"""The server's cost of one participant action, as ``actions.perform`` pays it (a session per action,
the rate limits, the domain call, its commit on a real SQLite file with WAL and synchronous=FULL,
the publish), without pages or sockets.

    .venv/bin/python bench/bench_actions.py [--rooms 10] [--room-size 10] [--actions 2000] [--repeat 3]
                                            [--profile] [--no-fsync]

Prints the medians over the repeats of a submit and of a dot (ms per action, CPU and wall: the wall
time includes the commit's fsync, which the event loop waits for). ``--profile`` prints cProfile's
top functions of one more run; ``--no-fsync`` runs with synchronous=OFF to show what the fsync costs.
Numbers, not pass/fail: this machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session  # noqa: E402

from spcp import actions, db, live, plan  # noqa: E402
from spcp.domain import access, cards, events, rooms, voting  # noqa: E402
from spcp.domain.access import Actor  # noqa: E402
from spcp.domain.models import Room  # noqa: E402


def setup(folder: Path, n_rooms: int, room_size: int, max_cards: int) -> list[tuple[int, list[Actor]]]:
    """An event of ``n_rooms`` rooms of ``room_size`` participants, naming issues."""
    db.configure(f'sqlite:///{folder / "bench.sqlite3"}')
    the_plan = plan.load_plan()
    the_plan.setdefault('room', {})['max_cards_per_participant'] = max_cards
    made = []
    with Session(db.engine(), expire_on_commit=False) as s:
        event = events.create_event(s, 'Bench', n_rooms, the_plan)
        for room in events.rooms_of(s, event.id):
            fac = access.facilitator(s, room.join_code, room.facilitator_key)
            rooms.set_phase(s, fac, room.id, 'issues')
            made.append((room.id, [rooms.join(s, room.join_code, f'd-{room.id}-{i}')[0] for i in range(room_size)]))
    return made


def timed(calls: list[tuple]) -> tuple[float, float]:
    """(CPU ms, wall ms) per call of ``perform(actor, action, **kwargs)``; every call must be done."""
    cpu, wall = time.process_time(), time.perf_counter()
    for actor, action, kwargs in calls:
        outcome = actions.perform(actor, action, address='127.0.0.1', **kwargs)
        assert outcome.done, outcome
    n = len(calls)
    return (time.process_time() - cpu) * 1000 / n, (time.perf_counter() - wall) * 1000 / n


def run(args: argparse.Namespace, profile: cProfile.Profile | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        made = setup(Path(folder), args.rooms, args.room_size, args.actions)
        people = [(room_id, actor) for room_id, actors in made for actor in actors]
        if args.no_fsync:
            db.engine().dispose()
            from sqlalchemy import event as sa_event
            sa_event.listen(db.engine(), 'connect', lambda c, _: c.execute('PRAGMA synchronous=OFF'))
        submits = [(actor, cards.submit, {'room_id': room_id, 'text': f'Issue {i} of the bench, in a few words',
                                          'key': uuid.uuid4().hex})
                   for i, (room_id, actor) in enumerate(people[i % len(people)] for i in range(args.actions))]
        if profile:
            profile.enable()
        submit_cpu, submit_wall = timed(submits)
        with Session(db.engine(), expire_on_commit=False) as s:
            for room_id, _ in made:
                _to_vote(s, room_id)
        mine = {actor.participant_id: [] for _, actor in people}
        for (actor, _, _kwargs), outcome_id in zip(submits, _card_ids(submits), strict=True):
            mine[actor.participant_id].append(outcome_id)
        dots = [(actor, voting.add_dot if n % 2 == 0 else voting.remove_dot,
                 {'room_id': room_id, 'card_id': mine[actor.participant_id][0], 'key': uuid.uuid4().hex})
                for n in range(2) for room_id, actor in people]
        dot_cpu, dot_wall = timed(dots)
        if profile:
            profile.disable()
        db.engine().dispose()
    return {'submit_cpu_ms': submit_cpu, 'submit_wall_ms': submit_wall, 'dot_cpu_ms': dot_cpu,
            'dot_wall_ms': dot_wall}


def _to_vote(session: Session, room_id: int) -> None:
    room = session.get(Room, room_id)
    actor = access.facilitator(session, room.join_code, room.facilitator_key)
    rooms.set_phase(session, actor, room_id, 'vote')


def _card_ids(submits: list[tuple]) -> list[int]:
    from sqlmodel import select

    from spcp.domain.models import Receipt
    with Session(db.engine()) as s:
        found = dict(s.exec(select(Receipt.key, Receipt.result_id)).all())
    return [found[kwargs['key']] for _, _, kwargs in submits]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--rooms', type=int, default=10)
    parser.add_argument('--room-size', type=int, default=10)
    parser.add_argument('--actions', type=int, default=2000)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--profile', action='store_true')
    parser.add_argument('--no-fsync', action='store_true')
    args = parser.parse_args()
    # the per-participant limits counted as the server counts them, high enough never to refuse a bench
    actions.configure(SimpleNamespace(rates={'actions_per_participant': '100000 per 10 seconds;100000 per minute'},
                                      joins_per_address=0))
    results = [run(args) for _ in range(args.repeat)]
    for key in results[0]:
        values = [r[key] for r in results]
        print(f'{key:14s} median {statistics.median(values):6.3f}  min {min(values):6.3f}  max {max(values):6.3f}')
    if args.profile:
        profile = cProfile.Profile()
        run(args, profile)
        pstats.Stats(profile).sort_stats('cumulative').print_stats(45)
    live.reset()


if __name__ == '__main__':
    main()
