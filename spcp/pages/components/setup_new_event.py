"""The set-up page's "New event": the organizer starts another event (one room, the session plan's
settings) and is signed in to it at once, as their organizer link would sign them in."""
from __future__ import annotations

from nicegui import app, ui

from ...domain import setup
from ...domain.setup import MAX_EVENT_NAME, EventDetails
from ...plan import load_plan
from ..widgets import remember_proof
from .setup_desk import SetupDesk


class NewEventForm:
    def __init__(self, desk: SetupDesk) -> None:
        self.desk = desk
        self.storage = app.storage.user  # this browser's, kept for the handler
        tr = desk.tr
        with ui.element('section').classes('setup-card').mark('new-event'):
            ui.label(tr('New event')).classes('setup-heading').props('role=heading aria-level=2')
            with ui.element('div').classes('setup-fields'):
                self.name = ui.input(tr('Name of the new event')) \
                    .props(f'outlined dir=auto maxlength={MAX_EVENT_NAME}').classes('setup-grow').mark('new-event-name')
                ui.button(tr('Create event'), icon='add', on_click=self.create).props('outline').mark('create-event')

    def create(self) -> None:
        outcome = self.desk.act(setup.new_event, details=EventDetails(self.name.value or ''), plan=load_plan())
        if outcome.done:
            remember_proof('event', outcome.value.event_id, outcome.value.proof, self.storage)
            ui.navigate.to(f'/organize/{outcome.value.event_id}/setup')
