"""``views.room_state`` built from the room's rows (``room_rows``: eight Core selects, the counts added up in
Python) is exactly what the query-per-figure way gave: every card with its total and merged wording,
themes, solutions with endorsements, the top themes, paper cards and paper dots left, cards waiting,
the participant count and every participant's group, dots, dots left and endorsements. Rooms are made
at random: merges, hidden and waiting cards, paper cards and dots, ranked themes, hidden solutions."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import col, select

from spcp.domain import cards, rooms, solutions, themes, views, voting
from spcp.domain.errors import DomainError
from spcp.domain.models import Card, Endorsement, Event, Participant, Room, Solution, Theme, Vote

PEOPLE = 5
CARDS = 8


def reference_state(session, room_id: int) -> views.RoomState:
    """The room's state as ``room_state`` made it before the rows: one query per figure (the helpers
    ``top_themes``, ``paper_cards``, ``paper_dots_left``, ``pending_count``, ``participant_count``)."""
    room = session.get(Room, room_id)
    event = session.get(Event, room.event_id)
    totals = dict(session.exec(select(Vote.card_id, func.count()).where(Vote.room_id == room.id)
                               .group_by(Vote.card_id)).all())
    merged: dict[int, list[tuple[int, str]]] = {}
    for card_id, text, into in session.exec(select(Card.id, Card.text, Card.merged_into_id).where(
            Card.room_id == room.id, col(Card.merged_into_id).is_not(None)).order_by(Card.id)).all():
        merged.setdefault(into, []).append((card_id, text))
    live = session.exec(select(Card).where(Card.room_id == room.id, col(Card.merged_into_id).is_(None))
                        .order_by(Card.id)).all()
    all_cards = tuple(views.CardView(c.id, c.text, c.theme_id, c.hidden, totals.get(c.id, 0) + c.paper_dots,
                                     c.participant_id, len(merged.get(c.id, ())), c.paper, c.pending, c.paper_dots,
                                     tuple(merged.get(c.id, ()))) for c in live)
    endorsements = dict(session.exec(select(Endorsement.solution_id, func.count())
                                     .join(Solution, Solution.id == Endorsement.solution_id)
                                     .where(Solution.room_id == room_id).group_by(Endorsement.solution_id)).all())
    all_solutions = tuple(views.SolutionView(s.id, s.theme_id, s.text, s.hidden, endorsements.get(s.id, 0),
                                             s.participant_id, s.paper)
                          for s in session.exec(select(Solution).where(Solution.room_id == room_id)
                                                .order_by(Solution.id)).all())
    base = views.RoomView(
        id=room.id, event_id=room.event_id, event_name=event.name, name=room.name, code=room.join_code,
        phase=room.phase, phases=views.phases_of(event, room.kind), kind=room.kind, revealed=room.votes_revealed,
        participants=views.participant_count(session, room_id), expected_size=room.expected_size,
        timer=views.timer_view(room), dots_per_participant=room.dots_per_participant,
        max_dots_per_card=room.max_dots_per_card, max_card_length=room.max_card_length, top_themes=room.top_themes,
        cards=all_cards, themes=tuple(views.ThemeView(t.id, t.name, t.rank, ()) for t in session.exec(
            select(Theme).where(Theme.room_id == room_id).order_by(Theme.id)).all()),
        solutions=all_solutions, top_themes_ids=tuple(views.top_themes(session, room)), me=views.MeView(),
        paper_participants=room.paper_participants, paper_cards=views.paper_cards(session, room_id),
        paper_dots_left=views.paper_dots_left(session, room), review=room.review_cards,
        pending_count=views.pending_count(session, room_id))
    people = {}
    for pid, group in session.exec(select(Participant.id, Participant.group).where(Participant.room_id == room_id)):
        mine = dict(session.exec(select(Vote.card_id, func.count()).where(Vote.participant_id == pid)
                                 .group_by(Vote.card_id)).all())
        endorsed = frozenset(session.exec(select(Endorsement.solution_id).where(Endorsement.participant_id == pid)))
        people[pid] = views.MeView(pid, group, room.dots_per_participant - views.dots_used(session, pid), mine,
                                   endorsed)
    return views.RoomState(base, room.votes_revealed, people)


def attempt(session, call, *args, **kwargs) -> object:
    """A step the rules may refuse (out of dots, not a top theme...): refused, nothing changes."""
    try:
        return call(session, *args, **kwargs)
    except DomainError:
        session.rollback()
        return None


ANY_CARD = st.integers(0, CARDS + 1)  # an index into the room's cards (modulo how many there are)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(groups=st.lists(st.sampled_from(sorted(rooms.GROUPS)), max_size=PEOPLE), paper_people=st.integers(1, 3),
       waiting=st.booleans(), dots=st.lists(st.tuples(st.integers(0, PEOPLE - 1), ANY_CARD), max_size=10),
       paper_dots=st.lists(st.tuples(ANY_CARD, st.integers(0, 2)), max_size=3),
       merges=st.lists(st.tuples(ANY_CARD, ANY_CARD), max_size=2), hide=st.sets(ANY_CARD, max_size=3),
       grouped=st.lists(st.sets(ANY_CARD, min_size=1, max_size=3), max_size=3), rank=st.booleans(),
       endorse=st.booleans(), hide_solution=st.booleans(), reveal=st.booleans())
def test_the_room_read_from_its_rows_is_the_query_per_figure_read(session, room, fac, join, goto, key, groups,
                                                                  paper_people, waiting, dots, paper_dots, merges,
                                                                  hide, grouped, rank, endorse, hide_solution, reveal):
    people = [join(room) for _ in range(PEOPLE)]
    for person, group in zip(people, groups, strict=False):
        rooms.choose_group(session, person, room.id, group)
    attempt(session, rooms.set_paper_participants, fac, room.id, paper_people)
    goto(fac, room, 'issues')
    ids = [cards.submit(session, people[i % PEOPLE], room.id, f'Card {i}', key())[0].id for i in range(CARDS)]
    for n in range(2):  # cards from paper: they count toward paper cards, and may be hidden or merged too
        made = attempt(session, cards.submit_paper, fac, room.id, f'A card from paper {n}')
        ids += [made[0].id] if made else []
    if waiting:  # one more card, waiting for review
        rooms.set_review(session, fac, room.id, True)
        cards.submit(session, people[0], room.id, 'Waiting card', key())
        rooms.set_review(session, fac, room.id, False)
    card = lambda i: ids[i % len(ids)]  # noqa: E731
    goto(fac, room, 'vote')
    for person, i in dots:
        attempt(session, voting.add_dot, people[person], room.id, card(i), key())
    for i, count in paper_dots:
        attempt(session, voting.set_paper_dots, fac, room.id, card(i), count)
    for kept, other in merges:
        attempt(session, cards.merge, fac, room.id, card(kept), [card(other)])
    for i in hide:
        attempt(session, cards.set_hidden, fac, room.id, card(i), True)
    goto(fac, room, 'themes')
    for n, chosen in enumerate(grouped):
        attempt(session, themes.group, fac, room.id, sorted({card(i) for i in chosen}), f'Theme {n}')
    if rank:
        attempt(session, themes.rank, fac, room.id)
    goto(fac, room, 'solutions')
    for theme in session.exec(select(Theme.id).where(Theme.room_id == room.id)).all():
        proposed = attempt(session, solutions.propose, people[0], room.id, theme, f'Fix {theme}', key())
        if proposed is not None and endorse:
            attempt(session, solutions.endorse, people[1], room.id, proposed[0], True)
        if proposed is not None and hide_solution:
            attempt(session, solutions.set_hidden, fac, room.id, proposed[0], True)
    rooms.reveal_votes(session, fac, room.id, reveal)

    made, reference = views.room_state(session, room.id), reference_state(session, room.id)
    assert made.base == reference.base
    assert made.people == reference.people and made.revealed == reference.revealed
    goto(fac, room, 'welcome')  # the next example adds to the same room, from the start


def test_paper_dots_and_hidden_cards_decide_the_top_themes_as_before(session, room, fac, join, goto, key):
    """A theme's paper dots count for the top themes, a hidden card's dots do not (one example of each, which
    random rooms reach only now and then)."""
    people = [join(room) for _ in range(3)]
    rooms.set_paper_participants(session, fac, room.id, 2)
    goto(fac, room, 'issues')
    a, b, c, d = (cards.submit(session, people[i % 3], room.id, f'Card {i}', key())[0].id for i in range(4))
    goto(fac, room, 'vote')
    voting.add_dot(session, people[0], room.id, a, key())          # theme A: one phone dot
    voting.set_paper_dots(session, fac, room.id, b, 2)              # theme B: two paper dots
    voting.add_dot(session, people[1], room.id, c, key())           # theme C: two phone dots, on a card hidden later
    voting.add_dot(session, people[2], room.id, c, key())
    cards.set_hidden(session, fac, room.id, c, True)
    goto(fac, room, 'themes')
    theme = {name: themes.group(session, fac, room.id, ids, name)[0]
             for name, ids in (('A', [a]), ('B', [b]), ('C', [c]), ('D', [d]))}
    made = views.room_state(session, room.id)
    assert made.base.top_themes_ids == reference_state(session, room.id).base.top_themes_ids
    assert made.base.top_themes_ids == (theme['B'], theme['A'], theme['C'])  # C: no dots that count, oldest of C, D
