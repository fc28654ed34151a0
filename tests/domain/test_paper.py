"""People on paper: the facilitator says how many there are, types their issues and solutions and
enters their dots as counts per card, within budgets that grow with their number (spcp.domain.paper)."""
from __future__ import annotations

import pytest

from spcp.domain import cards, rooms, solutions, themes, views, voting
from spcp.domain.changes import CardChanged, CardRemoved, PaperChanged, SolutionChanged, VotesChanged
from spcp.domain.errors import DomainError, NotAllowed

from .conftest import said


@pytest.fixture
def paper_room(session, room, fac, goto):
    """A room in the issues phase with two people on paper: 2 x 3 = 6 paper dots, 2 x 1 per card."""
    goto(fac, room, 'issues')
    rooms.set_paper_participants(session, fac, room.id, 2)
    return room


def _paper_card(session, fac, room, text: str, dots: int = 0) -> int:
    view, _ = cards.submit_paper(session, fac, room.id, text)
    if dots:
        voting.set_paper_dots(session, fac, room.id, view.id, dots)
    return view.id


def _refusal(fn, *args) -> str:
    with pytest.raises(DomainError) as info:
        fn(*args)
    return said(info.value)


# -- how many people on paper ------------------------------------------------------------------


def test_facilitator_says_how_many_people_are_on_paper(session, room, fac, p1):
    assert views.snapshot(session, fac, room.id).paper_participants == 0
    assert rooms.set_paper_participants(session, fac, room.id, 4) == [PaperChanged(room.id, 4, 0, 12)]
    assert rooms.set_paper_participants(session, fac, room.id, 4) == []
    view = views.snapshot(session, fac, room.id)
    assert (view.paper_participants, view.paper_cards, view.paper_dots_left) == (4, 0, 12)
    assert rooms.set_paper_participants(session, fac, room.id, 500) == [PaperChanged(room.id, 500, 0, 1500)]
    assert rooms.set_paper_participants(session, fac, room.id, 0) == [PaperChanged(room.id, 0, 0, 0)]
    with pytest.raises(NotAllowed):
        rooms.set_paper_participants(session, p1, room.id, 3)


@pytest.mark.parametrize('count', [-1, 501, True, 2.0, '3', None])
def test_paper_people_are_a_whole_number_from_0_to_500(session, room, fac, count):
    assert _refusal(rooms.set_paper_participants, session, fac, room.id, count) == \
        'The number of people on paper is between 0 and 500.'
    assert room.paper_participants == 0


def test_fewer_paper_people_than_their_dots_and_issues_need_is_refused(session, paper_room, fac):
    room = paper_room
    a, b = _paper_card(session, fac, room, 'A', 2), _paper_card(session, fac, room, 'B', 2)
    assert _refusal(rooms.set_paper_participants, session, fac, room.id, 1) == \
        'The paper issues and dots already entered need at least 2 people on paper.'  # 4 dots: 3 each
    voting.set_paper_dots(session, fac, room.id, a, 1)
    assert _refusal(rooms.set_paper_participants, session, fac, room.id, 1) == \
        'The paper issues and dots already entered need at least 2 people on paper.'  # 2 on card b: 1 each
    voting.set_paper_dots(session, fac, room.id, b, 1)
    assert rooms.set_paper_participants(session, fac, room.id, 1) == [PaperChanged(room.id, 1, 2, 1)]
    room.max_cards_per_participant = 1  # two paper issues written: two people at one issue each
    session.commit()
    assert _refusal(rooms.set_paper_participants, session, fac, room.id, 0) == \
        'The paper issues and dots already entered need at least 2 people on paper.'


# -- paper issues and solutions ----------------------------------------------------------------


def test_paper_issue_has_no_author_and_counts_in_the_aggregates(session, paper_room, fac, p1, write, goto):
    room = paper_room
    view, changes = cards.submit_paper(session, fac, room.id, '  No phone, still an issue ')
    assert (view.text, view.author_id, view.paper, view.pending, view.votes) == ('No phone, still an issue',
                                                                                  None, True, False, 0)
    assert changes == [CardChanged(room.id, view), PaperChanged(room.id, 2, 1, 6)]
    write(p1, room, 'From a phone')
    goto(fac, room, 'themes')  # typing paper in after the room moved on
    cards.submit_paper(session, fac, room.id, 'Typed in late')
    for actor in (fac, p1):
        snap = views.snapshot(session, actor, room.id)
        assert (snap.paper_cards, snap.counted_cards) == (2, 3)
        assert [(c.text, c.paper) for c in snap.cards] == [('No phone, still an issue', True),
                                                           ('From a phone', False), ('Typed in late', True)]
    cards.set_hidden(session, fac, room.id, view.id, True)
    snap = views.snapshot(session, fac, room.id)
    assert (snap.paper_cards, snap.counted_cards) == (1, 2)


