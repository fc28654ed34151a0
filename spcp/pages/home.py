"""The short home page: type the room code read out by the facilitator."""
from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from .. import entry
from .language import language_switch, reader
from .privacy import privacy_button
from .widgets import client_address, frame, tell


@ui.page('/')
def home_page(request: Request) -> None:
    tr = reader(request)
    frame(tr, tr('SPCP Live'))
    with ui.column().classes('phone'):
        with ui.row().classes('w-full justify-end items-center gap-1'):
            privacy_button(tr)
            language_switch(tr)
        ui.label(tr('SPCP Live')).classes('phone-phase').props('role=heading aria-level=1')
        ui.label(tr('Strengthening Police and Community Partnerships')).classes('phone-room')
        ui.label(tr('Type the room code shown on the screen.')).classes('phone-prompt')
        code = ui.input(tr('Room code'), placeholder='KMR-472') \
            .props('outlined autofocus autocapitalize=characters autocomplete=off maxlength=12 input-class=text-2xl') \
            .classes('w-full')
        code.props['hint'] = tr('3 letters, then 3 numbers, as on the screen')

        address = client_address(request)

        def join() -> None:  # wrong codes count against this address: codes cannot be tried one by one
            if not (code.value or '').strip():
                ui.notify(tr('Type the room code shown on the screen.'), type='warning', position='top')
                return
            found = entry.find_room(code.value or '', address=address)
            if tell(tr, found):
                ui.navigate.to(f'/r/{found.value.code}')

        code.on('keydown.enter', join)
        ui.button(tr('Join'), icon='login', on_click=join).classes('big-btn w-full')
        ui.label(tr('You stay anonymous. Nothing you write is linked to your name.')).classes('notice')
