"""The facilitator's board: projected for the room, with the facilitator's controls on top.

The facilitator link (``/board/CODE?key=...``) is a sign-in link: the page keeps a proof in the
browser's signed storage and sends it on to the clean ``/board/CODE``, so no key stays in the
address bar, on the projector or in the history. "Present" hides the controls and the
hidden-cards tray, leaving only what the room should see.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .. import entry, live, settings
from ..actions import Outcome, perform, read
from ..domain import access, cards, phases, rooms, solutions, themes
from ..domain.access import Actor, Role, normalize_code
from ..domain.changes import (
    CardChanged,
    CardRemoved,
    Change,
    KeyRotated,
    ParticipantsChanged,
    PhaseChanged,
    PresenceChanged,
    RevealChanged,
    SolutionChanged,
    ThemeChanged,
    ThemeRemoved,
    TimerChanged,
    VotesChanged,
)
from ..domain.errors import DomainError, msgid
from ..domain.events import format_code
from ..domain.views import CardView, RoomView, SolutionView, ThemeView, snapshot
from ..i18n import Translator
from .language import language_switch, reader
from .themed import ThemedCards
from .widgets import frame, labelled, proof_of, qr_data_url, refusal_page, remember_proof, show_timer, tell, timer_label

SIGNED_OUT = msgid('Sign in with your facilitator link. Ask the organizer if you do not have it.')


def public_base(request: Request) -> str:
    """Where phones reach this laptop: the address the facilitator used, unless that was localhost."""
    host = urlsplit(str(request.base_url)).hostname or ''
    if host not in ('localhost', '127.0.0.1', '::1', 'test', ''):
        return str(request.base_url).rstrip('/')
    from ..links import base_url
    return base_url(settings.load())


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


@ui.page('/board/{code}')
def board_page(code: str, request: Request, key: str = '') -> RedirectResponse | None:
    clean = normalize_code(code) or 'X'
    if key:
        return sign_in('room', clean, entry.sign_in_board(code, key), f'/board/{quote(clean)}')
    tr = reader(request)
    frame(tr, tr('SPCP Live board'))
    found = entry.board_actor(clean, proof_of('room', clean) or event_proof_for(clean))
    if not found.done:
        refusal_page(tr, tr('Cannot open this board'), signed_out(found))
        return None
    actor = found.value
    Board(tr, actor, read(actor, snapshot, room_id=actor.room_id), f'{public_base(request)}/r/{clean}')
    return None


def event_proof_for(code: str) -> str:
    """An organizer signed in to the event may open every board of it."""
    grants = app.storage.user.get('grants', {})
    return next((proof for name, proof in grants.items() if name.startswith('event:')
                 and entry.board_actor(code, proof).done), '')


class Board:
    def __init__(self, tr: Translator, actor: Actor, view: RoomView, join_url: str) -> None:
        self.tr, self.actor, self.view, self.join_url = tr, actor, view, join_url
        self.storage = app.storage.user  # this browser's, kept for handlers (e.g. a key change)
        self.signed_out = False
        self.room_id = view.id
        self.totals = {c.id: c.votes for c in view.cards}
        self.revealed = view.revealed
        self.timer_view = view.timer
        self.selected: list[int] = []
        self.selected_theme: int | None = None
        self.hidden: dict[int, ui.label] = {}
        self.solution_items: dict[int, ui.label] = {}
        with ui.column().classes('board') as self.root:
            self.build_controls()
            self.build_head()
            self.themes_area = ui.element('div').classes('themes')
            self.pool_label = ui.label(self.tr('Issues')).classes('section-label')
            self.pool = ui.element('div').classes('pool')
            self.solutions_area = ui.column().classes('w-full gap-4')
        self.themed = ThemedCards(self.pool, self.themes_area, self.make_card, self.make_theme, self.theme_title)
        for card in view.cards:
            self.place(card)
        for theme in view.themes:
            self.themed.upsert_theme(theme)
        self.show_phase()
        live.subscribe(self.room_id, self.apply)

    # ---------- building ----------

    def build_controls(self) -> None:
        with ui.row().classes('controls'):
            labelled(ui.button(icon='chevron_left', on_click=lambda: self.step(False)).props('flat'),
                     aria_label=self.tr('Back'))
            self.phase_select = ui.select({p.id: self.tr(p.title) for p in self.view.phases}, value=self.view.phase,
                                          on_change=lambda e: self.set_phase(e.value)).props('dense outlined')
            self.next_button = ui.button(self.tr('Next phase'), icon='chevron_right',
                                         on_click=lambda: self.step(True)).props('unelevated').mark('next-phase')
            ui.separator().props('vertical')
            self.minutes = ui.number(self.tr('Minutes'), value=self.view.current.minutes, min=1, max=240, step=1) \
                .props('dense outlined').classes('w-24')
            ui.button(self.tr('Set minutes'), on_click=self.set_timer).props('outline')
            labelled(ui.button(icon='play_arrow', on_click=self.start_timer).props('outline'),
                     aria_label=self.tr('Start timer'))
            labelled(ui.button(icon='pause', on_click=lambda: self.act(rooms.stop_timer)).props('outline'),
                     aria_label=self.tr('Pause timer'))
            ui.separator().props('vertical')
            self.reveal_switch = ui.switch(self.tr('Show votes'), value=self.view.revealed,
                                           on_change=lambda e: self.act(rooms.reveal_votes, revealed=bool(e.value)))
            ui.button(self.tr('Rank themes'), icon='sort', on_click=lambda: self.act(themes.rank)).props('outline')
            language_switch(self.tr)
        with ui.row().classes('controls'):
            self.selection_label = ui.label().classes('font-bold')
            self.theme_name = ui.input(self.tr('Theme name')).props('dense outlined maxlength=80').classes('w-64') \
                .mark('theme-name')
            ui.button(self.tr('Group'), icon='workspaces', on_click=self.group).props('unelevated').mark('group')
            ui.button(self.tr('Rename'), on_click=self.rename).props('outline')
            ui.button(self.tr('Ungroup'), on_click=self.ungroup).props('outline')
            ui.button(self.tr('Take out of theme'), on_click=self.take_out).props('outline')
            ui.button(self.tr('Merge'), icon='call_merge', on_click=self.merge).props('outline').mark('merge')
            ui.button(self.tr('Hide'), icon='visibility_off', on_click=lambda: self.hide(True)) \
                .props('outline color=negative').mark('hide')
            ui.button(self.tr('Show'), icon='visibility', on_click=lambda: self.hide(False)) \
                .props('outline').mark('show')
            ui.button(self.tr('Clear selection'), on_click=self.clear_selection).props('flat')
            with ui.expansion(self.tr('Hidden cards')).classes('hidden-tray') as self.tray_box:
                self.tray = ui.element('div').classes('pool')
        self.build_room_controls()
        # outside the controls, so it can also bring them back
        # a labelled button, no tooltip: a tooltip would stay on the projected screen
        labelled(ui.button(self.tr('Present'), icon='slideshow', on_click=self.toggle_present)
                 .classes('present-toggle').props('unelevated no-caps color=dark'),
                 aria_label=self.tr('Present: hide or show the controls')).mark('present')
        self.show_selection()

    def build_room_controls(self) -> None:
        """Who is in the room (facilitator only): expected size, refused joins, the link's key."""
        with ui.row().classes('controls'):
            self.expected = ui.number(self.tr('People expected'), value=self.view.expected_size, min=1, max=2000,
                                      step=1).props('dense outlined').classes('w-36').mark('expected-size')
            ui.button(self.tr('Set number'), on_click=self.set_expected).props('outline').mark('set-expected')
            self.presence_label = ui.label().classes('font-bold').mark('presence')
            self.warning = ui.label().classes('text-negative font-bold').mark('room-warning')
            ui.button(self.tr('Change the board key'), icon='key', on_click=self.confirm_rotate) \
                .props('flat').mark('rotate-key')

    def build_head(self) -> None:
        view = self.view
        with ui.row().classes('board-head'):
            with ui.column().classes('grow gap-1'):
                ui.label(view.name).classes('board-title').props('role=heading aria-level=1 dir=auto')
                self.phase_label = ui.label().classes('board-phase')
                self.prompt_label = ui.label().classes('board-prompt')
                with ui.row().classes('items-baseline gap-8'):
                    self.people = ui.label().classes('board-stats').mark('people')
                    self.timer = timer_label(self.tr, view.timer, 'board-timer').mark('board-timer')
            with ui.column().classes('board-join'):
                labelled(ui.image(qr_data_url(self.join_url)).classes('board-qr'), alt=self.tr('QR code to join'))
                ui.label(format_code(view.code)).classes('board-join-code')
                ui.label(self.join_url.split('://', 1)[-1]).classes('text-2xl font-bold')
        self.joined, self.connected, self.refused = view.participants, 0, 0
        self.expected_size = view.expected_size
        self.show_people()
        self.show_presence(entry.presence_of(view.id))

    def make_card(self, card: CardView) -> ui.label:
        # a button to assistive technology and the keyboard (Tab, then Enter or Space selects it)
        label = ui.label(card.text).classes('board-card').props('dir=auto role=button tabindex=0').mark('board-card')
        for event in ('click', 'keydown.enter', 'keydown.space.prevent'):
            label.on(event, lambda c=card.id: self.toggle(c))
        self.decorate(label, card)
        return label

    def decorate(self, label: ui.label, card: CardView) -> None:
        label.props['data-merged'] = self.tr.plural('+{n} similar', '+{n} similar', card.merged_count) \
            if card.merged_count else None
        label.props['data-votes'] = str(self.totals.get(card.id, 0)) if self.revealed else None
        label.props['aria-pressed'] = 'true' if card.id in self.selected else 'false'
        label.update()

    def make_theme(self, theme: ThemeView) -> tuple[ui.element, ui.label]:
        with ui.column().classes('board-theme') as box:
            name = ui.label(theme.name).classes('board-theme-name') \
                .props('role=heading aria-level=2 dir=auto tabindex=0').mark('theme-title')
            for event in ('click', 'keydown.enter', 'keydown.space.prevent'):
                name.on(event, lambda th=theme.id: self.toggle_theme(th))
        return box, name

    def theme_title(self, theme: ThemeView) -> str:
        rank = f'#{theme.rank} ' if theme.rank else ''
        if not self.revealed:
            return rank + theme.name
        dots = sum(self.totals.get(c, 0) for c in self.themed.placed if self.themed.placed[c] == theme.id)
        dots_text = self.tr.plural('{n} dot', '{n} dots', dots)
        return f'{rank}{theme.name} — {dots_text}'

    # ---------- what the room sees ----------

    def show_phase(self) -> None:
        current = next(p for p in self.view.phases if p.id == self.view.phase)
        self.phase_label.set_text(self.tr(current.title))
        self.prompt_label.set_text(self.tr(current.prompt))
        self.root.classes(add='welcome' if self.view.phase == phases.WELCOME else '',
                          remove='' if self.view.phase == phases.WELCOME else 'welcome')
        self.phase_select.set_value(self.view.phase)
        if getattr(self, 'shown_phase', None) != self.view.phase:  # keep minutes the facilitator typed
            self.minutes.set_value(current.minutes)
            self.shown_phase = self.view.phase
            self.tray_box.set_value(False)  # the hidden-cards tray closes on a phase change
        self.next_button.set_enabled(phases.next_phase(self.view.phase) is not None)  # none after the last
        self.build_solutions()

    def show_people(self) -> None:
        self.people.set_text(self.tr('{n} joined', n=self.joined))
        over = self.expected_size is not None and self.joined > self.expected_size
        self.warning.set_text(self.tr('More phones joined ({n}) than people expected ({expected}).',
                                n=self.joined, expected=self.expected_size) if over else '')

    def show_presence(self, change: PresenceChanged) -> None:
        self.connected, self.refused = change.connected, change.refused_joins
        text = self.tr('{n} connected now', n=self.connected)
        if self.refused:
            text += ' · ' + self.tr.plural('{n} join refused (too many from one network address)',
                               '{n} joins refused (too many from one network address)', self.refused)
        self.presence_label.set_text(text)

    def place(self, card: CardView) -> None:
        if card.hidden:
            self.themed.remove_card(card.id)
            if card.id not in self.hidden:
                with self.tray:
                    self.hidden[card.id] = self.make_card(card)
            self.hidden[card.id].set_text(card.text)
        else:
            if card.id in self.hidden:
                self.hidden.pop(card.id).delete()
            self.decorate(self.themed.upsert_card(card), card)

    def build_solutions(self) -> None:
        """Solutions per top theme; rebuilt only on phase or theme changes (rare), updated per solution."""
        self.solutions_area.clear()
        self.solution_items.clear()
        self.solution_boxes: dict[int, ui.column] = {}
        if self.view.phase not in (phases.SOLUTIONS, phases.WRAPUP):
            return
        names = {th.id: th.name for th in self.themed.themes.values()}
        with self.solutions_area:
            ui.label(self.tr('Solutions')).classes('section-label')
            with ui.element('div').classes('themes'):
                for theme_id in self.view.top_themes_ids:
                    with ui.column().classes('board-theme') as box:
                        ui.label(names.get(theme_id, '')).classes('board-theme-name').props('dir=auto')
                    self.solution_boxes[theme_id] = box
        for solution in self.view.solutions:
            self.upsert_solution(solution)

    def upsert_solution(self, solution: SolutionView) -> None:
        label = self.solution_items.get(solution.id)
        if label is None:
            box = self.solution_boxes.get(solution.theme_id)
            if box is None:
                return
            with box:
                label = ui.label(solution.text).classes('board-solution').props('dir=auto')
            label.on('click', lambda s=solution.id: self.toggle_solution(s))
            self.solution_items[solution.id] = label
        label.props['data-count'] = self.tr('✓ {n}', n=solution.endorsements)
        label.classes(add='is-hidden' if solution.hidden else '', remove='' if solution.hidden else 'is-hidden')
        label.update()

    # ---------- live changes ----------

    def apply(self, change: Change) -> None:
        if self.signed_out:
            return
        if isinstance(change, CardChanged):
            self.totals[change.card.id] = change.card.votes
            self.place(change.card)
        elif isinstance(change, CardRemoved):
            self.themed.remove_card(change.card_id)
            if change.card_id in self.hidden:
                self.hidden.pop(change.card_id).delete()
            self.unselect(change.card_id)
        elif isinstance(change, VotesChanged):
            self.totals[change.card_id] = change.total
            if self.revealed and change.card_id in self.themed.cards:
                self.themed.cards[change.card_id].props['data-votes'] = str(change.total)
                self.themed.cards[change.card_id].update()
                if self.themed.placed.get(change.card_id) is not None:
                    self.themed.retitle()
        elif isinstance(change, ThemeChanged):
            self.themed.upsert_theme(change.theme)
            if self.view.phase in (phases.SOLUTIONS, phases.WRAPUP):
                self.reload()
        elif isinstance(change, ThemeRemoved):
            self.themed.remove_theme(change.theme_id)
            if self.selected_theme == change.theme_id:
                self.selected_theme = None
                self.show_selection()
        elif isinstance(change, PhaseChanged):
            self.reload()
        elif isinstance(change, RevealChanged):
            self.revealed = change.revealed
            self.reveal_switch.set_value(change.revealed)
            self.reload_totals()
        elif isinstance(change, TimerChanged):
            self.timer_view = change.timer
            show_timer(self.timer, change.timer)
        elif isinstance(change, ParticipantsChanged):
            self.joined, self.expected_size = change.count, change.expected
            self.show_people()
        elif isinstance(change, PresenceChanged):
            self.show_presence(change)
        elif isinstance(change, KeyRotated):
            self.check_still_signed_in()
        elif isinstance(change, SolutionChanged):
            self.upsert_solution(change.solution)

    def reload(self) -> None:
        try:
            self.view = read(self.actor, snapshot, room_id=self.room_id)
        except DomainError:  # signed out meanwhile (the key was changed)
            self.sign_out()
            return
        self.show_phase()

    def reload_totals(self) -> None:
        for card_id, label in self.themed.cards.items():
            label.props['data-votes'] = str(self.totals.get(card_id, 0)) if self.revealed else None
            label.update()
        self.themed.retitle()

    # ---------- facilitator actions ----------

    def act(self, action, **kwargs) -> Outcome:
        """Do a facilitator action on this room through the one seam; a refusal is shown clearly."""
        outcome = perform(self.actor, action, room_id=self.room_id, **kwargs)
        tell(self.tr, outcome)
        return outcome

    def step(self, forward: bool) -> None:
        self.act(rooms.step_phase, forward=forward)

    def set_phase(self, phase: str) -> None:
        if phase != self.view.phase:
            self.act(rooms.set_phase, phase=phase)

    def set_timer(self) -> None:
        self.act(rooms.set_timer, minutes=float(self.minutes.value or 0))

    def start_timer(self) -> None:
        """Play: starts the countdown, first setting it from the minutes field if none is set."""
        needs_setting = self.timer_view.seconds_left() in (None, 0)
        if needs_setting and not self.act(rooms.set_timer, minutes=float(self.minutes.value or 0)).done:
            return
        self.act(rooms.start_timer)

    def set_expected(self) -> None:
        value = self.expected.value
        self.act(rooms.set_expected_size, size=int(value) if value else None)

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
        outcome = self.act(access.rotate_facilitator_key)
        if outcome.done:
            _key, self.actor = outcome.value
            if self.actor.role is Role.FACILITATOR:
                remember_proof('room', self.view.code, self.actor.proof, self.storage)
            live.publish([KeyRotated(self.room_id)])
            ui.notify(self.tr('The key was changed. Other boards with the old link are signed out.'), position='top')

    def check_still_signed_in(self) -> None:
        """Another board changed the key: a board signed in with the old one closes."""
        if not entry.board_actor(self.view.code, self.actor.proof or '').done:
            self.sign_out()

    def sign_out(self) -> None:
        self.signed_out = True
        self.root.clear()
        with self.root:
            refusal_page(self.tr, self.tr('Cannot open this board'), Outcome.refused(SIGNED_OUT))

    def toggle_present(self) -> None:
        self.root.classes(toggle='present')

    def toggle(self, card_id: int) -> None:
        if card_id in self.selected:
            self.unselect(card_id)
        else:
            self.selected.append(card_id)
            self.mark(card_id, True)
        self.show_selection()

    def unselect(self, card_id: int) -> None:
        if card_id in self.selected:
            self.selected.remove(card_id)
            self.mark(card_id, False)

    def mark(self, card_id: int, on: bool) -> None:
        label = self.themed.cards.get(card_id) or self.hidden.get(card_id)
        if label is not None:
            label.classes(add='selected' if on else '', remove='' if on else 'selected')
            label.props['aria-pressed'] = 'true' if on else 'false'
            label.update()

    def toggle_theme(self, theme_id: int) -> None:
        previous, self.selected_theme = self.selected_theme, (None if self.selected_theme == theme_id else theme_id)
        for tid in (previous, self.selected_theme):
            if tid in self.themed.boxes:
                self.themed.boxes[tid][1].classes(toggle='selected')
        if self.selected_theme is not None:
            self.theme_name.set_value(self.themed.themes[self.selected_theme].name)
        self.show_selection()

    def show_selection(self) -> None:
        theme = self.themed.themes.get(self.selected_theme) if self.selected_theme and hasattr(self, 'themed') else None
        text = self.tr.plural('{n} card selected', '{n} cards selected', len(self.selected))
        if theme is not None:
            text += ' · ' + self.tr('theme: {name}', name=theme.name)
        self.selection_label.set_text(text)

    def clear_selection(self) -> None:
        for card_id in list(self.selected):
            self.unselect(card_id)
        if self.selected_theme is not None:
            self.toggle_theme(self.selected_theme)
        self.show_selection()

    def group(self) -> None:
        if not self.selected:
            ui.notify(self.tr('Click the cards to group first.'), type='warning', position='top')
            return
        if self.act(themes.group, card_ids=list(self.selected), name=self.theme_name.value,
                    theme_id=self.selected_theme).done:
            self.theme_name.set_value('')
            self.clear_selection()

    def rename(self) -> None:
        if self.selected_theme is None:
            ui.notify(self.tr('Click a theme name first.'), type='warning', position='top')
        elif self.act(themes.rename, theme_id=self.selected_theme, name=self.theme_name.value or '').done:
            self.clear_selection()

    def ungroup(self) -> None:
        if self.selected_theme is None:
            ui.notify(self.tr('Click a theme name first.'), type='warning', position='top')
        elif self.act(themes.ungroup, theme_id=self.selected_theme).done:
            self.clear_selection()

    def take_out(self) -> None:
        if self.act(themes.take_out, card_ids=list(self.selected)).done:
            self.clear_selection()

    def merge(self) -> None:
        if len(self.selected) < 2:
            ui.notify(self.tr('Select at least two cards to merge. The first one you clicked is kept.'),
                      type='warning', position='top')
        elif self.act(cards.merge, keep_id=self.selected[0], other_ids=self.selected[1:]).done:
            self.clear_selection()

    def hide(self, hidden: bool) -> None:
        for card_id in list(self.selected):
            self.act(cards.set_hidden, card_id=card_id, hidden=hidden)
        self.clear_selection()
        if hidden:
            ui.notify(self.tr('Hidden from the room. Open "Hidden cards" to show it again.'), position='top')

    def toggle_solution(self, solution_id: int) -> None:
        """Click a solution to hide it from the room; click again to show it."""
        label = self.solution_items.get(solution_id)
        if label is not None:
            self.act(solutions.set_hidden, solution_id=solution_id, hidden='is-hidden' not in label.classes)


