"""The short home page: type the room code read out by the facilitator."""
from __future__ import annotations

from nicegui import ui

from .. import db
from ..domain.access import normalize_code, room_by_code
from ..domain.errors import DomainError
from ..i18n import t
from .widgets import frame


@ui.page('/')
def home_page() -> None:
    frame(t('SPCP Live'))
    with ui.column().classes('phone'):
        ui.label(t('SPCP Live')).classes('phone-phase').props('role=heading aria-level=1')
        ui.label(t('Strengthening Police and Community Partnerships')).classes('phone-room')
        ui.label(t('Type the room code shown on the screen.')).classes('phone-prompt')
        code = ui.input(t('Room code'), placeholder='KMR-472') \
            .props('outlined autofocus autocapitalize=characters autocomplete=off maxlength=12 input-class=text-2xl') \
            .classes('w-full')

        def join() -> None:
            try:
                with db.session() as session:
                    room = room_by_code(session, code.value or '')
            except DomainError as error:
                ui.notify(error.message, type='warning', position='top')
                return
            ui.navigate.to(f'/r/{normalize_code(room.join_code)}')

        code.on('keydown.enter', join)
        ui.button(t('Join'), icon='login', on_click=join).classes('big-btn w-full')
        ui.label(t('You stay anonymous. Nothing you write is linked to your name.')).classes('notice')
