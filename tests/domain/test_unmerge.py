"""cards.unmerge: a merged card comes back, with exactly the votes that moved with it (each vote
remembers the card it was put on), and the paper dots that moved with it."""
from __future__ import annotations

import pytest
from sqlmodel import select

from spcp.domain import cards, rooms, themes, views, voting
from spcp.domain.changes import CardChanged, PaperChanged, ThemeChanged, VotesChanged
from spcp.domain.errors import DomainError, NotAllowed, NotFound
from spcp.domain.models import Card, Vote

from .conftest import said


@pytest.fixture
def voting_room(session, room, fac, goto):
    """A room in the vote phase: 3 dots each, at most 2 of them on one card."""
    room.max_dots_per_card = 2
    session.commit()
    goto(fac, room, 'issues')
    return room


def _written(write, goto, fac, room, actor, *texts) -> list[int]:
    ids = [write(actor, room, t) for t in texts]
    goto(fac, room, 'vote')
    return ids


def _state(session, fac, room) -> dict[int, tuple[int, int, int | None]]:
    """Card id -> (votes, merged count, theme) as the board sees the room."""
    return {c.id: (c.votes, c.merged_count, c.theme_id) for c in views.snapshot(session, fac, room.id).cards}


def _mine(session, actor, room) -> tuple[dict[int, int], int]:
    me = views.snapshot(session, actor, room.id).me
    return me.dots, me.dots_left


def test_unmerge_brings_the_card_back_with_its_votes(session, voting_room, fac, p1, p2, write, goto, key):
    room = voting_room
    a, b = _written(write, goto, fac, room, p1, 'Lights out', 'Dark streets')
    voting.add_dot(session, p1, room.id, a, key())
    voting.add_dot(session, p2, room.id, a, key())
    voting.add_dot(session, p2, room.id, b, key())
    before = _state(session, fac, room), _mine(session, p1, room), _mine(session, p2, room)
    cards.merge(session, fac, room.id, b, [a])
    assert _state(session, fac, room) == {b: (3, 1, None)}
    changes = cards.unmerge(session, fac, room.id, a)
    assert (_state(session, fac, room), _mine(session, p1, room), _mine(session, p2, room)) == before
    board = views.snapshot(session, fac, room.id)
    assert changes == [
        CardChanged(room.id, board.card(a)), CardChanged(room.id, board.card(b)),
        VotesChanged(room.id, b, 1, p1.participant_id, 0, 2), VotesChanged(room.id, a, 2, p1.participant_id, 1, 2),
        VotesChanged(room.id, b, 1, p2.participant_id, 1, 1), VotesChanged(room.id, a, 2, p2.participant_id, 1, 1)]
    assert [c.id for c in views.snapshot(session, p2, room.id).cards] == [a, b]


def test_dots_trimmed_at_merge_are_not_given_back(session, voting_room, fac, p1, write, goto, key):
    room = voting_room
    room.max_dots_per_card = 1
    session.commit()
    a, b = _written(write, goto, fac, room, p1, 'a', 'b')
    voting.add_dot(session, p1, room.id, a, key())
    voting.add_dot(session, p1, room.id, b, key())  # the later dot, but on the kept card: the merge keeps it
    cards.merge(session, fac, room.id, b, [a])
    assert _mine(session, p1, room) == ({b: 1}, 2)  # over the per-card limit: one dot given back
    changes = cards.unmerge(session, fac, room.id, a)
    assert _state(session, fac, room) == {a: (0, 0, None), b: (1, 0, None)}
    assert _mine(session, p1, room) == ({b: 1}, 2)
    assert changes == [CardChanged(room.id, views.card_view(session, session.get(Card, a))),
                       CardChanged(room.id, views.card_view(session, session.get(Card, b)))]


def test_votes_put_on_the_kept_card_after_the_merge_stay_there(session, voting_room, fac, p1, p2, write, goto, key):
    room = voting_room
    a, b = _written(write, goto, fac, room, p1, 'a', 'b')
    voting.add_dot(session, p1, room.id, a, key())
    cards.merge(session, fac, room.id, b, [a])
    voting.add_dot(session, p1, room.id, b, key())  # on the merged card: p1 now has 2 there
    voting.add_dot(session, p2, room.id, b, key())
    cards.unmerge(session, fac, room.id, a)
    assert _state(session, fac, room) == {a: (1, 0, None), b: (2, 0, None)}
    assert _mine(session, p1, room) == ({a: 1, b: 1}, 1)


def test_unmerge_through_nested_merges(session, voting_room, fac, p1, p2, write, goto, key):
    room = voting_room
    a, b, c = _written(write, goto, fac, room, p1, 'a', 'b', 'c')
    for actor, card in ((p1, a), (p2, b), (p2, c)):
        voting.add_dot(session, actor, room.id, card, key())
    cards.merge(session, fac, room.id, b, [a])
    cards.merge(session, fac, room.id, c, [b])
    assert _state(session, fac, room) == {c: (3, 1, None)}
    cards.unmerge(session, fac, room.id, b)  # b comes back holding a, with both their votes
    assert _state(session, fac, room) == {b: (2, 1, None), c: (1, 0, None)}
    cards.unmerge(session, fac, room.id, a)
    assert _state(session, fac, room) == {a: (1, 0, None), b: (1, 0, None), c: (1, 0, None)}


def test_unmerge_a_card_whose_holder_was_merged_away_too(session, voting_room, fac, p1, p2, write, goto, key):
    room = voting_room
    a, b, c = _written(write, goto, fac, room, p1, 'a', 'b', 'c')
    for actor, card in ((p1, a), (p2, b), (p2, c)):
        voting.add_dot(session, actor, room.id, card, key())
    cards.merge(session, fac, room.id, b, [a])
    cards.merge(session, fac, room.id, c, [b])
    changes = cards.unmerge(session, fac, room.id, a)  # from c, where its vote is now
    assert _state(session, fac, room) == {a: (1, 0, None), c: (2, 1, None)}
    assert [type(x) for x in changes] == [CardChanged, CardChanged, VotesChanged, VotesChanged]
    assert [(x.card_id, x.total) for x in changes[2:]] == [(c, 2), (a, 1)]


