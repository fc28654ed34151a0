"""spcp.domain.themes: grouping cards into themes, renaming, taking out, ungrouping, ranking."""
from __future__ import annotations

import pytest
from sqlmodel import select

from spcp.domain import cards, solutions, themes, views, voting
from spcp.domain.changes import CardChanged, ThemeChanged, ThemeRemoved
from spcp.domain.errors import DomainError, NotFound
from spcp.domain.models import Card, Theme


@pytest.fixture
def deck(session, room, fac, p1, p2, goto, write):
    """Six cards; the room is in the themes phase."""
    goto(fac, room, 'issues')
    ids = [write(p1 if i % 2 else p2, room, f'issue {i}') for i in range(6)]
    goto(fac, room, 'themes')
    return ids


def _themes(changes):
    return [c.theme for c in changes if isinstance(c, ThemeChanged)]


def test_group_creates_a_theme_with_the_cards(session, room, fac, deck, new_session):
    theme_id, changes = themes.group(session, fac, room.id, [deck[0], deck[2], deck[0]], '  Stops  ')
    card_changes = [c for c in changes if isinstance(c, CardChanged)]
    assert [c.card.id for c in card_changes] == [deck[0], deck[2]]
    assert all(c.card.theme_id == theme_id for c in card_changes)
    (theme,) = _themes(changes)
    assert (theme.id, theme.name, theme.rank, theme.card_ids) == (theme_id, 'Stops', None, (deck[0], deck[2]))
    fresh = new_session()
    assert fresh.get(Theme, theme_id).name == 'Stops'
    assert [c.theme_id for c in fresh.exec(select(Card).order_by(Card.id))] == \
        [theme_id, None, theme_id, None, None, None]


@pytest.mark.parametrize('name', ['', '  ', None, 'x' * (themes.MAX_THEME_NAME + 1)])
def test_new_theme_needs_a_proper_name(session, room, fac, deck, name):
    with pytest.raises(DomainError):
        themes.group(session, fac, room.id, [deck[0]], name)
    assert session.exec(select(Theme)).all() == []
    assert session.get(Card, deck[0]).theme_id is None


def test_group_needs_cards(session, room, fac, deck):
    with pytest.raises(DomainError, match='Select the cards'):
        themes.group(session, fac, room.id, [], 'Empty')
    assert session.exec(select(Theme)).all() == []


def test_group_with_unknown_card_changes_nothing(session, room, fac, deck):
    with pytest.raises(NotFound):
        themes.group(session, fac, room.id, [deck[0], 99_999], 'Half')
    assert session.exec(select(Theme)).all() == []
    assert session.get(Card, deck[0]).theme_id is None


def test_group_into_existing_theme_moves_card_out_of_old_theme(session, room, fac, deck):
    old, _ = themes.group(session, fac, room.id, [deck[0], deck[1]], 'Old')
    new, _ = themes.group(session, fac, room.id, [deck[2]], 'New')
    theme_id, changes = themes.group(session, fac, room.id, [deck[1]], theme_id=new)
    assert theme_id == new
    by_id = {t.id: t for t in _themes(changes)}
    assert set(by_id) == {old, new}
    assert by_id[old].card_ids == (deck[0],)
    assert by_id[new].card_ids == (deck[1], deck[2])
    assert _themes(changes)[-1].id == new  # the target theme comes last
    assert session.get(Theme, new).name == 'New'  # name ignored when adding to a theme
    snap = {t.id: t.card_ids for t in views.snapshot(session, fac, room.id).themes}
    assert snap == {old: (deck[0],), new: (deck[1], deck[2])}


def test_regroup_into_same_theme_emits_it_once(session, room, fac, deck):
    theme_id, _ = themes.group(session, fac, room.id, [deck[0]], 'T')
    _, changes = themes.group(session, fac, room.id, [deck[0], deck[1]], theme_id=theme_id)
    assert [t.id for t in _themes(changes)] == [theme_id]


def test_group_into_theme_of_another_room_refused(session, room, room_b, fac, fac_b, join, goto, write, deck):
    goto(fac_b, room_b, 'issues')
    other_card = write(join(room_b), room_b, 'B card')
    other_theme, _ = themes.group(session, fac_b, room_b.id, [other_card], 'B theme')
    with pytest.raises(NotFound):
        themes.group(session, fac, room.id, [deck[0]], theme_id=other_theme)
    with pytest.raises(NotFound):
        themes.rename(session, fac, room.id, other_theme, 'hijack')
    with pytest.raises(NotFound):
        themes.ungroup(session, fac, room.id, other_theme)
    assert session.get(Theme, other_theme).name == 'B theme'
    assert session.get(Card, deck[0]).theme_id is None


