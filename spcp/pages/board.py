"""The facilitator's board: projected for the room, with the facilitator's controls beside it.

The facilitator link (``/board/CODE?key=...``) is a sign-in link: the page keeps a proof in the
browser's signed storage and sends it on to the clean ``/board/CODE``, so no key stays in the
address bar, on the projector or in the history. "Present" hides the controls and the
hidden-cards tray, leaving only what the room should see.

Layout (assets/spcp.css, assets/fit.js): the room's work on the left, led by the current phase's
(issues, vote totals, themes, solutions under their themes, a summary); on the right the join panel
(QR code, code, address, who joined) and, below it, the facilitator's tools for this phase. The
room's area fits the projector: fit.js adds columns and cuts cards to fewer lines as the room fills,
never going under 24 px text; a card's whole text is in the focus view.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .. import entry, live, settings
from ..actions import Outcome, read
from ..domain import access, phases, stakeholders, views
from ..domain.access import Actor, Role, normalize_code
from ..domain.changes import (
    CardChanged,
    Change,
    KeyRotated,
    ParticipantsChanged,
    PhaseChanged,
    PresenceChanged,
    SolutionChanged,
    ThemeChanged,
    ThemeRemoved,
    TimerChanged,
    VotesChanged,
)
from ..domain.errors import DomainError, msgid
from ..domain.events import format_code
from ..domain.views import RoomView
from ..i18n import Translator
from ..links import join_url, public_base
from .components.board_cards import BoardCards
from .components.board_controls import PhaseControls, RoomSettings
from .components.board_solutions import BoardSolutions
from .components.board_summary import BoardSummary
from .components.desk import Desk, Tool
from .components.grouping_tools import GroupingTools
from .components.paper_tools import PaperTools
from .components.plenary_result import PlenaryResult
from .components.review_queue import ReviewQueue
from .components.stakeholder_chart import StakeholderChart
from .components.suggest_tools import SuggestTools
from .language import reader
from .widgets import frame, labelled, proof_of, qr_data_url, refusal_page, remember_proof, show_timer, timer_label

SIGNED_OUT = msgid('Sign in with your facilitator link. Ask the organizer if you do not have it.')


def sign_in(kind: str, ident: object, outcome: Outcome, clean_path: str) -> RedirectResponse:
    """After a sign-in link: keep the proof (or why it failed) and go to the address without the key."""
    if outcome.done:
        remember_proof(kind, ident, outcome.value)
    else:
        app.storage.user['sign_in_refusal'] = {'msgid': outcome.msgid, 'params': outcome.params}
    return RedirectResponse(clean_path, status_code=303)


def signed_out(outcome: Outcome, signed_out_msgid: str = SIGNED_OUT) -> Outcome:
    """The refusal to show on a clean address: the sign-in link's own refusal if one just failed,
    else "sign in" when this browser simply has no (valid) proof."""
    failed = app.storage.user.pop('sign_in_refusal', None)
    if failed:
        return Outcome.refused(failed['msgid'], **failed['params'])
    if outcome.msgid in (access.INVALID_FACILITATOR_LINK, access.INVALID_ORGANIZER_LINK):
        return Outcome.refused(signed_out_msgid)
    return outcome


@dataclass(frozen=True)
class SignedIn:
    tr: Translator
    actor: Actor
    code: str


def open_as_facilitator(code: str, request: Request, key: str, *, path: str, title: str,
                        refused: str) -> SignedIn | RedirectResponse | None:
    """The board's and the remote's way in: a sign-in link (``?key=``) keeps its proof and goes on to
    the clean ``/PATH/CODE``; a clean address opens for a browser signed in to the room (or to its
    event), else shows why not (``None``). ``title`` and ``refused`` are message ids."""
    clean = normalize_code(code) or 'X'
    if key:
        return sign_in('room', clean, entry.sign_in_board(code, key), f'/{path}/{quote(clean)}')
    tr = reader(request)
    frame(tr, tr(title))
    found = entry.board_actor(clean, proof_of('room', clean) or event_proof_for(clean))
    if not found.done:
        refusal_page(tr, tr(refused), signed_out(found))
        return None
    return SignedIn(tr, found.value, clean)


@ui.page('/board/{code}')
def board_page(code: str, request: Request, key: str = '') -> RedirectResponse | None:
    opened = open_as_facilitator(code, request, key, path='board', title=msgid('SPCP Live board'),
                                 refused=msgid('Cannot open this board'))
    if not isinstance(opened, SignedIn):
        return opened
    base = public_base(str(request.base_url), settings.load())
    Board(opened.tr, opened.actor, read(opened.actor, views.snapshot, room_id=opened.actor.room_id),
          join_url(base, opened.code))
    return None


def event_proof_for(code: str) -> str:
    """An organizer signed in to the event may open every board of it."""
    grants = app.storage.user.get('grants', {})
    return next((proof for name, proof in grants.items() if name.startswith('event:')
                 and entry.board_actor(code, proof).done), '')


class Board:
    """Wires the board's parts (spcp/pages/components) and hands each change to those it concerns."""

    def __init__(self, tr: Translator, actor: Actor, view: RoomView, join_url: str) -> None:
        self.tr, self.view, self.join_url = tr, view, join_url
        self.desk = Desk(tr, actor, view.id)
        self.storage = app.storage.user  # this browser's, kept for handlers (e.g. a key change)
        self.signed_out = False
        self.joined, self.expected_size = view.participants, view.expected_size
        with ui.element('div').classes('board') as self.root:
            with ui.element('div').classes('board-main'):
                self.build_head()
                self.room_area = ui.element('div').classes('board-room').mark('board-room')
            with ui.element('div').classes('board-side'):
                self.build_join()
                with ui.column().classes('facilitator-only board-tools') as self.tools_area:
                    self.build_status()
                    self.controls = PhaseControls(self.desk, view)
                    self.tray_box = ui.expansion(tr('Hidden cards')).classes('hidden-tray w-full').mark('hidden-cards')
                    with self.tray_box:
                        self.tray = ui.element('div').classes('tray')
        with self.room_area:
            self.cards = BoardCards(tr, view, self.tray, on_select=self.selection_changed)
            self.phase_area = ui.element('div').classes('board-phase-area')
        with self.tools_area:
            self.review = ReviewQueue(self.desk, view)
            self.grouping = GroupingTools(self.desk, self.cards, view)
            self.suggest = SuggestTools(self.desk, self.cards, view)  # the grouping help (spcp/suggest)
            self.paper = PaperTools(self.desk, view)
            self.settings = RoomSettings(self.desk, view, on_rotate=self.confirm_rotate)
        # outside the tools, so it can also bring them back; a labelled button, no tooltip (it would stay on screen)
        labelled(ui.button(tr('Present'), icon='slideshow', on_click=lambda: self.root.classes(toggle='present'))
                 .classes('present-toggle').props('unelevated no-caps color=dark'),
                 aria_label=tr('Present: hide or show the controls')).mark('present')
        self.tools: list[Tool] = [self.controls, self.review, self.grouping, self.suggest, self.paper, self.settings]
        self.show_people()
        self.show_presence(entry.presence_of(view.id))
        self.show_phase()
        live.subscribe(view.id, self.apply)

    # ---------- building ----------

    def build_head(self) -> None:
        with ui.element('div').classes('board-head'):
            with ui.column().classes('grow gap-0 min-w-0'):
                with ui.row().classes('items-baseline gap-6 no-wrap'):
                    ui.label(self.view.name).classes('board-title').props('role=heading aria-level=1 dir=auto')
                    self.phase_label = ui.label().classes('board-phase')
                self.prompt_label = ui.label().classes('board-prompt')
            self.timer = timer_label(self.tr, self.view.timer, 'board-timer').mark('board-timer')

    def build_join(self) -> None:
        with ui.column().classes('board-join'):
            labelled(ui.image(qr_data_url(self.join_url)).classes('board-qr'), alt=self.tr('QR code to join'))
            ui.label(format_code(self.view.code)).classes('board-join-code')
            ui.label(self.join_url.split('://', 1)[-1]).classes('board-join-url')
            self.people = ui.label().classes('board-stats').mark('people')

    def build_status(self) -> None:
        self.presence_label = ui.label().classes('font-bold').mark('presence')
        self.warning = ui.label().classes('text-negative font-bold').mark('room-warning')

    # ---------- what the room sees ----------

    def show_phase(self) -> None:
        """Lead with this phase's work: the root's class picks the areas (CSS), tools follow the phase."""
        phase = self.view.phase
        self.phase_label.set_text(self.tr(self.view.current.title))
        self.prompt_label.set_text(self.tr(self.view.current.prompt))
        self.root.classes(replace=f'board phase-{phase}' + (' present' if 'present' in self.root.classes else ''))
        self.tray_box.set_value(False)  # the hidden-cards tray closes on a phase change
        for tool in self.tools:
            tool.show_phase(self.view)
        self.build_phase_area()

    def build_phase_area(self) -> None:
        """Solutions and the summary are built on entering their phase (rare), then updated in place."""
        self.phase_area.clear()
        self.phase_part: BoardSolutions | None = None
        with self.phase_area:
            if self.view.phase == phases.SOLUTIONS:
                self.phase_part = BoardSolutions(self.desk, self.view)
            elif self.view.phase == phases.WRAPUP and self.view.kind == 'plenary':
                self.build_plenary_result()
            elif self.view.phase == phases.WRAPUP:
                BoardSummary(self.tr, self.view)

    def build_plenary_result(self) -> None:
        """The plenary's wrap-up: its ranked vote, and beside it how each group voted on the top themes."""
        with ui.element('div').classes('plenary-wrap'):
            PlenaryResult(self.tr, self.view)
            with ui.element('div').classes('plenary-groups'):
                ui.label(self.tr('How each group voted')).classes('board-theme-name font-bold') \
                    .props('role=heading aria-level=2')
                StakeholderChart(self.tr, read(self.desk.actor, stakeholders.room_breakdown, room_id=self.view.id),
                                 by='cards')

    def show_people(self) -> None:
        self.people.set_text(self.tr('{n} joined', n=self.joined))
        over = self.expected_size is not None and self.joined > self.expected_size
        self.warning.set_text(self.tr('More phones joined ({n}) than people expected ({expected}).',
                                      n=self.joined, expected=self.expected_size) if over else '')

    def show_presence(self, change: PresenceChanged) -> None:
        text = self.tr('{n} connected now', n=change.connected)
        if change.refused_joins:
            text += ' · ' + self.tr.plural('{n} join refused (too many from one network address)',
                                           '{n} joins refused (too many from one network address)',
                                           change.refused_joins)
        self.presence_label.set_text(text)

    def selection_changed(self) -> None:
        if hasattr(self, 'grouping'):
            self.grouping.show_selection()

    # ---------- live changes ----------

    def apply(self, change: Change) -> None:
        if self.signed_out:
            return
        if isinstance(change, PhaseChanged) or (isinstance(change, ThemeChanged | ThemeRemoved)
                                                 and self.view.phase in (phases.SOLUTIONS, phases.WRAPUP)):
            self.cards.apply(change)
            self.reload()
            return
        if isinstance(change, TimerChanged):
            show_timer(self.timer, change.timer)
        elif isinstance(change, ParticipantsChanged):
            self.joined, self.expected_size = change.count, change.expected
            self.show_people()
        elif isinstance(change, PresenceChanged):
            self.show_presence(change)
        elif isinstance(change, KeyRotated):
            self.check_still_signed_in()
        self.cards.apply(change)
        for tool in self.tools:
            tool.apply(change)
        if self.phase_part is not None:
            self.phase_part.apply(change)
        elif self.view.phase == phases.WRAPUP and isinstance(change, SolutionChanged | CardChanged | VotesChanged):
            self.reload()  # rare edits while the room reads its summary: re-read it

    def reload(self) -> None:
        try:
            self.view = self.desk.view()
        except DomainError:  # signed out meanwhile (the key was changed)
            self.sign_out()
            return
        self.show_phase()

    # ---------- the board key ----------

    def confirm_rotate(self) -> None:
        with ui.dialog() as dialog, ui.card():
            ui.label(self.tr('Change the key of this board?')).classes('text-xl font-bold')
            ui.label(self.tr('Every other browser signed in with the old link will be signed out. This browser '
                             'stays signed in. The new link is printed on the laptop by `spcp event links`.'))
            with ui.row():
                ui.button(self.tr('Change the key'), on_click=lambda: (dialog.close(), self.rotate_key())) \
                    .props('unelevated color=negative').mark('confirm-rotate')
                ui.button(self.tr('Cancel'), on_click=dialog.close).props('flat')
        dialog.open()

    def rotate_key(self) -> None:
        outcome = self.desk.act(access.rotate_facilitator_key)
        if outcome.done:
            _key, self.desk.actor = outcome.value
            if self.desk.actor.role is Role.FACILITATOR:
                remember_proof('room', self.view.code, self.desk.actor.proof, self.storage)
            live.publish([KeyRotated(self.view.id)])
            ui.notify(self.tr('The key was changed. Other boards with the old link are signed out.'), position='top')

    def check_still_signed_in(self) -> None:
        """Another board changed the key: a board signed in with the old one closes."""
        if not entry.board_actor(self.view.code, self.desk.actor.proof or '').done:
            self.sign_out()

    def sign_out(self) -> None:
        self.signed_out = True
        self.root.clear()
        with self.root:
            refusal_page(self.tr, self.tr('Cannot open this board'), Outcome.refused(SIGNED_OUT))
