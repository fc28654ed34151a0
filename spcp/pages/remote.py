"""The facilitator's remote: the board's controls on a phone, ``/remote/CODE``.

The facilitator walks the room with it while the laptop projects the board in Present mode:
phase, timer and showing the votes (the board's own ``PhaseControls``, in their large phone layout),
hiding a card or (in Solutions) a solution, paper cards and the review queue. It signs in as
the board does (the same facilitator link with ``/remote/`` in place of ``/board/``, or a browser
already signed in to that board, or an organizer of the event) and acts through the same ``Desk``.
"""
from __future__ import annotations

from collections.abc import Callable

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .. import entry, live
from ..actions import Outcome
from ..domain import cards, phases, solutions
from ..domain.changes import CardChanged, CardRemoved, Change, KeyRotated, PhaseChanged, SolutionChanged, TimerChanged
from ..domain.errors import DomainError, msgid
from ..domain.views import CardView, RoomView
from .board import SIGNED_OUT, SignedIn, open_as_facilitator
from .components.board_controls import PhaseControls
from .components.desk import Desk, Tool
from .components.paper_tools import PaperTools
from .components.review_queue import ReviewQueue
from .language import language_switch
from .widgets import refusal_page, show_timer, timer_label


@ui.page('/remote/{code}')
def remote_page(code: str, request: Request, key: str = '') -> RedirectResponse | None:
    opened = open_as_facilitator(code, request, key, path='remote', title=msgid('SPCP Live remote'),
                                 refused=msgid('Cannot open the remote'))
    if not isinstance(opened, SignedIn):
        return opened
    desk = Desk(opened.tr, opened.actor, opened.actor.room_id)
    Remote(desk, desk.view(fresh=True))
    return None


HIDDEN_LOOK = 'line-through text-grey-8'


class HideList:
    """What the room sees, one button each (cards, solutions): a tap hides it from the room, another shows it."""

    def __init__(self, marker: str, hide: Callable[[int, bool], object]) -> None:
        self.marker, self.hide = marker, hide
        self.hidden: dict[int, bool] = {}
        self.buttons: dict[int, ui.button] = {}
        self.column = ui.column().classes('w-full gap-2').mark(f'{marker}s')

    def upsert(self, item_id: int, text: str, hidden: bool) -> None:
        self.hidden[item_id] = hidden
        button = self.buttons.get(item_id)
        if button is None:
            with self.column:
                button = ui.button(text, on_click=lambda i=item_id: self.hide(i, not self.hidden[i]), color=None) \
                    .props('no-caps align=left dir=auto').classes('vote-card w-full').mark(self.marker)
            self.buttons[item_id] = button
        button.set_text(text)
        for name, value in (('icon', 'visibility_off'), ('data-hidden', 'true')):
            if hidden:
                button.props[name] = value
            else:  # removed, not None: an icon of None is still drawn, an empty space before the text
                button.props.pop(name, None)
        button.props['aria-pressed'] = 'true' if hidden else 'false'  # pressed: hidden, as on the board
        # struck through and greyed, still readable (#616161 on white is 6.2:1; a faded opacity was not)
        button.classes(add=HIDDEN_LOOK if hidden else '', remove='' if hidden else HIDDEN_LOOK)
        button.update()

    def remove(self, item_id: int) -> None:
        self.hidden.pop(item_id, None)
        if item_id in self.buttons:
            self.buttons.pop(item_id).delete()


class Remote:
    """One facilitator's remote for one room: the board's phase controls, the room's solutions (in
    Solutions) and cards to hide, then the tools, all kept live."""

    def __init__(self, desk: Desk, view: RoomView) -> None:
        self.desk, self.tr, self.view = desk, desk.tr, view
        self.storage = app.storage.user  # this browser's, for a key changed on its own board
        self.signed_out = False
        with ui.column().classes('phone').mark('remote') as self.root:
            self.build_top(view)
            self.controls = PhaseControls(desk, view, large=True)
            ui.separator()
            self.build_solutions(view)
            self.build_cards(view)
            ui.separator()
            self.tools: list[Tool] = [self.controls, PaperTools(desk, view), ReviewQueue(desk, view)]
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

    def build_solutions(self, view: RoomView) -> None:
        """Only in Solutions, and before the cards there: what the room proposes now (the phase's title
        above says Solutions, so the list has no heading of its own)."""
        with ui.column().classes('phone-section') as self.solutions_part:
            ui.label(self.tr('Tap a solution to hide it from the room. Tap it again to show it.')) \
                .classes('phone-note')
            self.solutions = HideList('remote-solution', self.hide_solution)
            ui.separator()
        for solution in view.solutions:
            self.solutions.upsert(solution.id, solution.text, solution.hidden)

    def build_cards(self, view: RoomView) -> None:
        with ui.column().classes('phone-section'):
            ui.label(self.tr('Issues')).classes('phone-heading').props('role=heading aria-level=2')
            ui.label(self.tr('Tap a card to hide it from the room. Tap it again to show it.')).classes('phone-note')
            self.cards = HideList('remote-card', self.hide_card)
        for card in view.cards:
            self.upsert_card(card)

    # ---------- what the room is doing ----------

    def upsert_card(self, card: CardView) -> None:
        """A card the room has (shown or hidden); one waiting for review is in the review queue instead."""
        if card.pending:
            self.cards.remove(card.id)
        else:
            self.cards.upsert(card.id, card.text, card.hidden)

    def show_phase(self, view: RoomView) -> None:
        self.view = view
        self.phase_label.set_text(self.tr(view.current.title))
        self.solutions_part.set_visibility(view.phase == phases.SOLUTIONS)
        for tool in self.tools:
            tool.show_phase(view)

    def apply(self, change: Change) -> None:
        if self.signed_out:
            return
        if isinstance(change, PhaseChanged):
            self.reload()
        elif isinstance(change, TimerChanged):
            show_timer(self.timer, change.timer)
        elif isinstance(change, CardChanged):
            self.upsert_card(change.card)
        elif isinstance(change, CardRemoved):
            self.cards.remove(change.card_id)
        elif isinstance(change, SolutionChanged):
            self.solutions.upsert(change.solution.id, change.solution.text, change.solution.hidden)
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

    def hide_card(self, card_id: int, hidden: bool) -> None:
        self.desk.act(cards.set_hidden, card_id=card_id, hidden=hidden)

    def hide_solution(self, solution_id: int, hidden: bool) -> None:
        self.desk.act(solutions.set_hidden, solution_id=solution_id, hidden=hidden)

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
