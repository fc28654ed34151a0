"""The demo event: three breakout rooms to try SPCP Live with, created once and then reused."""
from __future__ import annotations

from sqlmodel import Session

from .domain.events import create_event, find_event
from .domain.models import Event
from .plan import load_plan

DEMO_EVENT_NAME = 'SPCP Live demo'
DEMO_ROOM_NAMES = (
    'Room A — Neighbourhood safety',
    'Room B — Youth and police',
    'Room C — Communication and trust',
)


def ensure_demo(session: Session) -> Event:
    """The event named ``SPCP Live demo``: the existing one, or a new one with three rooms."""
    event = find_event(session, DEMO_EVENT_NAME)
    if event is not None:
        return event
    return create_event(session, DEMO_EVENT_NAME, len(DEMO_ROOM_NAMES), load_plan(),
                        room_names=list(DEMO_ROOM_NAMES))
