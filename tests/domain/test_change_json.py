"""Every change type survives JSON and back (how changes travel between server processes: spcp/relay.py)."""
from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from spcp.domain import change_json
from spcp.domain.changes import CardChanged, Change, PresenceChanged
from spcp.domain.views import CardView

TYPES = change_json.change_types()
# every change the app publishes, by module: a new one must be found here (else it would not travel)
EXPECTED = {'AuditRecorded', 'CardChanged', 'CardRemoved', 'CouncilChanged', 'EventChange', 'KeyRotated',
            'PaperChanged', 'ParticipantsChanged', 'PhaseChanged', 'PlanFieldChanged', 'PlanItemAdded',
            'PlanItemRemoved', 'PlenaryChanged', 'PlenaryOpened', 'PresenceChanged', 'RevealChanged',
            'ReviewChanged', 'RoomRenamed', 'SolutionChanged', 'ThemeChanged', 'ThemeRemoved', 'TimerChanged',
            'VotesChanged'}


def test_every_change_type_is_known_once_by_its_name():
    assert set(TYPES) >= EXPECTED
    classes = []
    waiting = [Change]
    while waiting:
        subclasses = waiting.pop().__subclasses__()
        classes += subclasses
        waiting += subclasses
    assert len({c.__name__ for c in classes}) == len(classes)  # no two change types share a name


def _finite(change: Change) -> bool:
    """No NaN or infinity anywhere (a clock or a count never is one; JSON has no word for them)."""
    try:
        json.dumps(dataclasses.asdict(change), allow_nan=False, default=list)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize('name', sorted(TYPES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_change_round_trips_through_json(name, data):
    change = data.draw(st.from_type(TYPES[name]))
    assume(_finite(change))
    text = change_json.dumps([change])
    back = change_json.loads(text)
    assert back == [change]
    assert type(back[0]) is type(change)
    assert change_json.dumps(back) == text


def test_tuples_come_back_as_tuples_and_text_keeps_every_character():
    card = CardView(7, 'Parking \u0000 «fines» पुलिस شرطة 🚓', None, False, 3, None, 1, merged=((8, 'dup'),),
                    origin=('Room 1', 'Room 2'))
    [back] = change_json.loads(change_json.dumps([CardChanged(2, card)]))
    assert back.card.merged == ((8, 'dup'),) and back.card.origin == ('Room 1', 'Room 2')
    assert back.card.text == card.text


def test_an_unknown_change_type_is_refused_by_name():
    with pytest.raises(change_json.UnknownChange, match='NoSuchChange'):
        change_json.loads('[{"type": "NoSuchChange", "data": {"room_id": 1}}]')


def test_several_changes_keep_their_order():
    changes = [PresenceChanged(1, n) for n in range(5)]
    assert change_json.loads(change_json.dumps(changes)) == changes
