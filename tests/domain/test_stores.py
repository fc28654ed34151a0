"""What differs between SQLite and PostgreSQL and must not show: a unique key hit by two writers at once,
and times (PostgreSQL's columns are zoned, SQLite's are text; the test server's zone is not UTC).
Like every domain test these run on both stores (the ``engine`` fixture)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import event as sa_event
from sqlmodel import Session, func, select

from spcp.domain import rooms, views
from spcp.domain.models import Participant, Room, as_utc


def test_the_same_phone_joining_twice_at_once_is_one_participant(engine, session, new_session, room):
    """rooms.join reads, finds no participant, inserts: another request for the same phone may insert
    between the two. The unique key refuses the second row (IntegrityError on both stores; PostgreSQL
    also aborts the transaction) and join takes the other request's row."""
    other: list[int] = []

    def the_other_request_gets_there_first(_session, _context, _instances) -> None:
        if other:
            return  # only the first flush races
        with new_session() as s:
            participant = Participant(room_id=room.id, device='phone-1')
            s.add(participant)
            s.commit()
            other.append(participant.id)

    sa_event.listen(session, 'before_flush', the_other_request_gets_there_first)
    try:
        actor, changes = rooms.join(session, room.join_code, 'phone-1')
    finally:
        sa_event.remove(session, 'before_flush', the_other_request_gets_there_first)
    assert (actor.participant_id, changes) == (other[0], [])
    count = select(func.count()).select_from(Participant).where(Participant.room_id == room.id)
    assert new_session().exec(count).one() == 1


def test_a_moment_comes_back_as_the_same_instant_in_utc(engine, session, room):
    """Stored from any zone, read back (by another session) as the same instant, in UTC."""
    moment = datetime(2026, 3, 8, 1, 30, tzinfo=timezone(timedelta(hours=-5)))  # a DST night in New York
    room.timer_ends_at = moment
    session.add(room)
    session.commit()
    with Session(engine) as fresh:
        stored = as_utc(fresh.get(Room, room.id).timer_ends_at)
    assert stored == moment and stored.utcoffset() == timedelta(0)
    assert views.timer_view(room).ends_at == moment.timestamp()


def test_times_written_by_the_domain_compare_and_order_on_the_server(engine, session, new_session, room, join):
    """created_at is compared by the database itself (dashboard activity, audit order): the server's zone
    must not shift it."""
    before = datetime.now(UTC) - timedelta(seconds=1)
    joined = join(room)
    fresh = new_session()
    later = fresh.exec(select(func.count()).select_from(Participant)
                       .where(Participant.id == joined.participant_id, Participant.joined_at >= before)).one()
    assert later == 1
    newest = fresh.exec(select(func.max(Participant.joined_at)).where(Participant.room_id == room.id)).one()
    assert as_utc(newest) >= before


def test_deleting_an_event_erases_its_rows_on_either_store(engine, session, event, room, fac, join, goto, write):
    """SQLite overwrites the freed space (secure_delete); PostgreSQL has no such switch and must not be sent it."""
    from spcp.domain.access import organizer
    from spcp.exports import archive
    goto(fac, room, 'issues')
    write(join(room), room, 'Officers should learn our names')
    erased = archive.delete_event(session, organizer(session, event.id, event.organizer_key), event.id)
    fresh = Session(engine)
    left = {model.__name__: fresh.exec(select(func.count()).select_from(model)).one()
            for model in (Participant, Room)}
    fresh.close()
    assert erased > 4 and left == {'Participant': 0, 'Room': 0}