def test_paper_issues_need_paper_people_and_stay_within_their_cards(session, room, fac, p1, goto):
    goto(fac, room, 'issues')
    assert _refusal(cards.submit_paper, session, fac, room.id, 'x') == 'First say how many people take part on paper.'
    with pytest.raises(NotAllowed):
        cards.submit_paper(session, p1, room.id, 'x')
    rooms.set_paper_participants(session, fac, room.id, 1)
    room.max_cards_per_participant = 2
    session.commit()
    _paper_card(session, fac, room, 'one')
    _paper_card(session, fac, room, 'two')
    assert _refusal(cards.submit_paper, session, fac, room.id, 'three') == \
        'The people on paper can add at most 2 issues here.'
    assert _refusal(cards.submit_paper, session, fac, room.id, '   ') == 'Please write some text.'


def test_paper_solution_for_a_top_theme(session, paper_room, fac, p1, goto):
    room = paper_room
    card = _paper_card(session, fac, room, 'Lights')
    theme_id, _ = themes.group(session, fac, room.id, [card], 'Lighting')
    goto(fac, room, 'solutions')
    solution_id, changes = solutions.propose_paper(session, fac, room.id, theme_id, 'Fix the lamps')
    (change,) = changes
    assert isinstance(change, SolutionChanged)
    assert (change.solution.id, change.solution.author_id, change.solution.paper) == (solution_id, None, True)
    assert solutions.endorse(session, p1, room.id, solution_id)[0].solution.endorsements == 1
    assert views.snapshot(session, p1, room.id).paper_solutions == 1
    other, _ = themes.group(session, fac, room.id, [_paper_card(session, fac, room, 'x')], 'Not on top')
    room.top_themes = 1
    session.commit()
    assert _refusal(solutions.propose_paper, session, fac, room.id, other, 'y') == \
        'Solutions are collected for the top themes only.'
    with pytest.raises(NotAllowed):
        solutions.propose_paper(session, p1, room.id, theme_id, 'z')


# -- paper dots ------------------------------------------------------------------------------------


def test_paper_dots_add_to_the_cards_total(session, paper_room, fac, p1, write, goto, key):
    room = paper_room
    card = write(p1, room, 'Phone card')
    goto(fac, room, 'vote')
    voting.add_dot(session, p1, room.id, card, key())
    changes = voting.set_paper_dots(session, fac, room.id, card, 2)
    view = views.snapshot(session, fac, room.id).card(card)
    assert (view.votes, view.paper_dots) == (3, 2)
    assert changes == [CardChanged(room.id, view), PaperChanged(room.id, 2, 0, 4)]
    assert voting.set_paper_dots(session, fac, room.id, card, 2) == []  # setting, not adding: a retry is harmless
    phone = views.snapshot(session, p1, room.id)
    assert (phone.card(card).votes, phone.card(card).paper_dots, phone.paper_dots_left) == (0, 0, 0)  # not revealed
    rooms.reveal_votes(session, fac, room.id)
    phone = views.snapshot(session, p1, room.id)
    assert (phone.card(card).votes, phone.card(card).paper_dots, phone.paper_dots_left) == (3, 2, 4)
    assert phone.me.dots_left == 2  # paper dots are nobody's phone dots
    assert voting.remove_dot(session, p1, room.id, card, key()) == [
        VotesChanged(room.id, card, 2, p1.participant_id, 0, 3)]  # the total a board shows keeps the paper dots


def test_paper_dots_are_bounded_per_card_and_per_room(session, paper_room, fac, p1):
    room = paper_room
    a, b, c, d = (_paper_card(session, fac, room, t) for t in 'abcd')
    assert _refusal(voting.set_paper_dots, session, fac, room.id, a, 3) == 'A card takes at most 2 paper dots here.'
    for card in (a, b, c):
        voting.set_paper_dots(session, fac, room.id, card, 2)
    assert _refusal(voting.set_paper_dots, session, fac, room.id, d, 1) == 'Paper dots left to place on this card: 0.'
    voting.set_paper_dots(session, fac, room.id, a, 1)
    assert voting.set_paper_dots(session, fac, room.id, d, 1)[-1] == PaperChanged(room.id, 2, 4, 0)
    for bad in (-1, True, 1.5, '1'):
        assert _refusal(voting.set_paper_dots, session, fac, room.id, a, bad) == \
            'Paper dots are a whole number, 0 or more.'
    with pytest.raises(NotAllowed):
        voting.set_paper_dots(session, p1, room.id, a, 1)
    rooms.set_paper_participants(session, fac, room.id, 3)  # more people, more dots: 9 in all, 3 a card
    voting.set_paper_dots(session, fac, room.id, a, 3)
    assert views.snapshot(session, fac, room.id).paper_dots_left == 1  # 9 - (3 + 2 + 2 + 1)


def test_paper_dots_need_paper_people(session, room, fac, p1, write, goto):
    goto(fac, room, 'issues')
    card = write(p1, room, 'Phone card')
    assert _refusal(voting.set_paper_dots, session, fac, room.id, card, 1) == \
        'First say how many people take part on paper.'
    assert voting.set_paper_dots(session, fac, room.id, card, 0) == []


