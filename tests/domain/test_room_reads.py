"""The shared room read (spcp/room_reads.py): pages re-reading a room after the same change share
one read, each still sees only what it may (a participant never what staff see), and a published
change makes the next read fresh."""
from __future__ import annotations

import pytest

from spcp import live, room_reads
from spcp.domain import cards, rooms, views, voting
from spcp.domain.changes import CardChanged


@pytest.fixture(autouse=True)
def fresh_reads():
    room_reads.reset()
    yield
    room_reads.reset()


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    """Room ids read from the database by room_reads."""
    done: list[int] = []
    real = room_reads.room_state

    def counted(session, room_id):
        done.append(room_id)
        return real(session, room_id)
    monkeypatch.setattr(room_reads, 'room_state', counted)
    return done


def test_pages_share_one_read_and_each_sees_its_own(session, room, fac, p1, p2, write, goto, key, reads):
    goto(fac, room, 'issues')
    a = write(p1, room, 'Lights out')
    goto(fac, room, 'vote')
    voting.add_dot(session, p1, room.id, a, key())
    views_read = [room_reads.snapshot(session, actor, room.id) for actor in (p1, p2, fac)]
    assert reads == [room.id]  # one read for the three
    for actor, seen in zip((p1, p2, fac), views_read, strict=True):
        assert seen == views.snapshot(session, actor, room.id)  # exactly what a read of its own gives
    assert views_read[0].me.dots == {a: 1} and views_read[1].me.dots == {}


def test_a_participant_never_sees_what_staff_see_in_the_shared_read(session, room, fac, p1, p2, write, goto):
    goto(fac, room, 'issues')
    hidden = write(p1, room, 'Rude words')
    cards.set_hidden(session, fac, room.id, hidden, True)
    rooms.set_review(session, fac, room.id, True)
    waiting = write(p1, room, 'Waiting for review')
    staff = room_reads.snapshot(session, fac, room.id)  # the facilitator's board reads first
    assert {c.id for c in staff.cards} == {hidden, waiting} and staff.pending_count == 1
    other = room_reads.snapshot(session, p2, room.id)
    author = room_reads.snapshot(session, p1, room.id)
    assert other.cards == () and other.pending_count == 0
    assert [c.id for c in author.cards] == [waiting]  # only its author sees a waiting card


def test_a_published_change_makes_the_next_read_fresh(session, room, fac, p1, write, goto, reads):
    goto(fac, room, 'issues')
    assert room_reads.snapshot(session, p1, room.id).cards == ()
    card_id = write(p1, room, 'Written after the read')
    assert room_reads.snapshot(session, p1, room.id).cards == ()  # not published yet: the shared read stands
    live.publish([CardChanged(room.id, views.card_view(session, session.get(views.Card, card_id)))])
    assert [c.text for c in room_reads.snapshot(session, p1, room.id).cards] == ['Written after the read']
    assert reads == [room.id, room.id]


def test_a_shared_read_refuses_a_reader_from_another_room(session, room, room_b, fac, fac_b):
    room_reads.snapshot(session, fac, room.id)
    with pytest.raises(views.NotAllowed):
        room_reads.snapshot(session, fac_b, room.id)


def test_who_is_connected_does_not_make_the_room_read_again(session, room, fac, p1, reads) -> None:
    """A phone arriving or leaving (PresenceChanged) changes nothing the read holds: 300 phones arriving
    in the plenary must not read the room 300 times. Any other change does."""
    from spcp.domain.changes import PresenceChanged, TimerChanged
    from spcp.domain.views import TimerView
    room_reads.snapshot(session, p1, room.id)
    live.publish([PresenceChanged(room.id, 5)])
    room_reads.snapshot(session, p1, room.id)
    assert reads == [room.id]
    live.publish([TimerChanged(room.id, TimerView(None, 60))])
    room_reads.snapshot(session, p1, room.id)
    assert reads == [room.id, room.id]
