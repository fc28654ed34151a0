"""The organizer's overview of an event: every room, its links and how far it has got.
(The plenary, action plan, council and exports come in later issues.)"""
from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from .. import db
from ..domain import access, events
from ..domain.errors import DomainError
from ..domain.events import format_code
from ..domain.models import Event
from ..domain.views import participant_count
from ..i18n import t
from .board import public_base
from .widgets import frame


@ui.page('/organize/{event_id}')
def organize_page(event_id: int, request: Request, key: str = '') -> None:
    frame(t('SPCP Live organizer'))
    try:
        with db.session() as session:
            access.organizer(session, event_id, key)
            event = session.get(Event, event_id)
            rows = [(room, participant_count(session, room.id)) for room in events.rooms_of(session, event_id)]
    except DomainError as error:
        with ui.column().classes('phone'):
            ui.label(error.message).classes('phone-phase')
        return
    base = public_base(request)
    titles = {p['id']: p['title'] for p in event.plan['phases']}
    with ui.column().classes('board'):
        ui.label(event.name).classes('board-title').props('role=heading aria-level=1')
        for room, people in rows:
            with ui.row().classes('controls text-xl'):
                ui.label(room.name).classes('font-bold')
                ui.label(format_code(room.join_code))
                ui.label(t('Phase: {phase}', phase=t(titles.get(room.phase, room.phase))))
                ui.label(t('{n} joined', n=people))
                ui.link(t('Join link'), f'{base}/r/{room.join_code}')
                ui.link(t('Open board'), f'/board/{room.join_code}?key={key}')
