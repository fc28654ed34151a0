"""The phone's Issues phase: write an issue, see how many the room has, change or withdraw one's own."""
from __future__ import annotations

import uuid
from functools import lru_cache, partial

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from ... import live
from ...domain import cards
from ...domain.changes import CardChanged, CardRemoved, Change
from ...domain.views import CardView
from ...i18n import Translator
from ..outbox import outbox_js
from ..widgets import action_key, labelled, tell
from .own_card import OwnCard
from .phone_seat import PhoneSeat
from .phone_welcome import group_choice


class IssuesPhase:
    """The issue entry, the room's count and the participant's own cards, each kept up to date by itself."""

    def __init__(self, seat: PhoneSeat) -> None:
        self.seat, tr = seat, seat.tr
        # no maxlength: a pasted text is never cut silently; a text over the limit is refused with its count
        self.issue_input = ui.textarea(label=tr('Your issue'), placeholder=tr('Write one issue, in your own words')) \
            .props('outlined autogrow counter data-draft=issue').classes('w-full').mark('issue-input')
        seat.drafts.restore('issue', self.issue_input)
        ui.button(tr('Add issue'), icon='send').classes('big-btn w-full') \
            .on('click', lambda e: self.submit(action_key(e.args)), js_handler=outbox_js(kind='submit', field='issue'))
        self.room_count = ui.label().classes('phone-meta')
        self.room_cards = {c.id for c in seat.view.cards}
        self.show_count()
        ui.label(tr('Your issues')).classes('phone-heading')
        self.mine = OwnCards(seat, ui.column().classes('w-full gap-2'))
        for card in seat.view.cards:
            self.mine.show(card)
        if seat.view.me.group is None:
            ui.expansion(tr('Say which group you come from (optional)')).classes('w-full') \
                .on_value_change(partial(open_group_choice, seat))

    def show_count(self) -> None:
        if self.room_count.is_deleted:  # the phase moved on before the burst ended
            return
        self.room_count.set_text(count_text(self.seat.tr, len(self.room_cards)))

    def submit(self, key: str) -> None:
        """The click for NiceGUI's simulated users; a browser sends the tap through the outbox instead."""
        submitted = self.seat.act(cards.submit, text=self.issue_input.value or '', key=key)
        if tell(self.seat.tr, submitted, done=self.seat.tr('Added. Thank you.')):
            self.issue_input.value = ''

    def apply(self, change: Change) -> None:
        if isinstance(change, CardRemoved):
            self.room_cards.discard(change.card_id)
            self.mine.remove(change.card_id)
        elif isinstance(change, CardChanged):
            (self.room_cards.discard if change.card.hidden else self.room_cards.add)(change.card.id)
            self.mine.show(change.card)
        else:
            return
        live.after_burst(self.seat.view.id, self.show_count)  # one update per burst of submits, not per submit


def open_group_choice(seat: PhoneSeat, event: ValueChangeEventArguments) -> None:
    """The group choice is built at the first open: most phones never open it, and its three elements on
    every phone were made and deleted again by each phase change (1,000 phones: 3,000 elements each way).
    A function of the seat, not a method: the expansion holding its phase's part would make a cycle that
    keeps the part, its seat and the room's view as the phone first read it until the full collection."""
    box = event.sender
    if not box.default_slot.children:
        with box:
            group_choice(seat)


@lru_cache(maxsize=4096)
def count_text(tr: Translator, n: int) -> str:
    """The room's counter text, made once per language and number for all the room's phones: a submit updates
    every phone's counter, and formatting the number cost more than setting the text (py-spy, 1,000 phones)."""
    return tr.plural('{n} issue in the room so far', '{n} issues in the room so far', n)


class OwnCards:
    """The participant's own cards as the room sees them (hidden ones leave), with Change and Withdraw."""

    def __init__(self, seat: PhoneSeat, area: ui.column) -> None:
        self.seat, self.area = seat, area
        self.items: dict[int, OwnCard] = {}  # card id -> its element

    def show(self, card: CardView) -> None:
        if not self.seat.mine(card.author_id):
            return
        item = self.items.get(card.id)
        if card.hidden and item is not None:
            self.remove(card.id)
        elif not card.hidden and item is None:
            with self.area:
                self.items[card.id] = self.item(card)
        elif item is not None:
            item.set_text(card.text)

    def remove(self, card_id: int) -> None:
        if card_id in self.items:
            self.items.pop(card_id).delete()

    def item(self, card: CardView) -> OwnCard:
        tr = self.seat.tr
        return OwnCard(card.text, change=tr('Change'), withdraw=tr('Withdraw'), on_change=partial(self.change, card.id),
                       on_withdraw=partial(self.withdraw, card.id)).mark('own-card')

    def change(self, card_id: int) -> None:
        """A dialog to rewrite one's own card, starting from its text as the room sees it now."""
        item = self.items.get(card_id)
        if item is None:
            return
        tr, act = self.seat.tr, self.seat.act
        with ui.dialog() as dialog, ui.card().classes('privacy-card'):
            box = ui.textarea(tr('Your issue'), value=item.text).props('outlined autogrow counter') \
                .classes('w-full').mark('change-text')
            labelled(dialog, aria_label=tr('Your issue'))  # a dialog needs a name for screen readers

            def save() -> None:
                if tell(tr, act(cards.edit_own, card_id=card_id, text=box.value or '', key=uuid.uuid4().hex),
                        done=tr('Saved.')):
                    dialog.close()
            with ui.row():
                ui.button(tr('Save'), on_click=save).props('unelevated').mark('save-change')
                ui.button(tr('Cancel'), on_click=dialog.close).props('flat')
        dialog.open()

    def withdraw(self, card_id: int) -> None:
        """Ask first: a withdrawn card leaves every screen of the room."""
        tr, act = self.seat.tr, self.seat.act
        with ui.dialog() as dialog, ui.card().classes('privacy-card'):
            question = ui.label(tr('Withdraw this issue? The room will no longer see it.'))
            dialog.props['aria-labelledby'] = question.html_id  # the dialog is named by its question

            def withdraw() -> None:
                dialog.close()
                tell(tr, act(cards.withdraw_own, card_id=card_id, key=uuid.uuid4().hex), done=tr('Withdrawn.'))
            with ui.row():
                ui.button(tr('Withdraw'), on_click=withdraw).props('unelevated color=negative') \
                    .mark('confirm-withdraw')
                ui.button(tr('Cancel'), on_click=dialog.close).props('flat')
        dialog.open()
