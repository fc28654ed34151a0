"""The stakeholder breakdown (spcp/domain/stakeholders.py): dots per group per card and theme, the
small-group rule, that no hidden figure can be worked out from the shown ones, and when it is published."""
from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from spcp.domain import cards, rooms, stakeholders, themes, voting
from spcp.domain.access import organizer
from spcp.domain.errors import NotAllowed
from spcp.domain.models import Card, Participant, Room, Theme, Vote
from spcp.domain.stakeholders import CATEGORIES, MIN_VOTERS, NOT_SAID, PROTECTS, SMALL, hidden_columns, tally

from .conftest import new_key

GROUP_KEYS = [*rooms.GROUPS, None]


# --- the rule for hiding columns --------------------------------------------------------------------

def test_groups_of_five_or_more_show_and_empty_groups_hide_together():
    hidden = hidden_columns({'community': 10, 'law_enforcement': 6})
    assert hidden == {key: SMALL for key in CATEGORIES if key not in ('community', 'law_enforcement')}


def test_a_small_group_alone_takes_the_smallest_shown_group_with_it():
    # youth's 3 people would be the whole hidden part: law enforcement (the smaller shown group) hides too
    hidden = hidden_columns({'community': 10, 'law_enforcement': 6, 'youth': 3})
    assert hidden['youth'] == SMALL and hidden['law_enforcement'] == PROTECTS and 'community' not in hidden


def test_small_groups_of_five_people_together_need_no_protection():
    hidden = hidden_columns({'community': 10, 'law_enforcement': 6, 'youth': 3, 'faith': 2})
    assert set(hidden) == set(CATEGORIES) - {'community', 'law_enforcement'}
    assert set(hidden.values()) == {SMALL}


def test_one_hidden_column_is_never_left_alone_even_if_empty():
    everyone_but_youth = {key: 5 for key in CATEGORIES if key != 'youth'}
    hidden = hidden_columns(everyone_but_youth)
    assert hidden == {'youth': SMALL, NOT_SAID: PROTECTS}  # the last of the smallest: 'not said'


def test_a_room_with_fewer_than_five_voters_shows_no_group():
    assert set(hidden_columns({'community': 3, 'law_enforcement': 1})) == set(CATEGORIES)


# --- no hidden figure can be recomputed; shown ones are right (random votes) -------------------------

PRIME = 2 ** 61 - 1  # span computed modulo a prime: exact, fast; "not in the span mod p" implies not over Q


def _eliminate(basis: list[tuple[int, list[int]]], vector: list[int]) -> list[int]:
    """``vector`` minus its part in the span of the reduced ``basis`` (pivot, row with 1 at the pivot)."""
    v = list(vector)
    for pivot, row in basis:
        if v[pivot]:
            factor = v[pivot]
            v = [(a - factor * b) % PRIME for a, b in zip(v, row, strict=True)]
    return v


def _reduce(vectors: list[list[int]]) -> list[tuple[int, list[int]]]:
    basis: list[tuple[int, list[int]]] = []
    for vector in vectors:
        v = _eliminate(basis, vector)
        pivot = next((i for i, a in enumerate(v) if a), None)
        if pivot is not None:
            inverse = pow(v[pivot], PRIME - 2, PRIME)
            basis.append((pivot, [a * inverse % PRIME for a in v]))
    return basis


def _in_span(basis: list[tuple[int, list[int]]], vector: list[int]) -> bool:
    return not any(_eliminate(basis, vector))


def _form(cells: list[tuple[int, int]], card_index: dict[int, int]) -> list[int]:
    """A figure as a sum of unknowns x[card, column] (phone dots of one column on one card)."""
    vector = [0] * (len(card_index) * len(CATEGORIES))
    for card_id, column in cells:
        vector[card_index[card_id] * len(CATEGORIES) + column] += 1
    return vector