def test_rename(session, room, fac, deck, new_session):
    theme_id, _ = themes.group(session, fac, room.id, [deck[0]], 'Stops')
    (change,) = themes.rename(session, fac, room.id, theme_id, ' Traffic stops ')
    assert change == ThemeChanged(room.id, change.theme)
    assert change.theme.name == 'Traffic stops' and change.theme.card_ids == (deck[0],)
    assert new_session().get(Theme, theme_id).name == 'Traffic stops'
    with pytest.raises(DomainError):
        themes.rename(session, fac, room.id, theme_id, '   ')
    with pytest.raises(NotFound):
        themes.rename(session, fac, room.id, 99_999, 'Nope')
    assert new_session().get(Theme, theme_id).name == 'Traffic stops'


def test_take_out(session, room, fac, deck):
    a, _ = themes.group(session, fac, room.id, [deck[0], deck[1]], 'A')
    b, _ = themes.group(session, fac, room.id, [deck[2]], 'B')
    changes = themes.take_out(session, fac, room.id, [deck[1], deck[2], deck[3]])
    assert [c.card.id for c in changes if isinstance(c, CardChanged)] == [deck[1], deck[2], deck[3]]
    assert all(c.card.theme_id is None for c in changes if isinstance(c, CardChanged))
    assert {t.id: t.card_ids for t in _themes(changes)} == {a: (deck[0],), b: ()}
    assert session.get(Theme, b) is not None  # an empty theme stays until ungrouped
    assert [c.id for c in views.snapshot(session, fac, room.id).cards if c.theme_id is None] == deck[1:]


def test_ungroup_returns_cards_to_the_pool(session, room, fac, deck, new_session):
    theme_id, _ = themes.group(session, fac, room.id, [deck[0], deck[1]], 'Gone soon')
    changes = themes.ungroup(session, fac, room.id, theme_id)
    assert changes[-1] == ThemeRemoved(room.id, theme_id)
    assert sorted(c.card.id for c in changes if isinstance(c, CardChanged)) == [deck[0], deck[1]]
    fresh = new_session()
    assert fresh.get(Theme, theme_id) is None
    assert all(c.theme_id is None for c in fresh.exec(select(Card)))
    assert views.snapshot(fresh, fac, room.id).themes == ()
    with pytest.raises(NotFound):
        themes.ungroup(session, fac, room.id, theme_id)


def test_ungroup_refused_when_theme_has_solutions(session, room, fac, p1, deck, goto, key):
    theme_id, _ = themes.group(session, fac, room.id, [deck[0]], 'Has a solution')
    goto(fac, room, 'solutions')
    solutions.propose(session, p1, room.id, theme_id, 'Do something', key())
    with pytest.raises(DomainError, match='solutions'):
        themes.ungroup(session, fac, room.id, theme_id)
    assert session.get(Theme, theme_id) is not None
    assert session.get(Card, deck[0]).theme_id == theme_id


def test_rank_orders_themes_by_votes(session, room, fac, p1, p2, join, goto, key, deck):
    p3 = join(room)
    low, _ = themes.group(session, fac, room.id, [deck[0]], 'Low')        # oldest, 1 dot
    high, _ = themes.group(session, fac, room.id, [deck[1], deck[2]], 'High')  # 4 dots over two cards
    tie, _ = themes.group(session, fac, room.id, [deck[3]], 'Tie')        # 1 dot, younger than Low
    none, _ = themes.group(session, fac, room.id, [deck[4]], 'None')      # no dots
    goto(fac, room, 'vote')
    for voter in (p1, p2):
        voting.add_dot(session, voter, room.id, deck[1], key())
        voting.add_dot(session, voter, room.id, deck[2], key())
    voting.add_dot(session, p3, room.id, deck[3], key())
    voting.add_dot(session, p3, room.id, deck[0], key())
    voting.add_dot(session, p3, room.id, deck[5], key())  # ungrouped card: counts for no theme
    goto(fac, room, 'themes')

    changes = themes.rank(session, fac, room.id)
    assert [(t.id, t.rank) for t in _themes(changes)] == [(high, 1), (low, 2), (tie, 3), (none, 4)]
    snap = views.snapshot(session, fac, room.id)
    assert {t.id: t.rank for t in snap.themes} == {high: 1, low: 2, tie: 3, none: 4}
    assert snap.top_themes_ids == (high, low, tie)


def test_rank_ignores_dots_on_hidden_cards(session, room, fac, p1, p2, goto, key, deck):
    a, _ = themes.group(session, fac, room.id, [deck[0]], 'A')
    b, _ = themes.group(session, fac, room.id, [deck[1]], 'B')
    goto(fac, room, 'vote')
    for voter in (p1, p2):
        voting.add_dot(session, voter, room.id, deck[1], key())
    voting.add_dot(session, p1, room.id, deck[0], key())
    cards.set_hidden(session, fac, room.id, deck[1], True)
    changes = themes.rank(session, fac, room.id)
    assert [(t.id, t.rank) for t in _themes(changes)] == [(a, 1), (b, 2)]


def test_rank_with_no_themes(session, room, fac, deck):
    assert themes.rank(session, fac, room.id) == []
