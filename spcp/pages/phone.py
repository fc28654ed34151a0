"""The participant's phone: join a room, then write issues, vote, see themes, propose solutions."""
from __future__ import annotations

import uuid
from dataclasses import replace

from nicegui import app, ui
from nicegui.client import ClientConnectionTimeout
from starlette.requests import Request

from .. import entry, live
from ..actions import Outcome, perform, read
from ..domain import cards, rooms, solutions, voting
from ..domain.access import Actor
from ..domain.changes import (
    CardChanged,
    CardRemoved,
    Change,
    PhaseChanged,
    RevealChanged,
    SolutionChanged,
    ThemeChanged,
    ThemeRemoved,
    TimerChanged,
    VotesChanged,
)
from ..domain.views import CardView, RoomView, SolutionView, ThemeView, snapshot
from ..i18n import Translator
from .language import language_switch, reader
from .outbox import Outbox, outbox_js
from .privacy import privacy_button
from .themed import ThemedCards
from .widgets import (
    action_key,
    client_address,
    frame,
    labelled,
    refusal_page,
    show_timer,
    tell,
    timer_label,
)

CONNECT_TIMEOUT_S = 60  # a phone that has not connected by then was a preview or a prefetch: nobody joins


@ui.page('/r/{code}')
async def phone_page(code: str, request: Request) -> None:
    tr = reader(request)
    frame(tr, tr('SPCP Live'))
    address = client_address(request)
    found = entry.find_room(code, address=address)
    if not found.done:
        refusal_page(tr, tr('Room not found'), found)
        ui.link(tr('Type a room code'), '/').classes('phone-meta')
        return
    waiting = ui.label(tr('Connecting…')).classes('phone-prompt')
    device = app.storage.browser.get('id', '')
    client = ui.context.client
    try:  # a participant is made only by a page that really connects, never by a plain GET
        await client.connected(timeout=CONNECT_TIMEOUT_S)
    except ClientConnectionTimeout:
        return
    if client.is_deleted or not client.has_socket_connection:  # a prefetch, dropped unconnected
        return
    joined = entry.join(found.value.code, device=device, address=address)
    waiting.delete()
    if not joined.done:
        refusal_page(tr, tr('Cannot join this room'), joined)
        return
    actor = joined.value
    PhoneScreen(tr, actor, read(actor, snapshot, room_id=actor.room_id), address)
    entry.connected(actor, now=True)
    client.on_disconnect(lambda: entry.connected(actor, now=False))
    client.on_connect(lambda: entry.connected(actor, now=True))


def dots_text(n: int) -> str:
    return '●' * n