def check_nothing_hidden_can_be_recomputed(view) -> None:
    """Every figure the view shows, as a linear form of the unknown cells; no hidden cell, hidden theme
    cell or hidden column total lies in their span (any sum or difference of shown figures)."""
    index = {row.id: i for i, row in enumerate(view.cards)}
    columns = range(len(CATEGORIES))
    shown_forms = []
    rows = [(row, (row.id,)) for row in view.cards] + [(row, row.card_ids) for row in view.themes]
    for row, ids in rows:
        shown_forms.append(_form([(c, j) for c in ids for j in columns], index))  # the total minus paper
        shown_forms += [_form([(c, j) for c in ids], index) for j in columns if row.dots[j] is not None]
        if row.hidden_dots is not None:
            shown_forms.append(_form([(c, j) for c in ids for j in columns if row.dots[j] is None], index))
    shown_forms += [_form([(c, j) for c in index], index) for j, col in enumerate(view.columns) if col.dots is not None]
    basis = _reduce(shown_forms)
    hidden = [j for j, col in enumerate(view.columns) if col.hidden]
    secrets = [_form([(c, j) for c in ids], index) for _, ids in rows for j in hidden]
    secrets += [_form([(c, j) for c in index], index) for j in hidden]
    for secret in secrets:
        if any(secret):  # a theme without cards has nothing to hide
            assert not _in_span(basis, secret)


def check_against_a_count(view, card_rows, theme_rows, votes) -> None:
    """Shown figures equal a count made here, vote by vote."""
    key = {None: NOT_SAID} | {g: g for g in rooms.GROUPS}
    shown_cards = {c[0] for c in card_rows}
    counted = [(card, person, key[group]) for card, person, group in votes if card in shown_cards]
    for column in view.columns:
        people = {p for _, p, k in counted if k == column.key}
        assert (column.hidden == SMALL) == (len(people) < MIN_VOTERS) or column.hidden == PROTECTS
        if column.hidden is None:
            assert (column.voters, column.dots) == (len(people), sum(k == column.key for _, _, k in counted))
        else:
            assert (column.voters, column.dots) == (None, None)
    hidden_keys = {c.key for c in view.columns if c.hidden}
    together = len({p for _, p, k in counted if k in hidden_keys})
    assert together == 0 or together >= MIN_VOTERS or hidden_keys == set(CATEGORIES)
    assert len(hidden_keys) != 1
    paper = {c[0]: c[2] for c in card_rows}
    members = {t[0]: {c[0] for c in card_rows if c[3] == t[0]} for t in theme_rows}
    for row in [*view.cards, *view.themes]:
        ids = members[row.id] if row in view.themes else {row.id}
        mine = [k for card, _, k in counted if card in ids]
        assert row.paper == sum(paper[c] for c in ids) and row.total == row.paper + len(mine)
        assert row.dots == tuple(None if c.hidden else mine.count(c.key) for c in view.columns)
        assert row.hidden_dots == (sum(k in hidden_keys for k in mine) if hidden_keys else None)


@st.composite
def rooms_with_votes(draw):
    n_cards = draw(st.integers(1, 6))
    n_themes = draw(st.integers(0, 3))
    card_rows = [(100 + i, f'card {i}', draw(st.integers(0, 2)), draw(st.none() | st.sampled_from(range(n_themes)))
                  if n_themes else None) for i in range(n_cards)]
    card_rows = [(c, text, paper, None if t is None else 10 + t) for c, text, paper, t in card_rows]
    theme_rows = [(10 + t, f'theme {t}') for t in range(n_themes)]
    # 0 to 9 people per column: rooms with shown, small and protecting groups; 999 is a hidden card
    sizes = draw(st.lists(st.integers(0, 9), min_size=len(GROUP_KEYS), max_size=len(GROUP_KEYS)))
    groups = [group for group, size in zip(GROUP_KEYS, sizes, strict=True) for _ in range(size)]
    ballots = draw(st.lists(st.lists(st.sampled_from([*(c[0] for c in card_rows), 999]), min_size=1, max_size=3),
                            min_size=len(groups), max_size=len(groups)))
    votes = [(card, pid, group) for pid, (group, chosen) in enumerate(zip(groups, ballots, strict=True))
             for card in chosen]
    return card_rows, theme_rows, votes


@settings(max_examples=150, deadline=None)
@given(rooms_with_votes())
def test_random_votes_never_let_a_hidden_figure_be_worked_out(room):
    card_rows, theme_rows, votes = room
    view = tally(1, 'Room', card_rows, theme_rows, votes)
    check_against_a_count(view, card_rows, theme_rows, votes)
    check_nothing_hidden_can_be_recomputed(view)


