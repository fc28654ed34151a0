"""spcp.domain.solutions: proposing solutions for the top themes, endorsing, hiding."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlmodel import func, select

from spcp.domain import solutions, themes, views, voting
from spcp.domain.changes import SolutionChanged
from spcp.domain.errors import DomainError, NotAllowed, NotFound
from spcp.domain.models import Endorsement, Solution
from spcp.domain.phases import PHASES

from .conftest import said


@pytest.fixture
def board(session, room, fac, p1, p2, goto, write):
    """Four themes of one card each (oldest first); the room is in the solutions phase."""
    goto(fac, room, 'issues')
    card_ids = [write(p1, room, f'issue {i}') for i in range(4)]
    theme_ids = [themes.group(session, fac, room.id, [c], f'Theme {i}')[0] for i, c in enumerate(card_ids)]
    goto(fac, room, 'solutions')
    return SimpleNamespace(cards=card_ids, themes=theme_ids)


def _solutions(session) -> int:
    return session.exec(select(func.count()).select_from(Solution)).one()


def test_propose(session, room, p1, board, key, new_session):
    solution_id, changes = solutions.propose(session, p1, room.id, board.themes[0],
                                             '  Quarterly listening sessions\x00 ', key())
    assert changes == [SolutionChanged(room.id, changes[0].solution)]
    view = changes[0].solution
    assert (view.id, view.theme_id, view.text, view.hidden, view.endorsements, view.author_id) == \
        (solution_id, board.themes[0], 'Quarterly listening sessions', False, 0, p1.participant_id)
    assert new_session().get(Solution, solution_id).text == 'Quarterly listening sessions'


@pytest.mark.parametrize('phase', [p for p in PHASES if p != 'solutions'])
def test_propose_only_in_solutions_phase(session, room, fac, p1, board, goto, key, phase):
    goto(fac, room, phase)
    with pytest.raises(DomainError, match='solutions phase'):
        solutions.propose(session, p1, room.id, board.themes[0], 'Too early', key())
    assert _solutions(session) == 0


def test_propose_only_for_top_themes(session, room, p1, board, key):
    assert room.top_themes == 3
    for theme_id in board.themes[:3]:  # no votes, no ranks: the three oldest
        solutions.propose(session, p1, room.id, theme_id, 'ok', key())
    with pytest.raises(DomainError, match='top themes'):
        solutions.propose(session, p1, room.id, board.themes[3], 'not a top theme', key())
    assert _solutions(session) == 3


def test_top_themes_setting_is_used(session, room, p1, board, key):
    room.top_themes = 1
    session.commit()
    solutions.propose(session, p1, room.id, board.themes[0], 'ok', key())
    with pytest.raises(DomainError):
        solutions.propose(session, p1, room.id, board.themes[1], 'no', key())


def test_top_themes_follow_votes_then_ranks(session, room, fac, p1, p2, board, goto, key, write):
    room.top_themes = 2
    session.commit()
    goto(fac, room, 'vote')
    voting.add_dot(session, p1, room.id, board.cards[3], key())
    voting.add_dot(session, p2, room.id, board.cards[3], key())
    voting.add_dot(session, p1, room.id, board.cards[2], key())
    goto(fac, room, 'solutions')
    # unranked: by dots
    assert views.snapshot(session, p1, room.id).top_themes_ids == (board.themes[3], board.themes[2])
    with pytest.raises(DomainError):
        solutions.propose(session, p1, room.id, board.themes[0], 'no dots', key())
    themes.rank(session, fac, room.id)
    # a theme made after ranking, even with more dots, comes after the ranked ones
    goto(fac, room, 'issues')
    late = write(p2, room, 'late card')
    goto(fac, room, 'vote')
    for voter in (p1, p2):
        voting.add_dot(session, voter, room.id, late, key())  # 2 dots: more than Theme 2 has
    late_theme, _ = themes.group(session, fac, room.id, [late], 'Late')
    goto(fac, room, 'solutions')
    assert views.snapshot(session, p1, room.id).top_themes_ids == (board.themes[3], board.themes[2])
    with pytest.raises(DomainError):
        solutions.propose(session, p1, room.id, late_theme, 'not ranked', key())
    solutions.propose(session, p1, room.id, board.themes[2], 'ranked second', key())


def test_propose_for_unknown_or_foreign_theme_refused(session, room, room_b, fac_b, p1, join, board, goto,
                                                      write, key):
    goto(fac_b, room_b, 'issues')
    card = write(join(room_b), room_b, 'B')
    foreign, _ = themes.group(session, fac_b, room_b.id, [card], 'B theme')
    for theme_id in (foreign, 99_999, None, str(board.themes[0])):
        with pytest.raises(DomainError):
            solutions.propose(session, p1, room.id, theme_id, 'nope', key())
    assert _solutions(session) == 0


def test_propose_text_rules(session, room, p1, board, key):
    with pytest.raises(DomainError):
        solutions.propose(session, p1, room.id, board.themes[0], '   ', key())
    with pytest.raises(DomainError) as info:
        solutions.propose(session, p1, room.id, board.themes[0], 'w' * (room.max_card_length + 1), key())
    assert str(room.max_card_length) in said(info.value)
    solution_id, _ = solutions.propose(session, p1, room.id, board.themes[0], '<img src=x onerror=alert(1)>',
                                       key())
    assert session.get(Solution, solution_id).text == '<img src=x onerror=alert(1)>'


def test_propose_is_idempotent_by_key(session, room, p1, board, new_session):
    first, changes = solutions.propose(session, p1, room.id, board.themes[0], 'Body cameras', 'sol-1')
    assert len(changes) == 1
    again, changes = solutions.propose(new_session(), p1, room.id, board.themes[0], 'Body cameras', 'sol-1')
    assert again == first and changes == []
    assert _solutions(session) == 1


def test_propose_key_of_another_participant_refused(session, room, p1, p2, board):
    solutions.propose(session, p1, room.id, board.themes[0], 'mine', 'sol-1')
    with pytest.raises(NotAllowed):
        solutions.propose(session, p2, room.id, board.themes[0], 'theirs', 'sol-1')
    assert _solutions(session) == 1


@pytest.fixture
def proposal(session, room, p1, board, key) -> int:
    solution_id, _ = solutions.propose(session, p1, room.id, board.themes[0], 'Youth ride-alongs', key())
    return solution_id


def test_endorse_and_withdraw(session, room, p1, p2, join, proposal, new_session):
    (change,) = solutions.endorse(session, p2, room.id, proposal)
    assert change.solution.endorsements == 1 and change.endorser_id == p2.participant_id
    assert solutions.endorse(session, p2, room.id, proposal) == []  # twice = once
    p3 = join(room)
    (change,) = solutions.endorse(session, p3, room.id, proposal)
    assert change.solution.endorsements == 2
    fresh = new_session()
    assert fresh.exec(select(func.count()).select_from(Endorsement)).one() == 2
    assert views.snapshot(fresh, p2, room.id).me.endorsed == frozenset({proposal})
    assert views.snapshot(fresh, p1, room.id).me.endorsed == frozenset()
    assert [s.endorsements for s in views.snapshot(fresh, p1, room.id).solutions] == [2]

    (change,) = solutions.endorse(session, p2, room.id, proposal, endorsed=False)
    assert change.solution.endorsements == 1 and change.endorser_id == p2.participant_id
    assert solutions.endorse(session, p2, room.id, proposal, endorsed=False) == []
    assert views.snapshot(new_session(), p2, room.id).me.endorsed == frozenset()


def test_withdraw_without_endorsing_is_no_change(session, room, p2, proposal):
    assert solutions.endorse(session, p2, room.id, proposal, endorsed=False) == []


def test_own_solution_cannot_be_endorsed(session, room, p1, proposal):
    with pytest.raises(DomainError, match='own solution'):
        solutions.endorse(session, p1, room.id, proposal)
    assert session.exec(select(Endorsement)).all() == []


@pytest.mark.parametrize('phase', [p for p in PHASES if p != 'solutions'])
def test_endorse_only_in_solutions_phase(session, room, fac, p2, proposal, goto, phase):
    goto(fac, room, phase)
    with pytest.raises(DomainError):
        solutions.endorse(session, p2, room.id, proposal)
    assert session.exec(select(Endorsement)).all() == []


def test_endorse_unknown_or_foreign_solution(session, room, room_b, fac_b, p2, join, goto, write, key, proposal):
    with pytest.raises(NotFound):
        solutions.endorse(session, p2, room.id, 99_999)
    goto(fac_b, room_b, 'issues')
    b_author = join(room_b)
    card = write(b_author, room_b, 'B')
    theme, _ = themes.group(session, fac_b, room_b.id, [card], 'B theme')
    goto(fac_b, room_b, 'solutions')
    foreign, _ = solutions.propose(session, b_author, room_b.id, theme, 'B solution', key())
    with pytest.raises(NotFound):
        solutions.endorse(session, p2, room.id, foreign)
    with pytest.raises(NotAllowed):
        solutions.endorse(session, p2, room_b.id, foreign)
    assert session.exec(select(Endorsement)).all() == []


def test_hidden_solution(session, room, fac, p1, p2, proposal, new_session):
    (change,) = solutions.set_hidden(session, fac, room.id, proposal, True)
    assert change.solution.hidden is True and change.solution.id == proposal
    assert solutions.set_hidden(session, fac, room.id, proposal, True) == []
    fresh = new_session()
    assert views.snapshot(fresh, p1, room.id).solutions == ()  # not even its author
    assert views.snapshot(fresh, p2, room.id).solutions == ()
    staff = views.snapshot(fresh, fac, room.id).solutions
    assert [(s.id, s.hidden) for s in staff] == [(proposal, True)]
    with pytest.raises(NotFound):
        solutions.endorse(session, p2, room.id, proposal)

    (change,) = solutions.set_hidden(session, fac, room.id, proposal, False)
    assert change.solution.hidden is False
    assert [s.id for s in views.snapshot(new_session(), p2, room.id).solutions] == [proposal]
    solutions.endorse(session, p2, room.id, proposal)


def test_hide_unknown_solution(session, room, fac, board):
    with pytest.raises(NotFound):
        solutions.set_hidden(session, fac, room.id, 99_999, True)