class PhoneScreen:
    """One phone's view of its room. Rebuilt on a phase change, updated element by element otherwise."""

    def __init__(self, tr: Translator, actor: Actor, view: RoomView, address: str) -> None:
        self.tr, self.actor, self.view, self.address = tr, actor, view, address
        self.drafts: dict[str, str] = {}          # text being typed survives a rebuild of the phase
        self.entries: dict[str, ui.input | ui.textarea] = {}
        with ui.column().classes('phone'):
            with ui.column().classes('phone-top'):
                with ui.row().classes('w-full items-center justify-between no-wrap'):
                    ui.label(f'{view.event_name} · {view.name}').classes('phone-room').props('dir=auto')
                    with ui.row().classes('items-center no-wrap gap-1'):
                        privacy_button(self.tr)
                        language_switch(self.tr)
                self.phase_label = ui.label().classes('phone-phase').props('role=heading aria-level=1')
                self.timer = timer_label(self.tr, view.timer, 'phone-meta').mark('timer')
            self.body = ui.column().classes('phone-section')
        self.outbox = Outbox(self)
        self.render()
        live.subscribe(view.id, self.apply)

    # ---------- whole-phase rendering (page load, reload, phase change) ----------

    def refresh(self) -> None:
        self.view = read(self.actor, snapshot, room_id=self.actor.room_id)
        self.render()

    def render(self) -> None:
        self.phase_label.set_text(self.tr(self.view.current.title))
        self.drafts.update({name: entry.value for name, entry in self.entries.items() if entry.value})
        self.entries = {}
        self.body.clear()
        self.vote_items: dict[int, tuple[ui.button, ui.button]] = {}
        self.my_cards: dict[int, ui.column] = {}
        self.my_list = self.themed = self.solution_boxes = None
        with self.body:
            if self.view.phase != 'welcome':  # the plan's welcome prompt is for the room ("scan the code")
                ui.label(self.tr(self.view.current.prompt)).classes('phone-prompt')
            getattr(self, f'render_{self.view.phase}')()

    def render_welcome(self) -> None:
        ui.label(self.tr('You are in. You stay anonymous. The facilitator will start soon.')).classes('phone-prompt')
        self.group_choice()

    def group_choice(self) -> None:
        ui.label(self.tr('Which group do you come from? (optional)')).classes('phone-heading')
        ui.label(self.tr('Why we ask: to see that every group was heard. Only totals of five or more people are '
                         'ever shown, never who you are.')).classes('phone-note')
        options = {'': self.tr('Prefer not to say')} | {k: self.tr(v) for k, v in rooms.GROUPS.items()}
        labelled(ui.radio(options, value=self.view.me.group or '',
                          on_change=lambda e: self.choose_group(e.value or None)), aria_label=self.tr('Your group'))

    def act(self, action, **kwargs) -> Outcome:
        """Do a participant action through the one seam (rate-limited by participant and address)."""
        return perform(self.actor, action, address=self.address, room_id=self.view.id, **kwargs)

    def choose_group(self, group: str | None) -> None:
        tell(self.tr, self.act(rooms.choose_group, group=group), done=self.tr('Saved.'))

    def render_issues(self) -> None:
        # no maxlength: a pasted text is never cut silently; a text over the limit is refused with its count
        self.issue_input = ui.textarea(label=self.tr('Your issue'),
                                       placeholder=self.tr('Write one issue, in your own words')) \
            .props('outlined autogrow counter data-draft=issue').classes('w-full').mark('issue-input')
        self.issue_input.value = self.drafts.pop('issue', '')
        self.entries['issue'] = self.issue_input
        ui.button(self.tr('Add issue'), icon='send').classes('big-btn w-full') \
            .on('click', lambda e: self.submit(action_key(e.args)), js_handler=outbox_js(kind='submit', field='issue'))
        self.room_count = ui.label().classes('phone-meta')
        self.room_cards = {c.id for c in self.view.cards}
        self.show_count()
        ui.label(self.tr('Your issues')).classes('phone-heading')
        self.my_list = ui.column().classes('w-full gap-2')
        for card in self.view.cards:
            self.show_mine(card)
        if self.view.me.group is None:
            with ui.expansion(self.tr('Say which group you come from (optional)')).classes('w-full'):
                self.group_choice()

    def show_count(self) -> None:
        n = len(self.room_cards)
        self.room_count.set_text(self.tr.plural('{n} issue in the room so far', '{n} issues in the room so far', n))

    def submit(self, key: str) -> None:
        submitted = self.act(cards.submit, text=self.issue_input.value or '', key=key)
        if tell(self.tr, submitted, done=self.tr('Added. Thank you.')):
            self.issue_input.value = ''

    def render_vote(self) -> None:
        ui.label(self.tr('Tap a card to give it a dot. Tap − to take the dot back.')).classes('phone-note')
        self.dots_label = ui.label().classes('phone-meta dots-left').mark('dots-left').props('aria-live=polite')
        self.dots_left = self.view.me.dots_left
        self.show_dots_left()
        self.vote_list = ui.element('div').classes('vote-list')
        for card in self.view.cards:
            self.add_vote_item(card)

    def show_dots_left(self) -> None:
        self.dots_label.set_text(self.tr('Dots left: {n} of {total}', n=self.dots_left,
                                         total=self.view.dots_per_participant))

    def add_vote_item(self, card: CardView) -> None:
        mine = self.view.me.dots.get(card.id, 0)
        with self.vote_list:
            button = ui.button(card.text, color=None).props('no-caps unelevated dir=auto') \
                .classes('vote-card').mark('vote-card')
            button.on('click', lambda e, c=card.id: self.vote(c, True, action_key(e.args)),
                      js_handler=outbox_js(kind='dot', card_id=card.id))
            back = labelled(ui.button('−').props('outline no-caps').classes('take-back').mark('take-back'),
                            aria_label=self.tr('Take a dot back'))
            back.on('click', lambda e, c=card.id: self.vote(c, False, action_key(e.args)),
                    js_handler=outbox_js(kind='undot', card_id=card.id))
        self.vote_items[card.id] = (button, back)
        self.show_my_dots(card.id, mine)

    def show_my_dots(self, card_id: int, n: int) -> None:
        button, back = self.vote_items[card_id]
        button.props['data-dots'] = dots_text(n)
        button.props['aria-pressed'] = 'true' if n else 'false'
        button.classes(add='voted' if n else '', remove='' if n else 'voted')
        button.update()
        back.set_visibility(n > 0)  # take-back only where there is a dot to take back

    def vote(self, card_id: int, add: bool, key: str) -> None:
        tell(self.tr, self.act(voting.add_dot if add else voting.remove_dot, card_id=card_id, key=key))

    def render_themes(self) -> None:
        themes_area = ui.column().classes('w-full gap-3')
        ui.label(self.tr('Not in a theme yet')).classes('phone-heading')
        pool = ui.column().classes('w-full gap-2')
        self.themed = ThemedCards(pool, themes_area, self.theme_card, self.theme_box, lambda th: th.name)
        self.themed.load(self.view.cards, self.view.themes)

    @staticmethod
    def theme_card(card: CardView) -> ui.label:
        return ui.label(card.text).classes('theme-card').props('dir=auto')

    @staticmethod
    def theme_box(theme: ThemeView) -> tuple[ui.element, ui.label]:
        with ui.column().classes('theme-box') as box:
            name = ui.label(theme.name).classes('theme-name').props('role=heading aria-level=2 dir=auto')
        return box, name

    def render_solutions(self) -> None:
        self.solution_boxes: dict[int, ui.column] = {}
        self.solution_items: dict[int, tuple[ui.column, ui.label, ui.button | None]] = {}
        themes = {th.id: th for th in self.view.themes}
        if not self.view.top_themes_ids:
            ui.label(self.tr('The facilitator has not made any themes yet.')).classes('notice')
        for theme_id in self.view.top_themes_ids:
            theme = themes[theme_id]
            with ui.column().classes('theme-box'):
                ui.label(theme.name).classes('theme-name').props('role=heading aria-level=2 dir=auto')
                for card_id in theme.card_ids[:3]:
                    card = self.view.card(card_id)
                    if card:
                        ui.label(card.text).classes('theme-card text-sm').props('dir=auto')
                solutions_list = ui.column().classes('w-full gap-2')
                entry = ui.input(label=self.tr('Your solution'),
                                 placeholder=self.tr('A concrete step someone can take')) \
                    .props(f'outlined counter data-draft=solution-{theme_id}').classes('w-full').mark('solution-input')
                entry.value = self.drafts.pop(f'solution-{theme_id}', '')
                self.entries[f'solution-{theme_id}'] = entry
                ui.button(self.tr('Propose'), icon='lightbulb').classes('big-btn').mark('propose') \
                    .on('click', lambda e, th=theme_id, box=entry: self.propose(th, box, action_key(e.args)),
                        js_handler=outbox_js(kind='propose', theme_id=theme_id, field=f'solution-{theme_id}'))
            self.solution_boxes[theme_id] = solutions_list
        for solution in self.view.solutions:
            self.upsert_solution(solution)

    def upsert_solution(self, solution: SolutionView) -> None:
        """A solution with its endorsements and, unless it is the reader's own, an Endorse button."""
        item = self.solution_items.get(solution.id)
        if solution.hidden:
            if item is not None:
                item[0].delete()
                del self.solution_items[solution.id]
            return
        if item is None:
            box = self.solution_boxes.get(solution.theme_id)
            if box is None:
                return
            with box, ui.column().classes('endorse') as row:
                ui.label(solution.text).classes('endorse-text').props('dir=auto')
                with ui.row().classes('w-full items-center justify-between no-wrap'):
                    count = ui.label().classes('endorse-count')
                    button = None if solution.author_id == self.actor.participant_id else self.endorse_button(solution)
                    if button is None:
                        ui.label(self.tr('Your solution')).classes('phone-note')
            item = self.solution_items[solution.id] = (row, count, button)
        _, count, button = item
        count.set_text(self.tr('✓ {n}', n=solution.endorsements))
        endorsed = solution.id in self.view.me.endorsed
        row = item[0]
        row.classes(add='endorsed' if endorsed else '', remove='' if endorsed else 'endorsed')
        if button is not None:
            button.set_text(self.tr('Endorsed') if endorsed else self.tr('Endorse'))
            button.props['aria-pressed'] = 'true' if endorsed else 'false'
            button.update()

    def endorse_button(self, solution: SolutionView) -> ui.button:
        button = ui.button(self.tr('Endorse'), icon='thumb_up', color=None).props('unelevated no-caps') \
            .classes('endorse-btn') \
            .mark('endorse')
        button.props['data-solution'] = str(solution.id)
        button.on('click', lambda _, s=solution.id: self.endorse(s),
                  js_handler=outbox_js(kind='endorse', solution_id=solution.id))
        return button

    def propose(self, theme_id: int, entry: ui.input, key: str) -> None:
        if tell(self.tr, self.act(solutions.propose, theme_id=theme_id, text=entry.value or '', key=key),
                done=self.tr('Proposed. Thank you.')):
            entry.value = ''

    def endorse(self, solution_id: int) -> None:
        endorsed = solution_id not in self.view.me.endorsed
        tell(self.tr, self.act(solutions.endorse, solution_id=solution_id, endorsed=endorsed))

    def render_wrapup(self) -> None:
        themes = {th.id: th for th in self.view.themes}
        for theme_id in self.view.top_themes_ids:
            with ui.column().classes('theme-box'):
                ui.label(themes[theme_id].name).classes('theme-name').props('role=heading aria-level=2 dir=auto')
                for solution in sorted((s for s in self.view.solutions if s.theme_id == theme_id),
                                       key=lambda s: -s.endorsements):
                    ui.label(solution.text).classes('theme-card').props('dir=auto')
        ui.label(self.tr('Thank you for taking part.')).classes('notice')

    # ---------- live changes ----------

    def apply(self, change: Change) -> None:
        phase = self.view.phase
        others_pending = isinstance(change, CardChanged) and change.card.pending \
            and change.card.author_id != self.actor.participant_id
        if others_pending:  # waiting for the facilitator's review: not the room's yet (only its author sees it)
            return
        if isinstance(change, PhaseChanged):
            self.refresh()
        elif isinstance(change, TimerChanged):
            show_timer(self.timer, change.timer)
        elif phase == 'issues' and isinstance(change, CardChanged | CardRemoved):
            self.apply_issues(change)
        elif phase == 'vote' and isinstance(change, CardChanged | CardRemoved | VotesChanged):
            self.apply_vote(change)
        elif phase == 'themes' and self.themed is not None:
            self.apply_themes(change)
        elif phase == 'solutions' and isinstance(change, SolutionChanged):
            self.apply_solution(change)
        elif phase in ('solutions', 'wrapup') and isinstance(change, ThemeChanged | ThemeRemoved | RevealChanged
                                                                    | SolutionChanged | CardChanged):
            self.refresh()  # rare facilitator edits to the summary: re-read it

    def show_mine(self, card: CardView) -> None:
        """Keep the participant's own cards listed as the room sees them (hidden ones leave)."""
        if card.author_id != self.actor.participant_id or self.my_list is None:
            return
        item = self.my_cards.get(card.id)
        if card.hidden and item is not None:
            self.my_cards.pop(card.id).delete()
        elif not card.hidden and item is None:
            with self.my_list:
                self.my_cards[card.id] = self.my_card(card)
        elif item is not None:
            item.text_label.set_text(card.text)

    def my_card(self, card: CardView) -> ui.column:
        """One of my issues, with Change and Withdraw while the room is naming issues."""
        with ui.column().classes('mine') as item:
            item.text_label = ui.label(card.text).classes('w-full').props('dir=auto')
            with ui.row().classes('gap-2'):
                ui.button(self.tr('Change'), icon='edit', on_click=lambda c=card.id: self.change_mine(c)) \
                    .props('flat dense no-caps').mark('change-mine')
                ui.button(self.tr('Withdraw'), icon='delete', on_click=lambda c=card.id: self.withdraw_mine(c)) \
                    .props('flat dense no-caps color=negative').mark('withdraw-mine')
        return item

    def change_mine(self, card_id: int) -> None:
        item = self.my_cards.get(card_id)
        if item is None:
            return
        with ui.dialog() as dialog, ui.card().classes('privacy-card'):
            box = ui.textarea(self.tr('Your issue'), value=item.text_label.text).props('outlined autogrow counter') \
                .classes('w-full').mark('change-text')
            labelled(dialog, aria_label=self.tr('Your issue'))  # a dialog needs a name for screen readers

            def save() -> None:
                if tell(self.tr, self.act(cards.edit_own, card_id=card_id, text=box.value or '', key=uuid.uuid4().hex),
                        done=self.tr('Saved.')):
                    dialog.close()
            with ui.row():
                ui.button(self.tr('Save'), on_click=save).props('unelevated').mark('save-change')
                ui.button(self.tr('Cancel'), on_click=dialog.close).props('flat')
        dialog.open()

    def withdraw_mine(self, card_id: int) -> None:
        with ui.dialog() as dialog, ui.card().classes('privacy-card'):
            question = ui.label(self.tr('Withdraw this issue? The room will no longer see it.'))
            dialog.props['aria-labelledby'] = question.html_id  # the dialog is named by its question

            def withdraw() -> None:
                dialog.close()
                tell(self.tr, self.act(cards.withdraw_own, card_id=card_id, key=uuid.uuid4().hex),
                     done=self.tr('Withdrawn.'))
            with ui.row():
                ui.button(self.tr('Withdraw'), on_click=withdraw).props('unelevated color=negative') \
                    .mark('confirm-withdraw')
                ui.button(self.tr('Cancel'), on_click=dialog.close).props('flat')
        dialog.open()

    def apply_issues(self, change: CardChanged | CardRemoved) -> None:
        if isinstance(change, CardRemoved):
            self.room_cards.discard(change.card_id)
            if change.card_id in self.my_cards:
                self.my_cards.pop(change.card_id).delete()
        else:
            (self.room_cards.discard if change.card.hidden else self.room_cards.add)(change.card.id)
            self.show_mine(change.card)
        self.show_count()

    def apply_vote(self, change: CardChanged | CardRemoved | VotesChanged) -> None:
        if isinstance(change, VotesChanged):
            if change.participant_id == self.actor.participant_id:
                self.view.me.dots[change.card_id] = change.dots_on_card
                self.dots_left = change.dots_left
                self.show_dots_left()
                if change.card_id in self.vote_items:
                    self.show_my_dots(change.card_id, change.dots_on_card)
            return
        card_id = change.card_id if isinstance(change, CardRemoved) else change.card.id
        gone = isinstance(change, CardRemoved) or change.card.hidden
        if gone and card_id in self.vote_items:
            for element in self.vote_items.pop(card_id):
                element.delete()
            if isinstance(change, CardChanged):  # a hidden card gives its dots back
                self.dots_left += self.view.me.dots.pop(card_id, 0)
                self.show_dots_left()
        elif not gone and card_id not in self.vote_items:
            self.add_vote_item(change.card)
        elif not gone:
            self.vote_items[card_id][0].set_text(change.card.text)

    def apply_themes(self, change: Change) -> None:
        assert self.themed is not None
        if isinstance(change, CardChanged):
            if change.card.hidden:
                self.themed.remove_card(change.card.id)
            else:
                self.themed.upsert_card(change.card)
        elif isinstance(change, CardRemoved):
            self.themed.remove_card(change.card_id)
        elif isinstance(change, ThemeChanged):
            self.themed.upsert_theme(change.theme)
        elif isinstance(change, ThemeRemoved):
            self.themed.remove_theme(change.theme_id)

    def apply_solution(self, change: SolutionChanged) -> None:
        if change.endorser_id == self.actor.participant_id:
            endorsed = set(self.view.me.endorsed)
            (endorsed.add if change.endorsed else endorsed.discard)(change.solution.id)
            self.view = replace(self.view, me=replace(self.view.me, endorsed=frozenset(endorsed)))
        if change.solution.theme_id in (self.solution_boxes or {}):
            self.upsert_solution(change.solution)