def test_the_check_would_catch_a_lone_hidden_group():
    """The span check is not vacuous: a view hiding youth alone would give its cells away (total minus
    the rest), and the rule would never make it."""
    votes = [(1, p, 'community') for p in range(6)] + [(2, 9, 'youth')]
    view = tally(1, 'Room', [(1, 'a', 0, None), (2, 'b', 0, None)], [], votes)
    assert {c.key for c in view.hidden} == set(CATEGORIES)  # youth's one voter takes everyone with it
    youth = CATEGORIES.index('youth')
    alone = replace(view, columns=tuple(replace(c, hidden=SMALL if c.key == 'youth' else None)
                                        for c in view.columns),
                    cards=tuple(replace(r, dots=tuple(None if j == youth else (6 if (r.id, j) == (1, 0) else 0)
                                                      for j in range(len(CATEGORIES))),
                                        hidden_dots=int(r.id == 2)) for r in view.cards))
    with pytest.raises(AssertionError):
        check_nothing_hidden_can_be_recomputed(alone)


# --- from the database ------------------------------------------------------------------------------

def _seed(session: Session, room: Room, groups: list[str | None], dots: list[list[int]], paper: list[int],
          theme_of: list[int | None]) -> tuple[list[int], list[int]]:
    """Participants (one per group entry), cards with paper dots and themes, and votes, in one commit."""
    theme_ids = []
    for t in range(max((t for t in theme_of if t is not None), default=-1) + 1):
        theme = Theme(room_id=room.id, name=f'Theme {t}')
        session.add(theme)
        session.flush()
        theme_ids.append(theme.id)
    card_ids = []
    for i, (p, t) in enumerate(zip(paper, theme_of, strict=True)):
        card = Card(room_id=room.id, text=f'Card {i}', paper_dots=p, theme_id=None if t is None else theme_ids[t])
        session.add(card)
        session.flush()
        card_ids.append(card.id)
    for group, mine in zip(groups, dots, strict=True):
        person = Participant(room_id=room.id, device=uuid.uuid4().hex, group=group)
        session.add(person)
        session.flush()
        session.add_all(Vote(room_id=room.id, card_id=card_ids[i], participant_id=person.id) for i in mine)
    room.phase = 'themes'
    session.commit()
    return card_ids, theme_ids


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_room_read_from_the_database_matches_a_count(session, event, plan, data):
    from spcp.domain.events import create_event, rooms_of
    ev = create_event(session, 'Another', 1, plan)
    room = rooms_of(session, ev.id)[0]
    n = data.draw(st.integers(1, 4))
    people = data.draw(st.lists(st.sampled_from(GROUP_KEYS), max_size=24))
    dots = [data.draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)) for _ in people]
    paper = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    theme_of = data.draw(st.lists(st.none() | st.integers(0, 1), min_size=n, max_size=n))
    card_ids, theme_ids = _seed(session, room, people, dots, paper, theme_of)
    view = stakeholders.room_breakdown(session, organizer(session, ev.id, ev.organizer_key), room.id)
    card_rows = [(card_ids[i], f'Card {i}', paper[i], None if theme_of[i] is None else theme_ids[theme_of[i]])
                 for i in range(n)]
    votes = [(card_ids[i], pid, group) for pid, (group, mine) in enumerate(zip(people, dots, strict=True))
             for i in mine]
    check_against_a_count(view, card_rows, [(t, '') for t in theme_ids], votes)
    check_nothing_hidden_can_be_recomputed(view)


def _vote_as(session, room, fac, who: list[tuple[str | None, list[int]]], goto) -> None:
    """Participants join, say their group, and put their dots (through the domain, as phones do)."""
    actors = []
    for i, (group, _) in enumerate(who):
        actor, _ = rooms.join(session, room.join_code, f'voter-{i:03d}')
        rooms.choose_group(session, actor, room.id, group)
        actors.append(actor)
    goto(fac, room, 'vote')
    for actor, (_, card_ids) in zip(actors, who, strict=True):
        for card_id in card_ids:
            voting.add_dot(session, actor, room.id, card_id, new_key())


