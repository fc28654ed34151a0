"""The facilitator's remote: the board's controls on a phone, ``/remote/CODE``.

The facilitator walks the room with it while the laptop projects the board in Present mode:
phase, timer, showing the votes, hiding a card, paper cards and the review queue. It signs in as
the board does (the same facilitator link with ``/remote/`` in place of ``/board/``, or a browser
already signed in to that board, or an organizer of the event) and acts through the same ``Desk``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .. import entry, live
from ..actions import Outcome
from ..domain import cards, phases, rooms
from ..domain.access import normalize_code
from ..domain.changes import CardChanged, CardRemoved, Change, KeyRotated, PhaseChanged, RevealChanged, TimerChanged
from ..domain.errors import DomainError
from ..domain.views import CardView, RoomView
from .board import SIGNED_OUT, event_proof_for, sign_in, signed_out
from .components.desk import Desk, Tool
from .components.paper_tools import PaperTools
from .components.review_queue import ReviewQueue
from .language import language_switch, reader
from .widgets import frame, labelled, proof_of, refusal_page, show_timer, timer_label


@ui.page('/remote/{code}')
def remote_page(code: str, request: Request, key: str = '') -> RedirectResponse | None:
    clean = normalize_code(code) or 'X'
    if key:
        return sign_in('room', clean, entry.sign_in_board(code, key), f'/remote/{quote(clean)}')
    tr = reader(request)
    frame(tr, tr('SPCP Live remote'))
    found = entry.board_actor(clean, proof_of('room', clean) or event_proof_for(clean))
    if not found.done:
        refusal_page(tr, tr('Cannot open the remote'), signed_out(found))
        return None
    desk = Desk(tr, found.value, found.value.room_id)
    Remote(desk, desk.view())
    return None


class Remote:
    """One facilitator's remote for one room: its own controls, then the tools, all kept live."""

    def __init__(self, desk: Desk, view: RoomView) -> None:
        self.desk, self.tr, self.view = desk, desk.tr, view
        self.storage = app.storage.user  # this browser's, for a key changed on its own board
        self.signed_out = False
        self.timer_view, self.revealed = view.timer, view.revealed
        self.cards: dict[int, CardView] = {}
        self.card_buttons: dict[int, ui.button] = {}
        with ui.column().classes('phone').mark('remote') as self.root:
            self.build_top(view)
            self.build_phase(view)
            self.build_timer(view)
            ui.separator()
            self.build_cards(view)
            ui.separator()
            self.tools: list[Tool] = [PaperTools(desk, view), ReviewQueue(desk, view)]
        self.show_phase(view)
        live.subscribe(view.id, self.apply)

    # ---------- building ----------

    def build_top(self, view: RoomView) -> None:
        with ui.column().classes('phone-top'):
            with ui.row().classes('w-full items-center justify-between no-wrap'):
                ui.label(f'{view.event_name} · {view.name}').classes('phone-room').props('dir=auto')
                language_switch(self.tr)
            self.phase_label = ui.label().classes('phone-phase').props('role=heading aria-level=1') \
                .mark('remote-phase-title')
            self.timer = timer_label(self.tr, view.timer, 'phone-meta').mark('remote-timer')

    def build_phase(self, view: RoomView) -> None:
        with ui.column().classes('phone-section'):
            self.phase_select = labelled(
                ui.select({p.id: self.tr(p.title) for p in view.phases}, value=view.phase,
                          on_change=lambda e: self.set_phase(e.value)).props('outlined').classes('w-full'),
                aria_label=self.tr('Phase: {phase}', phase=self.tr(view.current.title))).mark('remote-phase')
            with ui.row().classes('w-full no-wrap'):
                ui.button(self.tr('Back'), icon='chevron_left', on_click=lambda: self.act(rooms.step_phase,
                                                                                            forward=False)) \
                    .classes('big-btn grow').props('outline').mark('remote-back')
                self.next_button = ui.button(self.tr('Next phase'), icon='chevron_right',
                                             on_click=lambda: self.act(rooms.step_phase, forward=True)) \
                    .classes('big-btn grow').props('unelevated').mark('remote-next')

    def build_timer(self, view: RoomView) -> None:
        with ui.column().classes('phone-section'):
            with ui.row().classes('w-full items-center no-wrap'):
                self.minutes = ui.number(self.tr('Minutes'), value=view.current.minutes, min=1, max=240, step=1) \
                    .props('outlined').classes('grow').mark('remote-minutes')
                ui.button(self.tr('Set minutes'), on_click=self.set_timer).classes('big-btn').mark('remote-set-timer')
            with ui.row().classes('w-full no-wrap'):
                ui.button(self.tr('Start timer'), icon='play_arrow', on_click=self.start_timer) \
                    .classes('big-btn grow').props('outline').mark('remote-start')
                ui.button(self.tr('Pause timer'), icon='pause', on_click=lambda: self.act(rooms.stop_timer)) \
                    .classes('big-btn grow').props('outline').mark('remote-pause')
            self.reveal_switch = ui.switch(self.tr('Show votes'), value=view.revealed,
                                           on_change=lambda e: self.reveal(bool(e.value))).mark('remote-reveal')

    def build_cards(self, view: RoomView) -> None:
        with ui.column().classes('phone-section'):
            ui.label(self.tr('Issues')).classes('phone-heading')
            ui.label(self.tr('Tap a card to hide it from the room. Tap it again to show it.')).classes('phone-note')
            self.card_list = ui.column().classes('w-full gap-2').mark('remote-cards')
        for card in view.cards:
            self.upsert_card(card)

    # ---------- the room's cards ----------

    def upsert_card(self, card: CardView) -> None:
        """A card the room has (shown or hidden); one waiting for review is in the review queue instead."""
        if card.pending:
            self.remove_card(card.id)
            return
        self.cards[card.id] = card
        button = self.card_buttons.get(card.id)
        if button is None:
            with self.card_list:
                button = ui.button(card.text, on_click=lambda c=card.id: self.toggle_card(c), color=None) \
                    .props('no-caps align=left dir=auto').classes('vote-card w-full').mark('remote-card')
            self.card_buttons[card.id] = button
        button.set_text(card.text)
        button.props['icon'] = 'visibility_off' if card.hidden else None
        button.props['data-hidden'] = 'true' if card.hidden else None
        button.classes(add='line-through opacity-60' if card.hidden else '',
                       remove='' if card.hidden else 'line-through opacity-60')
        button.update()

    def remove_card(self, card_id: int) -> None:
        self.cards.pop(card_id, None)
        if card_id in self.card_buttons:
            self.card_buttons.pop(card_id).delete()

    def toggle_card(self, card_id: int) -> None:
        card = self.cards.get(card_id)
        if card is not None:
            self.act(cards.set_hidden, card_id=card_id, hidden=not card.hidden)

    # ---------- what the room is doing ----------

    def show_phase(self, view: RoomView) -> None:
        self.view = view
        self.phase_label.set_text(self.tr(view.current.title))
        self.phase_select.set_value(view.phase)
        self.phase_select.props['aria-label'] = self.tr('Phase: {phase}', phase=self.tr(view.current.title))
        self.phase_select.update()
        self.minutes.set_value(view.current.minutes)
        self.next_button.set_enabled(phases.next_phase(view.phase) is not None)  # none after the last
        for tool in self.tools:
            tool.show_phase(view)

    def apply(self, change: Change) -> None:
        if self.signed_out:
            return
        if isinstance(change, PhaseChanged):
            self.reload()
        elif isinstance(change, TimerChanged):
            self.timer_view = change.timer
            show_timer(self.timer, change.timer)
        elif isinstance(change, RevealChanged):
            self.revealed = change.revealed
            self.reveal_switch.set_value(change.revealed)
        elif isinstance(change, CardChanged):
            self.upsert_card(change.card)
        elif isinstance(change, CardRemoved):
            self.remove_card(change.card_id)
        elif isinstance(change, KeyRotated):
            self.check_still_signed_in()
        if not self.signed_out:
            for tool in self.tools:
                tool.apply(change)

    def reload(self) -> None:
        try:
            view = self.desk.view()
        except DomainError:  # signed out meanwhile (the key was changed)
            self.sign_out()
            return
        self.show_phase(view)

    # ---------- facilitator actions ----------

    def act(self, action: Callable[..., Any], **kwargs: Any) -> Outcome:
        return self.desk.act(action, **kwargs)

    def set_phase(self, phase: str) -> None:
        if phase != self.view.phase:
            self.act(rooms.set_phase, phase=phase)

    def set_timer(self) -> None:
        self.act(rooms.set_timer, minutes=float(self.minutes.value or 0))

    def start_timer(self) -> None:
        """Play: starts the countdown, first setting it from the minutes field if none is set."""
        if self.timer_view.seconds_left() in (None, 0) and not self.act(
                rooms.set_timer, minutes=float(self.minutes.value or 0)).done:
            return
        self.act(rooms.start_timer)

    def reveal(self, revealed: bool) -> None:
        if revealed == self.revealed:
            return  # the switch followed the room (another board showed the votes)
        if self.act(rooms.reveal_votes, revealed=revealed).done:
            self.revealed = revealed
        else:
            self.reveal_switch.set_value(self.revealed)

    # ---------- signing out ----------

    def check_still_signed_in(self) -> None:
        """The board key changed: stay signed in with this browser's new proof (its own board changed
        the key), else close, as a board with the old link does."""
        code = self.view.code
        for proof in (self.desk.actor.proof or '', self.storage.get('grants', {}).get(f'room:{code}', '')):
            found = entry.board_actor(code, proof)
            if found.done:
                self.desk.actor = found.value
                return
        self.sign_out()

    def sign_out(self) -> None:
        self.signed_out = True
        self.root.clear()
        with self.root:
            refusal_page(self.tr, self.tr('Cannot open the remote'), Outcome.refused(SIGNED_OUT))
