"""spcp.domain.voting: dots, their limits, retries, hidden cards and hidden totals."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from spcp.domain import cards, rooms, views, voting
from spcp.domain.changes import VotesChanged
from spcp.domain.errors import DomainError, NotFound
from spcp.domain.models import Receipt, Vote
from spcp.domain.phases import PHASES

from .conftest import said


@pytest.fixture
def deck(session, room, fac, p1, p2, goto, write):
    """Five cards written in the issues phase; the room is now voting."""
    goto(fac, room, 'issues')
    ids = [write(p1 if i % 2 else p2, room, f'issue {i}') for i in range(5)]
    goto(fac, room, 'vote')
    return ids


def _votes(session, **where) -> int:
    query = select(func.count()).select_from(Vote)
    for column, value in where.items():
        query = query.where(getattr(Vote, column) == value)
    return session.exec(query).one()


def test_add_dot(session, room, p1, deck, key, new_session):
    changes = voting.add_dot(session, p1, room.id, deck[0], key())
    assert changes == [VotesChanged(room.id, deck[0], total=1, participant_id=p1.participant_id,
                                    dots_on_card=1, dots_left=2)]
    assert _votes(new_session(), card_id=deck[0], participant_id=p1.participant_id) == 1


def test_vote_on_own_card_is_allowed(session, room, p1, deck, key):
    (change,) = voting.add_dot(session, p1, room.id, deck[1], key())  # deck[1] was written by p1
    assert change.total == 1


@pytest.mark.parametrize('phase', [p for p in PHASES if p != 'vote'])
def test_voting_only_in_vote_phase(session, room, fac, p1, deck, goto, key, phase):
    voting.add_dot(session, p1, room.id, deck[0], key())
    goto(fac, room, phase)
    with pytest.raises(DomainError, match='closed'):
        voting.add_dot(session, p1, room.id, deck[1], key())
    with pytest.raises(DomainError, match='closed'):
        voting.remove_dot(session, p1, room.id, deck[0], key())
    assert _votes(session) == 1


def test_dots_per_participant_limit(session, room, p1, p2, deck, key):
    for card in deck[:3]:
        voting.add_dot(session, p1, room.id, card, key())
    with pytest.raises(DomainError) as info:
        voting.add_dot(session, p1, room.id, deck[3], key())
    assert '3' in said(info.value)
    assert _votes(session, participant_id=p1.participant_id) == 3
    # another participant has their own dots
    for card in deck[2:5]:
        voting.add_dot(session, p2, room.id, card, key())
    assert _votes(session) == 6


def test_room_dots_setting_is_used(session, room, p1, deck, key):
    room.dots_per_participant = 5
    session.commit()
    for card in deck:
        (change,) = voting.add_dot(session, p1, room.id, card, key())
    assert change.dots_left == 0
    assert views.snapshot(session, p1, room.id).me.dots_left == 0


def test_one_dot_per_card_by_default(session, room, p1, deck, key):
    voting.add_dot(session, p1, room.id, deck[0], key())
    with pytest.raises(DomainError) as info:
        voting.add_dot(session, p1, room.id, deck[0], key())
    assert said(info.value) == 'One card takes at most 1 of your dots.'
    assert _votes(session, card_id=deck[0]) == 1


def test_room_with_two_dots_per_card(session, room, p1, deck, key):
    room.max_dots_per_card = 2
    session.commit()
    voting.add_dot(session, p1, room.id, deck[0], key())
    (change,) = voting.add_dot(session, p1, room.id, deck[0], key())
    assert (change.total, change.dots_on_card, change.dots_left) == (2, 2, 1)
    with pytest.raises(DomainError) as info:
        voting.add_dot(session, p1, room.id, deck[0], key())
    assert said(info.value) == 'One card takes at most 2 of your dots.'
    assert views.snapshot(session, p1, room.id).me.dots == {deck[0]: 2}


def test_remove_dot_gives_it_back(session, room, p1, deck, key, new_session):
    for card in deck[:3]:
        voting.add_dot(session, p1, room.id, card, key())
    (change,) = voting.remove_dot(session, p1, room.id, deck[1], key())
    assert (change.card_id, change.total, change.dots_on_card, change.dots_left) == (deck[1], 0, 0, 1)
    voting.add_dot(session, p1, room.id, deck[4], key())  # the dot can be spent elsewhere
    me = views.snapshot(new_session(), p1, room.id).me
    assert me.dots == {deck[0]: 1, deck[2]: 1, deck[4]: 1} and me.dots_left == 0


def test_remove_dot_only_own_dots(session, room, p1, p2, deck, key):
    voting.add_dot(session, p2, room.id, deck[0], key())
    with pytest.raises(DomainError, match='no dot'):
        voting.remove_dot(session, p1, room.id, deck[0], key())
    assert _votes(session, card_id=deck[0]) == 1


def test_add_dot_on_unknown_card(session, room, p1, deck, key):
    with pytest.raises(NotFound):
        voting.add_dot(session, p1, room.id, 99_999, key())
    assert _votes(session) == 0


def test_add_retry_counts_once(session, room, p1, deck, new_session):
    room.max_dots_per_card = 2  # so a second, non-idempotent dot would be accepted
    session.commit()
    first = voting.add_dot(session, p1, room.id, deck[0], 'add-1')
    again = voting.add_dot(new_session(), p1, room.id, deck[0], 'add-1')
    assert again == first
    assert _votes(session, card_id=deck[0]) == 1
    assert session.exec(select(func.count()).select_from(Receipt)).one() == 1 + 5  # 5 card receipts


def test_add_retry_with_one_dot_per_card_is_not_an_error(session, room, p1, deck):
    voting.add_dot(session, p1, room.id, deck[0], 'add-1')
    (change,) = voting.add_dot(session, p1, room.id, deck[0], 'add-1')
    assert (change.total, change.dots_on_card, change.dots_left) == (1, 1, 2)


def test_remove_retry_counts_once(session, room, p1, deck, key):
    room.max_dots_per_card = 2
    session.commit()
    voting.add_dot(session, p1, room.id, deck[0], key())
    voting.add_dot(session, p1, room.id, deck[0], key())
    voting.remove_dot(session, p1, room.id, deck[0], 'remove-1')
    (change,) = voting.remove_dot(session, p1, room.id, deck[0], 'remove-1')
    assert (change.total, change.dots_on_card, change.dots_left) == (1, 1, 2)
    assert _votes(session, card_id=deck[0]) == 1


def test_dot_key_of_another_participant_refused(session, room, p1, p2, deck):
    from spcp.domain.errors import NotAllowed
    voting.add_dot(session, p1, room.id, deck[0], 'dot-1')
    with pytest.raises(NotAllowed):
        voting.add_dot(session, p2, room.id, deck[0], 'dot-1')
    assert _votes(session, participant_id=p2.participant_id) == 0


def test_dots_on_a_hidden_card_are_given_back(session, room, fac, p1, deck, key, new_session):
    for card in deck[:3]:
        voting.add_dot(session, p1, room.id, card, key())
    assert views.snapshot(session, p1, room.id).me.dots_left == 0
    cards.set_hidden(session, fac, room.id, deck[0], True)
    me = views.snapshot(new_session(), p1, room.id).me
    assert me.dots_left == 1
    assert me.dots == {deck[1]: 1, deck[2]: 1}
    (change,) = voting.add_dot(session, p1, room.id, deck[3], key())
    assert change.dots_left == 0


def test_cannot_vote_on_a_hidden_card(session, room, fac, p1, deck, key):
    cards.set_hidden(session, fac, room.id, deck[0], True)
    with pytest.raises(DomainError):
        voting.add_dot(session, p1, room.id, deck[0], key())
    assert _votes(session) == 0


def test_unhiding_a_card_never_overdraws_dots(session, room, fac, p1, deck, key):
    for card in deck[:3]:
        voting.add_dot(session, p1, room.id, card, key())
    cards.set_hidden(session, fac, room.id, deck[0], True)
    voting.add_dot(session, p1, room.id, deck[3], key())   # the refunded dot, spent again
    cards.set_hidden(session, fac, room.id, deck[0], False)
    me = views.snapshot(session, p1, room.id).me
    assert me.dots_left >= 0
    assert sum(me.dots.values()) <= room.dots_per_participant


def test_totals_hidden_from_participants_until_reveal(session, room, fac, p1, p2, deck, key, new_session):
    voting.add_dot(session, p1, room.id, deck[0], key())
    voting.add_dot(session, p2, room.id, deck[0], key())
    voting.add_dot(session, p2, room.id, deck[1], key())

    before = views.snapshot(new_session(), p1, room.id)
    assert not before.revealed
    assert all(c.votes == 0 for c in before.cards)
    assert before.me.dots == {deck[0]: 1}  # but they do see their own dots

    staff = views.snapshot(new_session(), fac, room.id)
    assert {c.id: c.votes for c in staff.cards} == {deck[0]: 2, deck[1]: 1, deck[2]: 0, deck[3]: 0, deck[4]: 0}

    rooms.reveal_votes(session, fac, room.id)
    after = views.snapshot(new_session(), p1, room.id)
    assert after.revealed
    assert {c.id: c.votes for c in after.cards} == {c.id: c.votes for c in staff.cards}

    rooms.reveal_votes(session, fac, room.id, revealed=False)
    assert all(c.votes == 0 for c in views.snapshot(new_session(), p2, room.id).cards)


def test_retry_of_a_recorded_dot_after_voting_closed(session, room, fac, p1, deck, goto):
    first = voting.add_dot(session, p1, room.id, deck[0], 'add-1')
    goto(fac, room, 'themes')
    assert voting.add_dot(session, p1, room.id, deck[0], 'add-1') == first
