"""Benchmark the domain's hot paths on a real SQLite file (WAL, synchronous=FULL).

    .venv/bin/python bench/bench_domain.py [--participants 30] [--cards 60] [--repeat 5]

Prints medians over the repeats: a committed submit, a committed dot, and a full room snapshot
(what a phone reload costs). Numbers, not pass/fail: this machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlmodel import Session

from spcp import db, plan
from spcp.domain import access, cards, events, rooms, views, voting


def run(participants: int, n_cards: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f'sqlite:///{Path(folder) / "bench.sqlite3"}')
        with Session(engine, expire_on_commit=False) as s:
            event = events.create_event(s, 'Bench', 1, plan.load_plan())
            room = events.rooms_of(s, event.id)[0]
            fac = access.facilitator(s, room.join_code, room.facilitator_key)
            actors = [rooms.join(s, room.join_code, f'device-{i}')[0] for i in range(participants)]
            rooms.set_phase(s, fac, room.id, 'issues')
            t0 = time.perf_counter()
            ids = [cards.submit(s, actors[i % participants], room.id, f'Issue number {i}', uuid.uuid4().hex)[0].id
                   for i in range(n_cards)]
            submit = (time.perf_counter() - t0) / n_cards
            rooms.set_phase(s, fac, room.id, 'vote')
            t0 = time.perf_counter()
            n_votes = 0
            for i, actor in enumerate(actors):
                for d in range(3):
                    voting.add_dot(s, actor, room.id, ids[(i * 3 + d) % n_cards], uuid.uuid4().hex)
                    n_votes += 1
            vote = (time.perf_counter() - t0) / n_votes
            t0 = time.perf_counter()
            for actor in actors[:20]:
                views.snapshot(s, actor, room.id)
            snap = (time.perf_counter() - t0) / 20
        engine.dispose()
    return {'submit_ms': submit * 1000, 'vote_ms': vote * 1000, 'snapshot_ms': snap * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--participants', type=int, default=30)
    parser.add_argument('--cards', type=int, default=60)
    parser.add_argument('--repeat', type=int, default=5)
    args = parser.parse_args()
    results = [run(args.participants, args.cards) for _ in range(args.repeat)]
    for key in results[0]:
        values = [r[key] for r in results]
        print(f'{key:12s} median {statistics.median(values):7.2f}  min {min(values):7.2f}  max {max(values):7.2f}')


if __name__ == '__main__':
    main()
