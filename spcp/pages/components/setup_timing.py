"""Dots per participant and each phase's minutes on the set-up page."""
from __future__ import annotations

from nicegui import ui

from ...domain import setup
from ...domain.rooms import MAX_TIMER_MINUTES
from ...domain.setup import MAX_DOTS, EventSetup
from .setup_desk import SetupDesk


def whole(value: object) -> object:
    """A number field's value as a whole number where it is one (else as it is, for the domain to refuse)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class TimingForm:
    def __init__(self, desk: SetupDesk, event: EventSetup) -> None:
        self.desk = desk
        self.saved_dots, self.saved_minutes = event.dots_per_participant, {p.id: p.minutes for p in event.phases}
        tr = desk.tr
        with ui.element('section').classes('setup-card').mark('timing-form'):
            ui.label(tr('Dots and minutes')).classes('setup-heading').props('role=heading aria-level=2')
            self.dots = ui.number(tr('Dots per participant'), value=event.dots_per_participant, min=1, max=MAX_DOTS,
                                  step=1, precision=0).props('outlined').classes('setup-number').mark('dots')
            ui.label(tr('Rooms that have started voting keep their dots.')).classes('setup-note')
            ui.label(tr('Minutes per phase')).classes('setup-subheading')
            with ui.element('div').classes('setup-minutes'):
                self.minutes = {p.id: ui.number(tr(p.title), value=p.minutes, min=1, max=MAX_TIMER_MINUTES, step=1,
                                                precision=0).props('outlined')
                                .classes('setup-number').mark(f'minutes-{p.id}') for p in event.phases}
            ui.label(tr('Each phase starts with this time on its timer.')).classes('setup-note')
            ui.button(tr('Save dots and minutes'), on_click=self.save).mark('save-timing')

    def save(self) -> None:
        tr, desk = self.desk.tr, self.desk
        dots = whole(self.dots.value)
        minutes = {phase: whole(field.value) for phase, field in self.minutes.items()}
        if dots != self.saved_dots:
            outcome = desk.act(setup.set_dots, event_id=desk.event_id, dots=dots)
            if not outcome.done:
                return
            self.saved_dots = dots
            if outcome.value:
                ui.notify(tr.plural('{n} room has started voting and keeps its dots.',
                                    '{n} rooms have started voting and keep their dots.', outcome.value),
                          position='bottom', multi_line=True)
        if minutes != self.saved_minutes:
            if not desk.act(setup.set_phase_minutes, event_id=desk.event_id, minutes=minutes).done:
                return
            self.saved_minutes = minutes
        ui.notify(tr('Saved.'), type='positive', position='bottom', timeout=2500)
