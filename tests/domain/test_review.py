"""Review before shown (off by default): a participant's new card waits until the facilitator approves
it; only the facilitator and its author see it meanwhile, and it counts nowhere."""
from __future__ import annotations

import pytest

from spcp.domain import cards, rooms, themes, views, voting
from spcp.domain.changes import CardChanged, CardRemoved, ReviewChanged
from spcp.domain.errors import DomainError, NotAllowed, NotFound

from .conftest import said


@pytest.fixture
def reviewed(session, room, fac, goto):
    """A room naming issues with review before shown turned on."""
    goto(fac, room, 'issues')
    assert rooms.set_review(session, fac, room.id, True) == [ReviewChanged(room.id, True, 0)]
    return room


def _ids(session, actor, room) -> list[tuple[int, bool]]:
    return [(c.id, c.pending) for c in views.snapshot(session, actor, room.id).cards]


def test_review_is_off_by_default_and_only_the_facilitator_turns_it_on(session, room, fac, p1, write, goto):
    goto(fac, room, 'issues')
    view = views.snapshot(session, fac, room.id)
    assert (view.review, view.pending_count) == (False, 0)
    card = write(p1, room, 'Shown at once')
    assert _ids(session, fac, room) == [(card, False)]
    with pytest.raises(NotAllowed):
        rooms.set_review(session, p1, room.id, True)
    assert rooms.set_review(session, fac, room.id, True) == [ReviewChanged(room.id, True, 0)]
    assert rooms.set_review(session, fac, room.id, True) == []
    assert views.snapshot(session, p1, room.id).review is True


def test_a_new_card_waits_seen_only_by_the_facilitator_and_its_author(session, reviewed, fac, p1, p2, key):
    room = reviewed
    view, changes = cards.submit(session, p1, room.id, 'Wait for me', key())
    assert (view.pending, view.author_id) == (True, p1.participant_id)
    assert changes == [CardChanged(room.id, view), ReviewChanged(room.id, True, 1)]
    assert _ids(session, p2, room) == []
    mine = views.snapshot(session, p1, room.id)
    assert [(c.id, c.pending) for c in mine.cards] == [(view.id, True)]
    assert (mine.waiting, mine.pending_count, mine.counted_cards) == ((mine.cards[0],), 0, 0)
    board = views.snapshot(session, fac, room.id)
    assert [(c.id, c.text, c.pending) for c in board.waiting] == [(view.id, 'Wait for me', True)]
    assert (board.pending_count, board.counted_cards) == (1, 0)


def test_approving_shows_the_cards_to_everyone(session, reviewed, fac, p1, p2, write):
    room = reviewed
    first, second, third = (write(p1, room, t) for t in ('one', 'two', 'three'))
    changes = cards.approve(session, fac, room.id, [first, second, first])
    board = views.snapshot(session, fac, room.id)
    assert changes == [CardChanged(room.id, board.card(first)), CardChanged(room.id, board.card(second)),
                       ReviewChanged(room.id, True, 1)]
    assert [c.card.pending for c in changes[:2]] == [False, False]
    assert _ids(session, p2, room) == [(first, False), (second, False)]
    assert (board.pending_count, board.counted_cards) == (1, 2)
    assert cards.approve(session, fac, room.id, [first]) == []  # already shown (another board was quicker)
    assert said(pytest.raises(DomainError, cards.approve, session, fac, room.id, []).value) == \
        'Select the cards to approve first.'
    with pytest.raises(NotAllowed):
        cards.approve(session, p1, room.id, [third])
    with pytest.raises(NotFound):
        cards.approve(session, fac, room.id, [third + 99])


def test_rejecting_is_hiding(session, reviewed, fac, p1, p2, write):
    room = reviewed
    card = write(p1, room, 'Off topic')
    changes = cards.set_hidden(session, fac, room.id, card, True)
    board = views.snapshot(session, fac, room.id)
    assert changes == [CardChanged(room.id, board.card(card)), ReviewChanged(room.id, True, 0)]
    assert (board.card(card).hidden, board.card(card).pending, board.pending_count) == (True, False, 0)
    assert _ids(session, p1, room) == [] and _ids(session, p2, room) == []  # as any hidden card
    assert cards.approve(session, fac, room.id, [card]) == []
    assert cards.set_hidden(session, fac, room.id, card, False) == [
        CardChanged(room.id, views.snapshot(session, fac, room.id).card(card))]  # undo: shown, not queued again
    assert _ids(session, p2, room) == [(card, False)]


def test_a_waiting_card_counts_nowhere_and_cannot_be_voted_merged_or_grouped(session, reviewed, fac, p1, p2,
                                                                              write, goto, key):
    room = reviewed
    shown = write(p2, room, 'shown')
    cards.approve(session, fac, room.id, [shown])
    waiting = write(p1, room, 'waiting')
    goto(fac, room, 'vote')
    for voter in (p1, p2):  # not even its author: it is not on the room's board
        assert said(pytest.raises(DomainError, voting.add_dot, session, voter, room.id, waiting, key()).value) == \
            'That card is no longer there.'
    for refused in (lambda: cards.merge(session, fac, room.id, shown, [waiting]),
                    lambda: cards.merge(session, fac, room.id, waiting, [shown]),
                    lambda: themes.group(session, fac, room.id, [waiting], 'T'),
                    lambda: voting.set_paper_dots(session, fac, room.id, waiting, 0)):
        assert said(pytest.raises(DomainError, refused).value) == 'This card is waiting for review. Approve it first.'
    assert views.snapshot(session, fac, room.id).counted_cards == 1
    assert cards.edit(session, fac, room.id, waiting, 'reworded')[0].card.pending is True  # the facilitator may edit


def test_the_author_may_change_or_withdraw_a_waiting_card(session, reviewed, fac, p1, p2, write, key):
    room = reviewed
    card = write(p1, room, 'first words')
    view, changes = cards.edit_own(session, p1, room.id, card, 'better words', key())
    assert (view.text, view.pending, changes) == ('better words', True, [CardChanged(room.id, view)])
    with pytest.raises(NotFound):  # p2 does not see it
        cards.edit_own(session, p2, room.id, card, 'mine now', key())
    assert cards.withdraw_own(session, p1, room.id, card, key()) == [CardRemoved(room.id, card),
                                                                      ReviewChanged(room.id, True, 0)]
    assert views.snapshot(session, fac, room.id).cards == ()


def test_turning_review_off_shows_the_waiting_cards(session, reviewed, fac, p1, p2, write):
    room = reviewed
    a, b = write(p1, room, 'a'), write(p2, room, 'b')
    cards.set_hidden(session, fac, room.id, b, True)  # rejected: stays hidden
    c = write(p2, room, 'c')
    changes = rooms.set_review(session, fac, room.id, False)
    board = views.snapshot(session, fac, room.id)
    assert changes == [CardChanged(room.id, board.card(a)), CardChanged(room.id, board.card(c)),
                       ReviewChanged(room.id, False, 0)]
    assert _ids(session, p1, room) == [(a, False), (c, False)]
    assert (board.review, board.pending_count, board.counted_cards) == (False, 0, 2)
    assert cards.submit(session, p1, room.id, 'no waiting now', 'k-after-off')[0].pending is False
