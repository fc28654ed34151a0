"""The SPCP council (phase 5): people who volunteer, from their phone at Wrap-up, to carry the action
plan. Volunteering is the one thing a participant does under their own name, so it is kept apart from
everything they did anonymously and can never be joined to it:

* the entry holds the event and what the person typed: no participant, no device, no room, no time;
* its key is random (``uuid4``) and the table has no hidden rowid (``WITHOUT ROWID``), so neither the
  keys nor the order the rows are stored or read in follow the order people signed up in;
* the sign-up leaves nothing else behind: no receipt, no audit line (participants' actions are never
  audited), and the change it publishes says only that the event's list changed.

So a person may volunteer more than once (nothing records that they did; the organizer deletes a
duplicate). The consent is explicit: without it nothing is stored. Only the event's organizers read,
edit and delete the entries ("delete on request").
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlmodel import Session, select

from . import phases
from .access import Actor, require_participant
from .changes import Change, EventChange
from .errors import DomainError, NotFound, msgid
from .models import CouncilVolunteer
from .setup import optional_text, require_organizer
from .text import clean_text

MAX_NAME = 80
MAX_CONTACT = 120
MAX_AFFILIATION = 120
MAX_WHY = 1000
OPEN_PHASES = (phases.WRAPUP,)   # when a phone may volunteer (the plenary adds its own closing phase here)
NO_CONSENT = msgid('Please tick the box to agree that the organizers of this event see what you wrote.')


@dataclass(frozen=True)
class VolunteerDetails:
    name: str
    contact: str
    affiliation: str | None = None
    why: str | None = None


@dataclass(frozen=True)
class VolunteerView:
    id: str   # random: says nothing about when they signed up
    name: str
    contact: str
    affiliation: str | None
    why: str | None


@dataclass(frozen=True)
class CouncilChanged(EventChange):
    """The event's council list changed. It carries nothing else (no room: ``room_id`` is None)."""


def clean(details: VolunteerDetails) -> VolunteerDetails:
    """As stored: trimmed, optional ones ``None`` when blank; a refusal names what is missing."""
    name = optional_text(details.name, MAX_NAME)
    if name is None:
        raise DomainError('Please write your name.')
    contact = optional_text(details.contact, MAX_CONTACT)
    if contact is None:
        raise DomainError('Please write how the organizers can reach you (phone or email).')
    why = details.why
    why = None if why is None or (isinstance(why, str) and not why.strip()) else clean_text(why, MAX_WHY)
    return VolunteerDetails(name, contact, optional_text(details.affiliation, MAX_AFFILIATION), why)


def volunteer(session: Session, actor: Actor, room_id: int, details: VolunteerDetails, consent: bool
              ) -> list[Change]:
    """A participant volunteers for the council, agreeing that the event's organizers see it."""
    room = require_participant(session, actor, room_id)
    if room.phase not in OPEN_PHASES:
        raise DomainError('Volunteering for the council opens at the end of the session.')
    if consent is not True:
        raise DomainError(NO_CONSENT)
    details = clean(details)
    session.add(CouncilVolunteer(event_id=room.event_id, **asdict(details)))
    session.commit()
    return [CouncilChanged(None, room.event_id)]


def council(session: Session, actor: Actor, event_id: int) -> tuple[VolunteerView, ...]:
    """The event's volunteers, by name (for its organizers)."""
    require_organizer(session, actor, event_id)
    rows = session.exec(select(CouncilVolunteer).where(CouncilVolunteer.event_id == event_id)).all()
    return tuple(sorted((_view(row) for row in rows), key=lambda v: (v.name.casefold(), v.contact, v.id)))


def add_volunteer(session: Session, actor: Actor, event_id: int, details: VolunteerDetails
                  ) -> tuple[str, list[Change]]:
    """The organizer adds someone who volunteered in person or on paper."""
    require_organizer(session, actor, event_id)
    row = CouncilVolunteer(event_id=event_id, **asdict(clean(details)))
    session.add(row)
    session.commit()
    return row.id, [CouncilChanged(None, event_id)]


def edit_volunteer(session: Session, actor: Actor, event_id: int, volunteer_id: str, details: VolunteerDetails
                   ) -> list[Change]:
    require_organizer(session, actor, event_id)
    row = _entry(session, event_id, volunteer_id)
    details = clean(details)
    row.name, row.contact, row.affiliation, row.why = details.name, details.contact, details.affiliation, details.why
    session.commit()
    return [CouncilChanged(None, event_id)]


def delete_volunteer(session: Session, actor: Actor, event_id: int, volunteer_id: str) -> list[Change]:
    """Delete an entry (on its person's request): gone from the database, not hidden, and with SQLite's
    ``secure_delete`` its bytes are overwritten in the file too (copies made before, such as backups and
    exports, keep what they hold)."""
    require_organizer(session, actor, event_id)
    row = _entry(session, event_id, volunteer_id)
    if session.get_bind().dialect.name == 'sqlite':
        session.connection().exec_driver_sql('PRAGMA secure_delete=ON')
    session.delete(row)
    session.commit()
    return [CouncilChanged(None, event_id)]


def _entry(session: Session, event_id: int, volunteer_id: object) -> CouncilVolunteer:
    row = session.get(CouncilVolunteer, volunteer_id) if isinstance(volunteer_id, str) else None
    if row is None or row.event_id != event_id:
        raise NotFound('This entry is no longer in the list.')
    return row


def _view(row: CouncilVolunteer) -> VolunteerView:
    return VolunteerView(row.id, row.name, row.contact, row.affiliation, row.why)