def test_paper_dots_rank_themes_and_choose_the_top_ones(session, paper_room, fac, p1, p2, write, goto, key):
    room = paper_room
    phone_a, phone_b, on_paper = write(p1, room, 'a'), write(p2, room, 'b'), _paper_card(session, fac, room, 'p')
    goto(fac, room, 'vote')
    voting.add_dot(session, p1, room.id, phone_a, key())
    voting.add_dot(session, p2, room.id, phone_a, key())
    voting.add_dot(session, p1, room.id, phone_b, key())
    voting.set_paper_dots(session, fac, room.id, on_paper, 2)
    voting.set_paper_dots(session, fac, room.id, phone_b, 2)
    t_a, _ = themes.group(session, fac, room.id, [phone_a], 'A')         # 2 phone dots
    t_b, _ = themes.group(session, fac, room.id, [phone_b], 'B')         # 1 phone + 2 paper
    t_p, _ = themes.group(session, fac, room.id, [on_paper], 'Paper')    # 2 paper
    room.top_themes = 2
    session.commit()
    assert views.theme_votes(session, room.id) == {t_a: 2, t_b: 3, t_p: 2}
    assert views.snapshot(session, fac, room.id).top_themes_ids == (t_b, t_a)  # tie: the older theme first
    themes.rank(session, fac, room.id)
    assert [(t.id, t.rank) for t in views.snapshot(session, fac, room.id).themes] == [(t_a, 2), (t_b, 1), (t_p, 3)]
    cards.set_hidden(session, fac, room.id, phone_b, True)  # a hidden card's dots, paper too, count nowhere
    assert views.theme_votes(session, room.id) == {t_a: 2, t_p: 2}


# -- hiding and merging ---------------------------------------------------------------------------


def test_hiding_gives_paper_dots_back_and_showing_trims_what_was_re_spent(session, paper_room, fac):
    room = paper_room
    a, b, c, d = (_paper_card(session, fac, room, t, 2 if t != 'd' else 0) for t in 'abcd')
    changes = cards.set_hidden(session, fac, room.id, a, True)
    assert changes[1:] == [PaperChanged(room.id, 2, 3, 2)]
    voting.set_paper_dots(session, fac, room.id, d, 1)  # one of the two given back is spent again
    with pytest.raises(DomainError):
        voting.set_paper_dots(session, fac, room.id, a, 1)  # a hidden card takes no dots
    changes = cards.set_hidden(session, fac, room.id, a, False)
    shown = views.snapshot(session, fac, room.id)
    assert (shown.card(a).paper_dots, shown.paper_dots_left) == (1, 0)  # over budget by 1: trimmed on the card shown
    assert changes == [CardChanged(room.id, shown.card(a)), PaperChanged(room.id, 2, 4, 0)]
    assert [shown.card(i).paper_dots for i in (b, c, d)] == [2, 2, 1]


def test_merge_adds_paper_dots_up_to_the_per_card_bound(session, paper_room, fac):
    room = paper_room
    keep, other, third = (_paper_card(session, fac, room, t, 1) for t in ('keep', 'other', 'third'))
    changes = cards.merge(session, fac, room.id, keep, [other, third])
    view = views.snapshot(session, fac, room.id)
    assert (view.card(keep).votes, view.card(keep).paper_dots) == (2, 2)  # 3 paper dots, at most 2 on one card
    assert view.paper_dots_left == 4  # the one over the bound goes back to the room
    assert changes == [CardRemoved(room.id, other), CardRemoved(room.id, third), CardChanged(room.id, view.card(keep)),
                       PaperChanged(room.id, 2, 1, 4)]


def test_merging_a_hidden_card_counts_its_paper_dots_again_within_budget(session, paper_room, fac):
    room = paper_room
    hidden, keep = _paper_card(session, fac, room, 'hidden', 2), _paper_card(session, fac, room, 'keep')
    cards.set_hidden(session, fac, room.id, hidden, True)
    for text in ('x', 'y', 'z'):
        _paper_card(session, fac, room, text, 2)  # spends the whole budget of 6 again
    cards.merge(session, fac, room.id, keep, [hidden])
    view = views.snapshot(session, fac, room.id)
    assert (view.card(keep).paper_dots, view.paper_dots_left) == (0, 0)


def test_phone_and_paper_dots_together_on_a_merge(session, paper_room, fac, p1, write, goto, key):
    room = paper_room
    phone, on_paper = write(p1, room, 'phone'), _paper_card(session, fac, room, 'paper', 2)
    goto(fac, room, 'vote')
    voting.add_dot(session, p1, room.id, phone, key())
    changes = cards.merge(session, fac, room.id, on_paper, [phone])
    view = views.snapshot(session, fac, room.id).card(on_paper)
    assert (view.votes, view.paper_dots) == (3, 2)
    assert changes == [CardRemoved(room.id, phone), CardChanged(room.id, view),
                       VotesChanged(room.id, on_paper, 3, p1.participant_id, 1, 2), PaperChanged(room.id, 2, 1, 4)]
