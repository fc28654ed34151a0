"""One participant's actions sent at once to several server processes on one PostgreSQL: the limits still hold.

Each thread here stands for one server process: its own session (its own connection, its own transaction)
on the same database, all released together by a barrier, so the reads that check a limit ("how many dots
have I used?") overlap the other threads' writes. Under PostgreSQL's READ COMMITTED such a check is only
safe because every participant action first locks the participant's row (``access.lock_participant``): the
same participant's actions run one after another, whichever process they reach. Without that lock these
tests fail (dots over budget, cards over the limit, a retried key failing on the receipt's primary key).

PostgreSQL only: on SQLite one process serves the event, on one event loop, and the file's write lock
serialises writers anyway.
"""
from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from spcp.domain import cards, plenary, rooms, solutions, themes, voting
from spcp.domain.access import organizer
from spcp.domain.changes import VotesChanged
from spcp.domain.errors import DomainError
from spcp.domain.models import Card, Endorsement, Participant, Receipt, Room, Vote

from .conftest import said

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize('engine', ['postgres'], indirect=True)]

THREADS = 8   # one participant's requests at once (a phone's queue replayed to two processes, a double tap...)
ROUNDS = 4    # fresh participants, each raced afresh: a lost race shows up in one of them


def at_once(engine: Engine, calls: list[Callable[[Session], object]]) -> list[object]:
    """Run each call in its own thread and session, released together; each one's result, or the
    English text of its refusal, or the exception it raised (the test then shows which)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[Session], object]) -> object:
        with Session(engine, expire_on_commit=False) as session:
            session.connection()  # connected before the barrier: the calls start together
            barrier.wait(timeout=30)
            try:
                return call(session)
            except DomainError as refusal:
                return said(refusal)
            except Exception as error:  # noqa: BLE001  (reported by the assertion that follows)
                return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _count(session: Session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return session.exec(query).one()


def _set(session: Session, room: Room, **values: object) -> None:
    for name, value in values.items():
        setattr(room, name, value)
    session.add(room)
    session.commit()


@pytest.fixture
def ballot(session, room, fac, goto, join, write) -> list[int]:
    """THREADS cards, the room voting."""
    goto(fac, room, 'issues')
    author = join(room)
    ids = [write(author, room, f'issue {i}') for i in range(THREADS)]
    goto(fac, room, 'vote')
    return ids


def test_dots_sent_at_once_never_exceed_the_budget(engine, session, room, ballot, join):
    for _ in range(ROUNDS):
        voter = join(room)
        dot = partial(voting.add_dot, actor=voter, room_id=room.id)
        results = at_once(engine, [partial(dot, card_id=card, key=uuid.uuid4().hex) for card in ballot])
        assert _count(session, Vote, participant_id=voter.participant_id) == room.dots_per_participant == 3
        assert sorted(r if isinstance(r, str) else type(r).__name__ for r in results) == \
            ['You have used all your 3 dots. Take one back to move it.'] * (THREADS - 3) + ['list'] * 3


def test_dots_on_one_card_sent_at_once_never_exceed_its_limit(engine, session, room, ballot, join):
    _set(session, room, max_dots_per_card=2)
    for _ in range(ROUNDS):
        voter = join(room)
        dot = partial(voting.add_dot, actor=voter, room_id=room.id, card_id=ballot[0])
        results = at_once(engine, [partial(dot, key=uuid.uuid4().hex) for _ in range(THREADS)])
        assert _count(session, Vote, participant_id=voter.participant_id) == 2
        assert sorted(r if isinstance(r, str) else type(r).__name__ for r in results) == \
            ['One card takes at most 2 of your dots.'] * (THREADS - 2) + ['list'] * 2


def test_one_dot_retried_at_once_counts_once_and_every_try_is_answered(engine, session, room, ballot, join):
    for _ in range(ROUNDS):
        voter, key = join(room), uuid.uuid4().hex
        dot = partial(voting.add_dot, actor=voter, room_id=room.id, card_id=ballot[1], key=key)
        results = at_once(engine, [dot] * THREADS)
        assert _count(session, Vote, participant_id=voter.participant_id) == 1
        assert _count(session, Receipt, key=key) == 1
        mine = VotesChanged(room.id, ballot[1], _count(session, Vote, card_id=ballot[1]), voter.participant_id,
                            dots_on_card=1, dots_left=2)
        # the winner's total was read in its own transaction: only the participant's own numbers are compared
        assert [(r[0].participant_id, r[0].dots_on_card, r[0].dots_left) if isinstance(r, list) else r
                for r in results] == [(mine.participant_id, 1, 2)] * THREADS


def test_cards_sent_at_once_never_exceed_the_limit(engine, session, room, fac, goto, join):
    _set(session, room, max_cards_per_participant=2)
    goto(fac, room, 'issues')
    for _ in range(ROUNDS):
        author = join(room)
        submit = partial(cards.submit, actor=author, room_id=room.id)
        results = at_once(engine, [partial(submit, text=f'issue {i}', key=uuid.uuid4().hex) for i in range(THREADS)])
        assert _count(session, Card, participant_id=author.participant_id) == 2
        assert sorted(r if isinstance(r, str) else type(r).__name__ for r in results) == \
            ['You have written 2 issues, the most one person can add here.'] * (THREADS - 2) + ['tuple'] * 2


def test_one_card_retried_at_once_is_written_once(engine, session, room, fac, goto, join):
    goto(fac, room, 'issues')
    for _ in range(ROUNDS):
        author, key = join(room), uuid.uuid4().hex
        submit = partial(cards.submit, actor=author, room_id=room.id, text='one issue', key=key)
        results = at_once(engine, [submit] * THREADS)
        written = session.exec(select(Card.id).where(Card.participant_id == author.participant_id)).all()
        assert len(written) == 1
        assert [r[0].id if isinstance(r, tuple) else r for r in results] == written * THREADS


def test_one_solution_retried_at_once_is_proposed_once(engine, session, room, fac, goto, join, write):
    goto(fac, room, 'issues')
    author = join(room)
    card = write(author, room, 'street lights')
    goto(fac, room, 'themes')
    theme_id, _ = cards_theme(session, fac, room, card)
    goto(fac, room, 'solutions')
    for _ in range(ROUNDS):
        key = uuid.uuid4().hex
        results = at_once(engine, [partial(solutions.propose, actor=author, room_id=room.id, theme_id=theme_id,
                                           text='more lights', key=key)] * THREADS)
        made = {r[0] if isinstance(r, tuple) else r for r in results}
        assert len(made) == 1 and isinstance(next(iter(made)), int)
    assert _count(session, Receipt, action='propose_solution') == ROUNDS


def cards_theme(session: Session, fac, room: Room, card_id: int) -> tuple[int, list]:
    return themes.group(session, fac, room.id, [card_id], 'Lighting')


def test_one_endorsement_sent_at_once_is_kept_once(engine, session, room, fac, goto, join, write):
    goto(fac, room, 'issues')
    author, fan = join(room), join(room)
    card = write(author, room, 'street lights')
    goto(fac, room, 'themes')
    theme_id, _ = cards_theme(session, fac, room, card)
    goto(fac, room, 'solutions')
    solution_id, _ = solutions.propose(session, author, room.id, theme_id, 'more lights', uuid.uuid4().hex)
    results = at_once(engine, [lambda s: solutions.endorse(s, fan, room.id, solution_id)] * THREADS)
    assert _count(session, Endorsement, solution_id=solution_id) == 1
    assert sorted((len(r) if isinstance(r, list) else r for r in results), key=repr) == [0] * (THREADS - 1) + [1]


def _joined(session: Session, code: str, device: str) -> int:
    return rooms.join(session, code, device)[0].participant_id


def test_one_phone_joining_at_once_is_one_participant(engine, session, room):
    for round_ in range(ROUNDS):
        device = f'phone-{round_}'
        results = at_once(engine, [partial(_joined, code=room.join_code, device=device)] * THREADS)
        ids = session.exec(select(Participant.id).where(Participant.device == device)).all()
        assert len(ids) == 1
        assert results == ids * THREADS


def test_one_phone_moving_to_the_plenary_at_once_is_one_participant(engine, session, event, room):
    org = organizer(session, event.id, event.organizer_key)
    hall, _ = plenary.create(session, org, event.id)
    plenary.open_plenary(session, org, event.id)
    for round_ in range(ROUNDS):
        device = f'late-phone-{round_}'
        late, _ = rooms.join(session, room.join_code, device)  # joined after the hall moved: not seated yet
        results = at_once(engine, [partial(_moved, actor=late, device=device)] * THREADS)
        ids = session.exec(select(Participant.id).where(Participant.room_id == hall.id,
                                                        Participant.device == device)).all()
        assert len(ids) == 1
        assert results == ids * THREADS


def _moved(session: Session, actor, device: str) -> int:
    return plenary.join(session, actor, device)[0].participant_id


def test_paper_dots_entered_at_once_never_exceed_the_room_s_paper_budget(engine, session, room, fac, goto, ballot):
    """Two boards (or one board's double tap) served by two processes: the room's paper budget is shared."""
    rooms.set_paper_participants(session, fac, room.id, 1)  # 1 person on paper: 3 dots, at most 1 a card
    results = at_once(engine, [partial(voting.set_paper_dots, actor=fac, room_id=room.id, card_id=card, count=1)
                               for card in ballot])
    assert session.exec(select(func.sum(Card.paper_dots)).where(Card.room_id == room.id)).one() == 3
    assert sorted(r if isinstance(r, str) else type(r).__name__ for r in results) == \
        ['Paper dots left to place on this card: 0.'] * (THREADS - 3) + ['list'] * 3


def test_a_card_shown_again_while_its_voter_spends_the_dot_it_gave_back_trims_to_the_budget(
        engine, session, room, fac, ballot, join):
    """The facilitator shows a hidden card (its dots count again) while its voter spends the dot it gave
    back, on two processes: whichever commits first, the voter ends within the budget."""
    for round_ in range(ROUNDS):
        voter = join(room)
        hidden, *spent = ballot[4 * (round_ % 2):4 * (round_ % 2) + 3]
        for card in (hidden, *spent):
            voting.add_dot(session, voter, room.id, card, uuid.uuid4().hex)
        cards.set_hidden(session, fac, room.id, hidden, True)  # its dot is given back: one to spend
        spare = next(card for card in ballot if card not in (hidden, *spent))
        at_once(engine, [partial(cards.set_hidden, actor=fac, room_id=room.id, card_id=hidden, hidden=False),
                         partial(voting.add_dot, actor=voter, room_id=room.id, card_id=spare, key=uuid.uuid4().hex)])
        assert _count(session, Vote, participant_id=voter.participant_id) == 3
        cards.set_hidden(session, fac, room.id, hidden, True)  # the next round starts from a hidden card
        cards.set_hidden(session, fac, room.id, hidden, False)


def test_a_dot_on_a_card_being_merged_away_moves_with_it_or_is_refused(engine, session, room, fac, goto, join):
    """A dot tapped on a card while the facilitator merges that card into another, on two processes: the dot
    is refused (the card is gone) or lands before the merge and moves with it; never left on a merged card."""
    goto(fac, room, 'issues')
    author = join(room)
    pairs = [[cards.submit(session, author, room.id, f'issue {i}{side}', uuid.uuid4().hex)[0].id for side in 'ab']
             for i in range(ROUNDS)]
    goto(fac, room, 'vote')
    for keep, other in pairs:
        voter = join(room)
        results = at_once(engine, [partial(cards.merge, actor=fac, room_id=room.id, keep_id=keep, other_ids=[other]),
                                   partial(voting.add_dot, actor=voter, room_id=room.id, card_id=other,
                                           key=uuid.uuid4().hex)])
        assert session.exec(select(Vote.card_id).where(Vote.participant_id == voter.participant_id)).all() == \
            ([] if results[1] == 'That card is no longer there.' else [keep]), results
