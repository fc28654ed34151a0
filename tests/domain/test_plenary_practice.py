"""A practice room (rehearsal with simulated phones) never reaches the plenary: neither its themes nor its
simulated people."""
from __future__ import annotations

from spcp.domain import plenary, practice, views
from spcp.domain.access import facilitator, organizer
from spcp.domain.events import rooms_of

from .test_plenary import run_room


def test_a_practice_room_s_themes_and_phones_stay_out_of_the_plenary(session, event, room, fac, join, key):
    org = organizer(session, event.id, event.organizer_key)
    run_room(session, room, fac, join, key, {'Lights': 1})
    practice_id, _ = practice.add_practice_room(session, org, event.id, 'Practice')
    drill = next(r for r in rooms_of(session, event.id) if r.id == practice_id)
    run_room(session, drill, facilitator(session, drill.join_code, drill.facilitator_key), join, key,
             {'Rehearsed theme': 1})
    hall, _ = plenary.create(session, org, event.id)
    assert {c.text for c in views.room_state(session, hall.id).base.cards} == {'Lights'}
    plenary.open_plenary(session, org, event.id)
    assert views.room_state(session, hall.id).base.participants == 1  # the real room's one voter


def test_a_theme_in_the_plenary_or_the_plan_is_not_taken_apart(session, event, room, room_b, fac, fac_b, join, key):
    """Ungrouping such a theme would break the plenary's card or the plan's items: a clear refusal instead
    of the database's (which the seam showed as 'the server is busy')."""
    import pytest

    from spcp.domain import action_plan, themes
    from spcp.domain.errors import DomainError
    org = organizer(session, event.id, event.organizer_key)
    run_room(session, room, fac, join, key, {'Lights': 1})
    plenary.create(session, org, event.id)
    run_room(session, room_b, fac_b, join, key, {'Respect': 1})  # after the pull: only in the plan
    lights = views.room_state(session, room.id).base.themes[0].id
    respect = views.room_state(session, room_b.id).base.themes[0].id
    with pytest.raises(DomainError, match='in the plenary'):
        themes.ungroup(session, fac, room.id, lights)
    action_plan.add_priority(session, org, event.id, respect)
    with pytest.raises(DomainError, match='in the action plan'):
        themes.ungroup(session, fac_b, room_b.id, respect)