def test_a_room_through_the_domain_gives_exact_figures(session, room, fac, p1, goto, write):
    goto(fac, room, 'issues')
    a, b, c = (write(p1, room, text) for text in ('Patrols at night', 'Interpreters', 'Youth programs'))
    who = [('community', [a, b])] * 6 + [('law_enforcement', [a])] * 5 + [('youth', [c])] * 2 \
        + [(None, [b])] * 3
    _vote_as(session, room, fac, who, goto)
    actor = organizer(session, room.event_id, _key(session, room))
    assert stakeholders.room_breakdown(session, actor, room.id).published is False  # still voting
    rooms.reveal_votes(session, fac, room.id)
    assert stakeholders.room_breakdown(session, actor, room.id).columns == ()  # revealed, but dots can move
    goto(fac, room, 'themes')
    theme_id, _ = themes.group(session, fac, room.id, [a, b], 'Trust on the street')
    view = stakeholders.room_breakdown(session, actor, room.id)
    shown = {c.key: (c.voters, c.dots) for c in view.shown}
    assert shown == {'community': (6, 12), 'law_enforcement': (5, 5)}
    assert {c.key: c.hidden for c in view.hidden} == {k: SMALL for k in CATEGORIES
                                                      if k not in ('community', 'law_enforcement')}
    by_id = {r.id: r for r in view.cards}
    community, police = CATEGORIES.index('community'), CATEGORIES.index('law_enforcement')
    assert (by_id[a].total, by_id[a].dots[community], by_id[a].dots[police], by_id[a].hidden_dots) == (11, 6, 5, 0)
    assert (by_id[b].total, by_id[b].dots[community], by_id[b].dots[police], by_id[b].hidden_dots) == (9, 6, 0, 3)
    assert (by_id[c].total, by_id[c].hidden_dots) == (2, 2)
    theme = view.theme(theme_id)
    assert (theme.total, theme.dots[community], theme.dots[police], theme.hidden_dots) == (20, 12, 5, 3)
    assert theme.shares[community] == 1.0 and theme.shares[police] == 1.0 and theme.accord == 'agree'
    assert [r.id for r in view.cards] == [a, b, c]  # most dots first
    assert stakeholders.for_theme(view, theme_id).cards == (by_id[a], by_id[b])


def _key(session, room) -> str:
    from spcp.domain.models import Event
    return session.get(Event, room.event_id).organizer_key


def test_hidden_merged_and_paper_dots(session, room, fac, p1, goto, write):
    goto(fac, room, 'issues')
    a, b, gone = (write(p1, room, text) for text in ('A', 'B', 'Hidden later'))
    who = [('community', [a, gone])] * 5 + [('law_enforcement', [b])] * 5
    _vote_as(session, room, fac, who, goto)
    cards.set_hidden(session, fac, room.id, gone, True)   # its dots no longer count
    cards.merge(session, fac, room.id, a, [b])             # b's dots move onto a
    rooms.set_paper_participants(session, fac, room.id, 2)
    voting.set_paper_dots(session, fac, room.id, a, 2)
    goto(fac, room, 'wrapup')
    view = stakeholders.room_breakdown(session, organizer(session, room.event_id, _key(session, room)), room.id)
    assert [r.id for r in view.cards] == [a]
    row = view.cards[0]
    assert (row.total, row.paper) == (12, 2)
    assert row.dots[CATEGORIES.index('community')] == 5 and row.dots[CATEGORIES.index('law_enforcement')] == 5
    assert {c.key: c.voters for c in view.shown} == {'community': 5, 'law_enforcement': 5}


def test_who_may_read_it(session, room, fac, p1, goto, event, plan):
    goto(fac, room, 'themes')
    assert stakeholders.room_breakdown(session, p1, room.id).published  # anyone of the room, once published
    assert stakeholders.room_breakdown(session, fac, room.id).published
    from spcp.domain.events import create_event
    other = create_event(session, 'Other', 1, plan)
    stranger = organizer(session, other.id, other.organizer_key)
    with pytest.raises(NotAllowed):
        stakeholders.room_breakdown(session, stranger, room.id)
    with pytest.raises(NotAllowed):
        stakeholders.event_breakdowns(session, stranger, event.id)
    with pytest.raises(NotAllowed):
        stakeholders.event_breakdowns(session, fac, event.id)
    views = stakeholders.event_breakdowns(session, organizer(session, event.id, event.organizer_key), event.id)
    assert [(v.room_id, v.published) for v in views] == [(room.id, True), (views[1].room_id, False)]
    assert views[1].notice == stakeholders.NOT_YET and views[1].columns == () and views[1].cards == ()


def test_accord():
    assert stakeholders.accord([0.4, 0.1]) == 'differ'
    assert stakeholders.accord([0.2, 0.25]) == 'agree'
    assert stakeholders.accord([0.02, 0.05]) is None  # close, but neither group cares
    assert stakeholders.accord([0.5]) is None
