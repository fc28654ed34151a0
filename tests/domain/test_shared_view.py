"""A participant's view made from the room's shared read (``views.view_of``: the room's shown cards made
once, everyone's dots read in one query) is exactly what the per-reader way gives: the cards they may see,
their own waiting card, totals only once revealed, their dots only on cards they see, the dots they have
left once a card with their dots is hidden."""
from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spcp.domain import cards, rooms, views, voting
from spcp.domain.access import Role

PEOPLE = 4


def per_reader(session, state, actor) -> views.RoomView:
    """The view as it was made before the shared read: every card filtered per reader, four queries for ``me``."""
    is_staff = actor.role is not Role.PARTICIPANT
    show = is_staff or state.revealed
    seen = tuple(c for c in (views._seen_by(card, actor, is_staff, show) for card in state.base.cards) if c)  # noqa: SLF001
    solutions = tuple(s for s in state.base.solutions if not s.hidden)
    return replace(state.base, cards=seen, themes=views._themes_over(state.base.themes, seen),  # noqa: SLF001
                   solutions=solutions, me=views._me(session, actor, state.base,  # noqa: SLF001
                                                     {c.id for c in seen if not c.pending}),
                   counted_cards=sum(not c.hidden and not c.pending for c in seen),
                   paper_solutions=sum(s.paper and not s.hidden for s in solutions),
                   paper_dots_left=state.base.paper_dots_left if show else 0, pending_count=0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dots=st.lists(st.tuples(st.integers(0, PEOPLE - 1), st.integers(0, 5)), max_size=12),
       hide=st.sets(st.integers(0, 5), max_size=2), reveal=st.booleans(), waiting=st.booleans())
def test_the_shared_view_is_the_per_reader_view(session, room, fac, join, goto, key, dots, hide, reveal, waiting):
    people = [join(room) for _ in range(PEOPLE)]
    goto(fac, room, 'issues')
    ids = [cards.submit(session, people[i % PEOPLE], room.id, f'Card {i}', key())[0].id for i in range(6)]
    if waiting:  # the last person's next card waits for review: only they (and staff) see it
        rooms.set_review(session, fac, room.id, True)
        cards.submit(session, people[-1], room.id, 'Waiting card', key())
    goto(fac, room, 'vote')
    for person, card in dots:
        try:
            voting.add_dot(session, people[person], room.id, ids[card], key())
        except Exception:  # noqa: BLE001 (out of dots, or one dot per card: refused, as on a phone)
            session.rollback()
    for card in hide:
        cards.set_hidden(session, fac, room.id, ids[card], True)
    rooms.reveal_votes(session, fac, room.id, reveal)
    state = views.room_state(session, room.id)
    for actor in people:
        assert views.view_of(session, state, actor) == per_reader(session, state, actor)
    rooms.set_review(session, fac, room.id, False)
    goto(fac, room, 'issues')  # the next example starts from Issues again
