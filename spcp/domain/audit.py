"""The audit log: what facilitators and organizers did (which role, which room, what, when).

The seam (``actions.perform``) records every staff action that was done; a participant's action is
never recorded, and an entry holds nothing that could tell who wrote, voted or joined: no participant
id, no device, no text typed, only the action's name and, for a phase or a switch, what it was set to.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from .access import Actor, Role
from .changes import AuditRecorded, AuditView, Change, PhaseChanged
from .models import AuditEntry, Room, as_utc
from .setup import require_organizer

SWITCHES = ('hidden', 'revealed', 'on')  # an action's on/off argument worth keeping
LOG_LENGTH = 200                          # entries the organizer's page shows


def action_name(action: Any) -> str:
    """``rooms.set_phase`` for :func:`spcp.domain.rooms.set_phase`."""
    module = getattr(action, '__module__', '') or ''
    return f'{module.rsplit(".", 1)[-1]}.{getattr(action, "__name__", "action")}'


def record(session: Session, actor: Actor, action: str, arguments: dict[str, Any],
           changes: list[Change]) -> AuditRecorded | None:
    """Write a staff actor's action to the event's log (nothing for a participant) and commit."""
    if actor.role is Role.PARTICIPANT:
        return None
    room_id = _room_of(actor, arguments)
    entry = AuditEntry(event_id=actor.event_id, room_id=room_id, role=actor.role.value, action=action,
                       detail=_detail(arguments, changes))
    session.add(entry)
    session.commit()
    room = session.get(Room, room_id) if room_id is not None else None
    return AuditRecorded(room_id, actor.event_id, _view(entry, room.name if room else None))


def log(session: Session, actor: Actor, event_id: int, limit: int = LOG_LENGTH) -> tuple[AuditView, ...]:
    """The event's latest entries, newest first (for its organizer)."""
    require_organizer(session, actor, event_id)
    names = dict(session.exec(select(Room.id, Room.name).where(Room.event_id == event_id)).all())
    entries = session.exec(select(AuditEntry).where(AuditEntry.event_id == event_id)
                           .order_by(col(AuditEntry.id).desc()).limit(limit)).all()
    return tuple(_view(e, names.get(e.room_id)) for e in entries)


def _room_of(actor: Actor, arguments: dict[str, Any]) -> int | None:
    room_id = arguments.get('room_id')
    some = arguments.get('room_ids')
    if room_id is None and isinstance(some, list | tuple) and len(some) == 1:
        room_id = some[0]
    if room_id is None and 'room_ids' not in arguments:
        room_id = actor.room_id  # a facilitator's own room (None for the organizer's event-wide actions)
    return room_id if isinstance(room_id, int) and not isinstance(room_id, bool) else None


def _detail(arguments: dict[str, Any], changes: list[Change]) -> str | None:
    """The phase a room went to, or whether a switch was turned on or off; nothing else."""
    phase = next((c.phase for c in changes if isinstance(c, PhaseChanged)), None)
    if phase is not None:
        return phase
    switch = next((key for key in SWITCHES if key in arguments), None)
    return None if switch is None else ('on' if arguments[switch] else 'off')


def _view(entry: AuditEntry, room_name: str | None) -> AuditView:
    return AuditView(entry.id, entry.room_id, room_name, entry.role, entry.action, entry.detail,
                     as_utc(entry.created_at).timestamp())
