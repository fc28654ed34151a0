"""The phone's Vote phase: a dot on a card per tap, a − to take one back, the dots left."""
from __future__ import annotations

from nicegui import ui

from ...domain import voting
from ...domain.changes import CardChanged, CardRemoved, Change, VotesChanged
from ...domain.views import CardView
from ..outbox import outbox_js
from ..widgets import action_key, labelled, tell
from .phone_seat import PhoneSeat


def dots_text(n: int) -> str:
    return '●' * n


class VotePhase:
    """Two elements a card (the card, its take-back): a voting phone must stay cheap with many cards.
    The room's totals are not shown; only this phone's own dots are."""

    def __init__(self, seat: PhoneSeat) -> None:
        self.seat, tr = seat, seat.tr
        ui.label(tr('Tap a card to give it a dot. Tap − to take the dot back.')).classes('phone-note')
        self.dots_label = ui.label().classes('phone-meta dots-left').mark('dots-left').props('aria-live=polite')
        self.dots_left = seat.view.me.dots_left
        self.my_dots = dict(seat.view.me.dots)  # card id -> my dots on it
        self.show_dots_left()
        self.vote_list = ui.element('div').classes('vote-list')
        self.items: dict[int, tuple[ui.button, ui.button]] = {}  # card id -> (the card, its take-back)
        for card in seat.view.cards:
            self.add_item(card)

    def show_dots_left(self) -> None:
        self.dots_label.set_text(self.seat.tr('Dots left: {n} of {total}', n=self.dots_left,
                                              total=self.seat.view.dots_per_participant))

    def add_item(self, card: CardView) -> None:
        with self.vote_list:
            button = ui.button(card.text, color=None).props('no-caps unelevated dir=auto') \
                .classes('vote-card').mark('vote-card')
            button.on('click', lambda e, c=card.id: self.vote(c, True, action_key(e.args)),
                      js_handler=outbox_js(kind='dot', card_id=card.id))
            back = labelled(ui.button('−').props('outline no-caps').classes('take-back').mark('take-back'),
                            aria_label=self.seat.tr('Take a dot back'))
            back.on('click', lambda e, c=card.id: self.vote(c, False, action_key(e.args)),
                    js_handler=outbox_js(kind='undot', card_id=card.id))
        self.items[card.id] = (button, back)
        self.show_my_dots(card.id, self.my_dots.get(card.id, 0))

    def show_my_dots(self, card_id: int, n: int) -> None:
        button, back = self.items[card_id]
        button.props['data-dots'] = dots_text(n)
        button.props['aria-pressed'] = 'true' if n else 'false'
        button.classes(add='voted' if n else '', remove='' if n else 'voted')
        button.update()
        back.set_visibility(n > 0)  # take-back only where there is a dot to take back

    def vote(self, card_id: int, add: bool, key: str) -> None:
        """The click for NiceGUI's simulated users; a browser sends the tap through the outbox instead."""
        tell(self.seat.tr, self.seat.act(voting.add_dot if add else voting.remove_dot, card_id=card_id, key=key))

    def apply(self, change: Change) -> None:
        if isinstance(change, VotesChanged):
            self.apply_votes(change)
        elif isinstance(change, CardChanged | CardRemoved):
            self.apply_card(change)

    def apply_votes(self, change: VotesChanged) -> None:
        if not self.seat.mine(change.participant_id):  # a phone shows only its own dots, never others'
            return
        self.my_dots[change.card_id] = change.dots_on_card
        self.dots_left = change.dots_left
        self.show_dots_left()
        if change.card_id in self.items:
            self.show_my_dots(change.card_id, change.dots_on_card)

    def apply_card(self, change: CardChanged | CardRemoved) -> None:
        card_id = change.card_id if isinstance(change, CardRemoved) else change.card.id
        gone = isinstance(change, CardRemoved) or change.card.hidden
        if gone and card_id in self.items:
            for element in self.items.pop(card_id):
                element.delete()
            if isinstance(change, CardChanged):  # a hidden card gives its dots back
                self.dots_left += self.my_dots.pop(card_id, 0)
                self.show_dots_left()
        elif not gone and card_id not in self.items:
            self.add_item(change.card)
        elif not gone:
            self.items[card_id][0].set_text(change.card.text)
