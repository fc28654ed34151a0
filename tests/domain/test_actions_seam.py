"""The one seam (spcp.actions.perform): it says plainly whether an action was done, publishes the
changes of what was done and nothing else, rate-limits participants and never raises."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from spcp import actions, db, live
from spcp.domain import cards, rooms, voting
from spcp.domain.changes import CardChanged, PhaseChanged, TimerChanged
from spcp.settings import DEFAULT_RATES, Settings


def settings_with(data_dir, engine, **rates: str) -> Settings:
    return Settings('127.0.0.1', 8080, data_dir, str(engine.url), None, joins_per_address=0,
                    rates=dict(DEFAULT_RATES, **rates))


@pytest.fixture
def seam(engine, monkeypatch, tmp_path):
    """perform() on the test's database, with its changes caught instead of sent to pages."""
    monkeypatch.setattr(db, '_engine', engine)
    published: list = []
    monkeypatch.setattr(live, 'publish', lambda changes: published.extend(changes))
    actions.configure(settings_with(tmp_path, engine))
    return published


def test_done_publishes_the_changes_and_returns_what_was_made(seam, room, fac, p1):
    outcome = actions.perform(fac, rooms.set_phase, room_id=room.id, phase='issues')
    assert outcome.done and outcome.msgid is None
    assert seam == list(outcome.changes) and seam[0] == PhaseChanged(room.id, 'issues')
    assert isinstance(seam[1], TimerChanged) and seam[1].timer.remaining_s == 20 * 60  # the phase's own time
    submitted = actions.perform(p1, cards.submit, room_id=room.id, text='Stops are not explained', key='k-1234567')
    assert submitted.done and submitted.value.text == 'Stops are not explained'
    assert isinstance(seam[-1], CardChanged)


def test_a_refusal_is_a_message_id_with_parameters_and_publishes_nothing(seam, room, fac, p1):
    outcome = actions.perform(p1, cards.submit, room_id=room.id, text='too early', key='k-1234567')
    assert not outcome.done and not outcome.retry
    assert outcome.msgid == 'Issues can only be added while the room is naming issues.'
    refused = actions.perform(p1, rooms.set_phase, room_id=room.id, phase='vote')
    assert (refused.done, refused.msgid) == (False, 'Only the facilitator can do this.')
    assert seam == []


def test_a_choice_that_returns_nothing_is_still_done(seam, room, p1):
    outcome = actions.perform(p1, rooms.choose_group, room_id=room.id, group='youth')
    assert outcome.done and outcome.value is None


def test_a_database_error_says_try_again(seam, room, fac, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OperationalError('UPDATE room', {}, Exception('database is locked'))
    outcome = actions.perform(fac, broken, room_id=room.id)
    assert (outcome.done, outcome.retry, outcome.msgid) == (False, True, actions.BUSY)
    assert seam == []


def test_participants_are_rate_limited_and_told_to_wait(seam, tmp_path, engine, room, fac, p1, p2, goto, write):
    actions.configure(settings_with(tmp_path, engine, actions_per_participant='2 per minute'))
    goto(fac, room, 'issues')
    card = write(p2, room, 'a card')
    goto(fac, room, 'vote')
    first = actions.perform(p1, voting.add_dot, address='10.0.0.7', room_id=room.id, card_id=card, key='vote-k-001')
    again = actions.perform(p1, voting.remove_dot, address='10.0.0.7', room_id=room.id, card_id=card, key='vote-k-002')
    third = actions.perform(p1, voting.add_dot, address='10.0.0.7', room_id=room.id, card_id=card, key='vote-k-003')
    assert first.done and again.done
    assert (third.done, third.retry, third.msgid) == (False, True, actions.TOO_FAST)
    assert 1 <= third.params['seconds'] <= 60
    assert actions.perform(p2, voting.add_dot, room_id=room.id, card_id=card, key='vote-k-004').done  # others go on
    for _ in range(5):  # staff are not limited
        assert actions.perform(fac, rooms.reveal_votes, room_id=room.id, revealed=True).done


def test_one_address_is_limited_across_participants(seam, tmp_path, engine, room, fac, p1, p2, goto):
    actions.configure(settings_with(tmp_path, engine, actions_per_address='3 per minute'))
    done = [actions.perform(p, rooms.choose_group, address='10.0.0.9', room_id=room.id, group='youth').done
            for p in (p1, p2, p1, p2)]
    assert done == [True, True, True, False]
    assert actions.perform(p1, rooms.choose_group, address='10.0.0.10', room_id=room.id, group='faith').done


def test_a_refused_try_uses_up_no_limit(seam, tmp_path, engine, room, p1):
    actions.configure(settings_with(tmp_path, engine, actions_per_participant='2 per minute',
                                    actions_per_address='1 per minute'))
    def choose(address: str) -> bool:
        return actions.perform(p1, rooms.choose_group, address=address, room_id=room.id, group='youth').done
    assert [choose('10.0.0.1'), choose('10.0.0.1'), choose('10.0.0.2'), choose('10.0.0.3')] == \
        [True, False, True, False]  # the refused second try did not count against the participant
