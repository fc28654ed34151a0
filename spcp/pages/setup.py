"""The organizer's set-up of an event before the day (``/organize/ID/setup``): its details, dots and
phase minutes, rooms, the posters to print, and a new event.

Signed in as on the organizer page (``organize.py``): the organizer link leaves a proof in this
browser; without one (or with a pending password) this page says so, as that page does.
"""
from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from .. import settings
from ..links import public_base
from .components.setup_desk import SetupDesk
from .components.setup_event import EventForm
from .components.setup_new_event import NewEventForm
from .components.setup_posters import PosterDownload
from .components.setup_rooms import RoomList
from .components.setup_timing import TimingForm
from .language import language_switch, reader
from .organize import organizer_signed_in
from .widgets import frame

CSS_VERSION = '2'


@ui.page('/organize/{event_id}/setup')
def setup_page(event_id: int, request: Request) -> None:
    tr = reader(request)
    frame(tr, tr('Set up the event'))
    actor = organizer_signed_in(tr, event_id, request)
    if actor is None:
        return
    desk = SetupDesk(tr, actor, event_id, public_base(str(request.base_url), settings.load()))
    event = desk.read()
    if event is None:
        return
    ui.add_head_html(f'<link rel="stylesheet" href="/assets/setup.css?v={CSS_VERSION}">')
    with ui.element('main').classes('setup'):
        with ui.element('div').classes('setup-head'):
            with ui.element('div').classes('setup-titles'):
                title = ui.label(event.name).classes('setup-title').props('role=heading aria-level=1 dir=auto')
                ui.label(tr('Set up the event')).classes('setup-subtitle')
            ui.link(tr('Back to the rooms'), f'/organize/{event_id}').classes('setup-link').mark('back-to-rooms')
            language_switch(tr)
        with ui.element('div').classes('setup-columns'):
            with ui.element('div').classes('setup-column'):
                EventForm(desk, event, on_saved=title.set_text)
                PosterDownload(desk)
                NewEventForm(desk)
            with ui.element('div').classes('setup-column'):
                RoomList(desk, event)
                TimingForm(desk, event)
