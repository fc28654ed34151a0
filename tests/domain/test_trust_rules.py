"""Trust rules in the domain: key proofs and rotation, receipts bound to their action, blank text,
expected room size, rejoining without creating a participant."""
from __future__ import annotations

import pytest
from sqlmodel import select

from spcp.domain import access, cards, rooms, voting
from spcp.domain.access import Role, facilitator, facilitator_by_proof, fingerprint, organizer
from spcp.domain.errors import DomainError, NotAllowed
from spcp.domain.models import Card, Participant, Receipt, Vote


def test_rotating_a_key_signs_out_the_old_link_and_its_actors(session, room, fac, event):
    old_key = room.facilitator_key
    organizer_actor = facilitator(session, room.join_code, event.organizer_key)
    new_key, still_in = access.rotate_facilitator_key(session, fac, room.id)
    assert new_key != old_key and len(new_key) >= 20
    with pytest.raises(NotAllowed):
        facilitator(session, room.join_code, old_key)
    with pytest.raises(NotAllowed, match='signed out'):
        rooms.set_phase(session, fac, room.id, 'issues')  # an actor signed in with the old key
    rooms.set_phase(session, still_in, room.id, 'issues')  # the one who rotated stays signed in
    rooms.set_phase(session, organizer_actor, room.id, 'vote')  # the organizer key is not touched
    assert facilitator(session, room.join_code, new_key).proof == fingerprint(new_key)
    assert room.phase == 'vote'


def test_a_proof_is_not_a_key(session, room):
    proof = fingerprint(room.facilitator_key)
    assert facilitator_by_proof(session, room.join_code, proof).role is Role.FACILITATOR
    with pytest.raises(NotAllowed):
        facilitator(session, room.join_code, proof)  # typing the fingerprint as a key signs nobody in
    with pytest.raises(NotAllowed):
        facilitator_by_proof(session, room.join_code, room.facilitator_key)


def test_staff_actor_without_a_proof_is_refused(session, room, event):
    forged = access.Actor(Role.FACILITATOR, event.id, room.id)
    with pytest.raises(NotAllowed):
        rooms.set_phase(session, forged, room.id, 'issues')
    forged_org = access.Actor(Role.ORGANIZER, event.id, room.id, proof='0' * 32)
    with pytest.raises(NotAllowed):
        rooms.set_phase(session, forged_org, room.id, 'issues')
    assert room.phase == 'welcome'


def test_organizer_rotation_needs_no_new_proof(session, room, event):
    org = organizer(session, event.id, event.organizer_key)
    _, same = access.rotate_facilitator_key(session, org, room.id)
    assert same == org


def test_a_vote_key_reused_for_a_submit_is_refused(session, room, fac, p1, goto, write, key):
    goto(fac, room, 'issues')
    card_id = write(p1, room, 'first')
    goto(fac, room, 'vote')
    voting.add_dot(session, p1, room.id, card_id, 'same-key-123')
    goto(fac, room, 'issues')
    with pytest.raises(NotAllowed, match='malformed'):
        cards.submit(session, p1, room.id, 'second', 'same-key-123')
    assert [c.text for c in session.exec(select(Card))] == ['first']
    with pytest.raises(NotAllowed):  # and the other way round: a dot with a submit's key
        goto(fac, room, 'vote')
        voting.remove_dot(session, p1, room.id, card_id, 'same-key-123')
    assert len(session.exec(select(Vote)).all()) == 1
    assert [r.action for r in session.exec(select(Receipt))] == ['submit_card', 'add_dot']


@pytest.mark.parametrize('text', ['\u200d', '\u200c\u200d', ' \u200f\u200e ', '\u2028', '\u00a0\u200b'])
def test_text_with_nothing_visible_is_refused(session, room, fac, p1, goto, text):
    goto(fac, room, 'issues')
    with pytest.raises(DomainError, match='Please write some text'):
        cards.submit(session, p1, room.id, text, 'key-blank-1')
    assert session.exec(select(Card)).all() == []


def test_joiners_inside_words_are_kept(session, room, fac, p1, goto):
    goto(fac, room, 'issues')
    view, _ = cards.submit(session, p1, room.id, 'क्\u200dष and ل\u200cا', 'key-joiner-1')
    assert view.text == 'क्\u200dष and ل\u200cا'


def test_a_lone_surrogate_gets_its_own_message(session, room, fac, p1, goto):
    goto(fac, room, 'issues')
    with pytest.raises(DomainError) as refused:
        cards.submit(session, p1, room.id, 'broken \ud83d emoji', 'key-surrogate')
    assert 'broken character' in refused.value.msgid
    assert 'Please write some text' not in refused.value.msgid


def test_expected_size(session, room, fac, p1):
    changes = rooms.set_expected_size(session, fac, room.id, 25)
    assert room.expected_size == 25 and changes[0].expected == 25 and changes[0].count == 1
    for bad in (0, -3, 2001, True, 2.5):
        with pytest.raises(DomainError):
            rooms.set_expected_size(session, fac, room.id, bad)
    with pytest.raises(NotAllowed):
        rooms.set_expected_size(session, p1, room.id, 10)
    rooms.set_expected_size(session, fac, room.id, None)
    assert room.expected_size is None


def test_rejoin_finds_only_existing_participants(session, room, room_b):
    assert rooms.rejoin(session, room.join_code, 'phone-1') is None
    assert session.exec(select(Participant)).all() == []   # looking creates nobody
    actor, _ = rooms.join(session, room.join_code, 'phone-1')
    assert rooms.rejoin(session, room.join_code.lower(), 'phone-1') == actor
    assert rooms.rejoin(session, room_b.join_code, 'phone-1') is None
