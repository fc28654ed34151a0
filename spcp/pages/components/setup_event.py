"""The event's details on the set-up page: name, date, venue, the posters' languages and Wi-Fi."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement

from ...domain import setup
from ...domain.setup import EventDetails, EventSetup
from ...i18n import LOCALES
from .setup_desk import SetupDesk


def day(text: str | None) -> dt.date | str | None:
    """The date field's ``YYYY-MM-DD`` as a day; anything else goes on as typed, for the domain to refuse."""
    text = (text or '').strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


class EventForm:
    def __init__(self, desk: SetupDesk, event: EventSetup, on_saved: Callable[[str], None]) -> None:
        self.desk, self.on_saved = desk, on_saved
        tr = desk.tr
        with ui.element('section').classes('setup-card').mark('event-form'):
            ui.label(tr('The event')).classes('setup-heading').props('role=heading aria-level=2')
            self.name = ui.input(tr('Event name'), value=event.name).props('outlined dir=auto maxlength=120') \
                .classes('setup-wide').mark('event-name')
            with ui.element('div').classes('setup-fields'):
                self.date = ui.input(tr('Date'), value=event.date.isoformat() if event.date else '') \
                    .props('outlined stack-label type=date').mark('event-date')
                self.venue = ui.input(tr('Venue'), value=event.venue or '').props('outlined dir=auto maxlength=200') \
                    .classes('setup-grow').mark('event-venue')
            with ui.element('fieldset').classes('setup-languages'):
                TextElement(tag='legend', text=tr('Languages of the posters')).classes('setup-label')
                self.languages = {code: ui.checkbox(name, value=code in event.languages).mark(f'language-{code}')
                                  for code, name in LOCALES.items()}
            with ui.element('div').classes('setup-fields'):
                self.wifi_name = ui.input(tr('Wi-Fi name'), value=event.wifi_name or '') \
                    .props('outlined maxlength=64').classes('setup-grow').mark('wifi-name')
                self.wifi_password = ui.input(tr('Wi-Fi password'), value=event.wifi_password or '') \
                    .props('outlined maxlength=64').classes('setup-grow').mark('wifi-password')
            ui.label(tr('The Wi-Fi name and password are printed on the posters for everyone in the hall.')) \
                .classes('setup-note')
            ui.label(tr('A laptop hotspot often carries only 8 to 10 phones. For a hall, use a travel router or '
                        "the venue's Wi-Fi, with this laptop on it. The posters tell people to turn off mobile "
                        'data if the page does not open.')).classes('setup-note').mark('network-note')
            ui.button(tr('Save the event'), on_click=self.save).mark('save-event')

    def details(self) -> EventDetails:
        return EventDetails(self.name.value or '', day(self.date.value), self.venue.value,
                            tuple(code for code, box in self.languages.items() if box.value),
                            self.wifi_name.value, self.wifi_password.value)

    def save(self) -> None:
        details = self.details()
        if self.desk.act(setup.edit_event, event_id=self.desk.event_id, details=details,
                         done=self.desk.tr('Saved.')).done:
            self.on_saved(details.name.strip())
