"""The facilitator's controls on the board: the phase and its timer (every phase), showing the votes
(from Vote on), and the room's settings (who is expected, who is here, the board key)."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ...domain import phases, rooms
from ...domain.changes import Change, RevealChanged, TimerChanged
from ...domain.views import RoomView
from ..language import language_switch
from ..widgets import labelled
from .desk import Desk

REVEAL_PHASES = (phases.VOTE, phases.THEMES)


class PhaseControls:
    """Back, the phase list, Next; minutes, set, start, pause; show votes."""

    def __init__(self, desk: Desk, view: RoomView) -> None:
        self.desk, tr = desk, desk.tr
        self.phase, self.timer = view.phase, view.timer
        with ui.column().classes('tool-box'):
            with ui.row().classes('tool-row no-wrap'):
                labelled(ui.button(icon='chevron_left', on_click=lambda: self.step(False)).props('outline'),
                         aria_label=tr('Back'))
                self.select = ui.select({p.id: tr(p.title) for p in view.phases}, value=view.phase,
                                        on_change=lambda e: self.set_phase(e.value)) \
                    .props('dense outlined').classes('grow').mark('phase-select')
                self.next = ui.button(tr('Next phase'), icon='chevron_right', on_click=lambda: self.step(True)) \
                    .props('unelevated').mark('next-phase')
            with ui.row().classes('tool-row no-wrap'):
                self.minutes = ui.number(tr('Minutes'), value=view.current.minutes, min=1, max=240, step=1) \
                    .props('dense outlined').classes('w-24')
                ui.button(tr('Set minutes'), on_click=self.set_timer).props('outline')
                labelled(ui.button(icon='play_arrow', on_click=self.start_timer).props('outline'),
                         aria_label=tr('Start timer'))
                labelled(ui.button(icon='pause', on_click=lambda: self.desk.act(rooms.stop_timer)).props('outline'),
                         aria_label=tr('Pause timer'))
            self.reveal = ui.switch(tr('Show votes'), value=view.revealed,
                                    on_change=lambda e: self.desk.act(rooms.reveal_votes, revealed=bool(e.value)))
        self.show_phase(view)

    def show_phase(self, view: RoomView) -> None:
        if view.phase != self.phase or not hasattr(self, 'shown'):  # keep minutes the facilitator typed
            self.minutes.set_value(view.current.minutes)
            self.shown = True
        self.phase = view.phase
        self.select.set_value(view.phase)
        self.next.set_enabled(phases.next_phase(view.phase) is not None)  # none after the last
        self.reveal.set_visibility(view.phase in REVEAL_PHASES)
        self.reveal.set_value(view.revealed)

    def apply(self, change: Change) -> None:
        if isinstance(change, TimerChanged):
            self.timer = change.timer
        elif isinstance(change, RevealChanged):
            self.reveal.set_value(change.revealed)

    def step(self, forward: bool) -> None:
        self.desk.act(rooms.step_phase, forward=forward)

    def set_phase(self, phase: str) -> None:
        if phase != self.phase:
            self.desk.act(rooms.set_phase, phase=phase)

    def set_timer(self) -> None:
        self.desk.act(rooms.set_timer, minutes=float(self.minutes.value or 0))

    def start_timer(self) -> None:
        """Play: starts the countdown, first setting it from the minutes field if none is set."""
        if self.timer.seconds_left() in (None, 0) and not self.desk.act(
                rooms.set_timer, minutes=float(self.minutes.value or 0)).done:
            return
        self.desk.act(rooms.start_timer)


class RoomSettings:
    """Who is in the room (facilitator only): expected size, phones connected, refused joins, the key."""

    def __init__(self, desk: Desk, view: RoomView, on_rotate: Callable[[], None]) -> None:
        self.desk, tr = desk, desk.tr
        with ui.expansion(tr('Room settings'), icon='settings').classes('tool-box w-full').mark('room-settings'):
            with ui.row().classes('tool-row no-wrap'):
                self.expected = ui.number(tr('People expected'), value=view.expected_size, min=1, max=2000, step=1) \
                    .props('dense outlined').classes('w-36').mark('expected-size')
                ui.button(tr('Set number'), on_click=self.set_expected).props('outline').mark('set-expected')
            language_switch(tr)
            ui.button(tr('Change the board key'), icon='key', on_click=on_rotate).props('flat').mark('rotate-key')

    def show_phase(self, view: RoomView) -> None:
        pass

    def apply(self, change: Change) -> None:
        pass

    def set_expected(self) -> None:
        value = self.expected.value
        self.desk.act(rooms.set_expected_size, size=int(value) if value else None)

