"""The facilitator's controls on the board (and, large, on the remote): the phase and its timer (every
phase), showing the votes (from Vote on), and the room's settings (who is expected, who is here, the board key)."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ...domain import phases, rooms
from ...domain.changes import Change, RevealChanged, TimerChanged
from ...domain.views import RoomView
from ..language import language_switch
from ..widgets import labelled
from .desk import Desk
from .rehearsal_controls import RehearsalControls, practice_room

REVEAL_PHASES = (phases.VOTE, phases.THEMES)


class PhaseControls:
    """Back, the phase list, Next; minutes, set, start, pause; show votes (in Vote and Themes).

    The board's sidebar has them compact (Back, Start and Pause as icons named by their aria label);
    ``large`` is the remote's phone layout: full-width buttons of finger size with their words."""

    def __init__(self, desk: Desk, view: RoomView, large: bool = False) -> None:
        self.desk, self.tr, self.large = desk, desk.tr, large
        self.phase, self.timer, self.revealed = view.phase, view.timer, view.revealed
        self.shown_phase: str | None = None
        with ui.column().classes('phone-section' if large else 'tool-box').mark('phase-controls'):
            self.build_phase(view)
            self.build_timer(view)
            self.reveal = ui.switch(self.tr('Show votes'), value=view.revealed,
                                    on_change=lambda e: self.set_reveal(bool(e.value))).mark('show-votes')
        self.show_phase(view)

    # ---------- building ----------

    def button(self, text: str, icon: str, on_click: Callable[[], object], unelevated: bool = False) -> ui.button:
        """A button named ``text``: its words shown on the remote, only its icon on the board (unless
        ``unelevated``, the board's main action, which shows its words too)."""
        button = ui.button(text if self.large or unelevated else '', icon=icon, on_click=on_click) \
            .props('unelevated' if unelevated else 'outline')
        if self.large:
            button.classes('big-btn grow')
        return labelled(button, aria_label=text)

    def build_phase(self, view: RoomView) -> None:
        if self.large:  # the list on its own line, then Back and Next side by side
            self.build_select(view)
        with ui.row().classes('w-full no-wrap' if self.large else 'tool-row no-wrap'):
            self.back = self.button(self.tr('Back'), 'chevron_left', lambda: self.step(False)).mark('phase-back')
            if not self.large:
                self.build_select(view)
            self.next = self.button(self.tr('Next phase'), 'chevron_right', lambda: self.step(True),
                                    unelevated=True).mark('next-phase')

    def build_select(self, view: RoomView) -> None:
        self.select = ui.select({p.id: self.tr(p.title) for p in view.phases}, value=view.phase,
                                on_change=lambda e: self.set_phase(e.value)) \
            .props('outlined' if self.large else 'dense outlined') \
            .classes('w-full' if self.large else 'grow').mark('phase-select')

    def build_timer(self, view: RoomView) -> None:
        with ui.row().classes('w-full items-center no-wrap' if self.large else 'tool-row no-wrap'):
            self.minutes = ui.number(self.tr('Minutes'), value=view.current.minutes, min=1, max=240, step=1) \
                .props('outlined' if self.large else 'dense outlined') \
                .classes('grow' if self.large else 'w-24').mark('timer-minutes')
            ui.button(self.tr('Set minutes'), on_click=self.set_timer).mark('set-timer') \
                .classes('big-btn' if self.large else '').props('' if self.large else 'outline')
            if not self.large:
                self.timer_buttons()
        if self.large:  # Start and Pause on a line of their own, as wide as the phone
            with ui.row().classes('w-full no-wrap'):
                self.timer_buttons()

    def timer_buttons(self) -> None:
        self.button(self.tr('Start timer'), 'play_arrow', self.start_timer).mark('start-timer')
        self.button(self.tr('Pause timer'), 'pause', lambda: self.desk.act(rooms.stop_timer)).mark('pause-timer')

    # ---------- following the room ----------

    def show_phase(self, view: RoomView) -> None:
        if view.phase != self.shown_phase:  # a new phase: its own minutes; else keep what the facilitator typed
            self.minutes.set_value(view.current.minutes)
            self.shown_phase = view.phase
        self.phase = view.phase
        self.select.set_value(view.phase)
        labelled(self.select, aria_label=self.tr('Phase: {phase}', phase=self.tr(view.current.title)))
        self.next.set_enabled(phases.next_phase(view.phase, view.kind) is not None)  # none after the last
        self.back.set_enabled(phases.previous_phase(view.phase, view.kind) is not None)  # none before the first
        self.reveal.set_visibility(view.phase in REVEAL_PHASES)
        self.revealed = view.revealed
        self.reveal.set_value(view.revealed)

    def apply(self, change: Change) -> None:
        if isinstance(change, TimerChanged):
            self.timer = change.timer
        elif isinstance(change, RevealChanged):
            self.revealed = change.revealed
            self.reveal.set_value(change.revealed)

    # ---------- acting ----------

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

    def set_reveal(self, revealed: bool) -> None:
        if revealed == self.revealed:
            return  # the switch followed the room (another screen showed the votes)
        if self.desk.act(rooms.reveal_votes, revealed=revealed).done:
            self.revealed = revealed
        else:
            self.reveal.set_value(self.revealed)


class RoomSettings:
    """Who is in the room (facilitator only): expected size, phones connected, refused joins, the key; in a
    practice room, its rehearsal with simulated phones."""

    def __init__(self, desk: Desk, view: RoomView, on_rotate: Callable[[], None]) -> None:
        self.desk, tr = desk, desk.tr
        with ui.expansion(tr('Room settings'), icon='settings').classes('tool-box w-full').mark('room-settings'):
            with ui.row().classes('tool-row no-wrap'):
                self.expected = ui.number(tr('People expected'), value=view.expected_size, min=1, max=2000, step=1) \
                    .props('dense outlined').classes('w-36').mark('expected-size')
                ui.button(tr('Set number'), on_click=self.set_expected).props('outline').mark('set-expected')
            language_switch(tr)
            ui.button(tr('Change the board key'), icon='key', on_click=on_rotate).props('flat').mark('rotate-key')
            if practice_room(desk):  # simulated phones: only in a practice room
                RehearsalControls(desk)

    def show_phase(self, view: RoomView) -> None:
        pass

    def apply(self, change: Change) -> None:
        pass

    def set_expected(self) -> None:
        value = self.expected.value
        self.desk.act(rooms.set_expected_size, size=int(value) if value else None)