def test_the_card_comes_back_into_the_theme_of_the_card_that_held_it(session, voting_room, fac, p1, write, goto):
    room = voting_room
    a, b = _written(write, goto, fac, room, p1, 'a', 'b')
    theme_id, _ = themes.group(session, fac, room.id, [a, b], 'Lighting')
    cards.merge(session, fac, room.id, b, [a])
    assert _state(session, fac, room) == {b: (0, 1, theme_id)}
    changes = cards.unmerge(session, fac, room.id, a)
    assert _state(session, fac, room) == {a: (0, 0, theme_id), b: (0, 0, theme_id)}
    assert changes[2] == ThemeChanged(room.id, views.ThemeView(theme_id, 'Lighting', None, (a, b)))


def test_a_card_that_comes_back_shown_from_a_hidden_one_trims_re_spent_dots(session, voting_room, fac, p1,
                                                                             write, goto, key):
    room = voting_room
    a, b, x, y = _written(write, goto, fac, room, p1, 'a', 'b', 'x', 'y')
    voting.add_dot(session, p1, room.id, a, key())
    cards.set_hidden(session, fac, room.id, b, True)
    cards.merge(session, fac, room.id, b, [a])  # a's dot is on a hidden card now: given back
    for card in (x, x, y):
        voting.add_dot(session, p1, room.id, card, key())
    changes = cards.unmerge(session, fac, room.id, a)  # a comes back shown: its dot counts again, one too many
    assert _mine(session, p1, room) == ({x: 2, y: 1}, 0)
    assert _state(session, fac, room)[a] == (0, 0, None)
    assert changes[-1] == VotesChanged(room.id, a, 0, p1.participant_id, 0, 0)


def test_votes_from_before_votes_remembered_their_card_stay(session, voting_room, fac, p1, write, goto, key):
    room = voting_room
    a, b = _written(write, goto, fac, room, p1, 'a', 'b')
    voting.add_dot(session, p1, room.id, a, key())
    cards.merge(session, fac, room.id, b, [a])
    for vote in session.exec(select(Vote)).all():  # as an earlier version stored them
        vote.origin_card_id = None
    session.commit()
    cards.unmerge(session, fac, room.id, a)
    assert _state(session, fac, room) == {a: (0, 0, None), b: (1, 0, None)}


def test_paper_dots_go_back_with_the_card(session, voting_room, fac):
    room = voting_room
    rooms.set_paper_participants(session, fac, room.id, 2)  # 6 paper dots, 4 a card
    a, b, c = (cards.submit_paper(session, fac, room.id, t)[0].id for t in 'abc')
    for card, n in ((a, 3), (b, 2), (c, 1)):
        voting.set_paper_dots(session, fac, room.id, card, n)
    cards.merge(session, fac, room.id, b, [a])  # 2 + 3 = 5, at most 4: one over the bound is dropped
    assert _state(session, fac, room) == {b: (4, 1, None), c: (1, 0, None)}
    changes = cards.unmerge(session, fac, room.id, a)
    assert _state(session, fac, room) == {a: (2, 0, None), b: (2, 0, None), c: (1, 0, None)}
    assert changes[-1] == PaperChanged(room.id, 2, 3, 1)
    cards.merge(session, fac, room.id, b, [a])
    voting.set_paper_dots(session, fac, room.id, b, 1)  # lowered since: a takes back at most what b has
    cards.unmerge(session, fac, room.id, a)
    assert _state(session, fac, room) == {a: (1, 0, None), b: (0, 0, None), c: (1, 0, None)}


def test_unmerge_refuses_a_card_not_merged_or_not_here(session, voting_room, fac, fac_b, p1, write, goto):
    room = voting_room
    a, b = _written(write, goto, fac, room, p1, 'a', 'b')
    assert said(pytest.raises(DomainError, cards.unmerge, session, fac, room.id, a).value) == \
        'This card was not merged into another one.'
    cards.merge(session, fac, room.id, b, [a])
    with pytest.raises(NotAllowed):
        cards.unmerge(session, p1, room.id, a)
    with pytest.raises(NotAllowed):
        cards.unmerge(session, fac_b, room.id, a)
    for wrong in (999, 'a', None):
        with pytest.raises(NotFound):
            cards.unmerge(session, fac, room.id, wrong)
    cards.unmerge(session, fac, room.id, a)
    assert said(pytest.raises(DomainError, cards.unmerge, session, fac, room.id, a).value) == \
        'This card was not merged into another one.'


def test_a_merged_cards_wording_stays_with_the_kept_card_until_unmerged(session, voting_room, fac, p1, write, goto):
    room = voting_room
    a, b, c = _written(write, goto, fac, room, p1, 'Lights out', 'Dark streets', 'No lamps at night')
    changes = cards.merge(session, fac, room.id, a, [c, b])
    kept = views.snapshot(session, fac, room.id).card(a)
    assert kept.merged == ((b, 'Dark streets'), (c, 'No lamps at night')) and kept.merged_count == 2
    assert changes[2] == CardChanged(room.id, kept)  # the change carries the wordings, as the snapshot does
    assert views.snapshot(session, p1, room.id).card(a).merged == kept.merged  # the room sees them too
    cards.unmerge(session, fac, room.id, b)
    assert views.snapshot(session, fac, room.id).card(a).merged == ((c, 'No lamps at night'),)
