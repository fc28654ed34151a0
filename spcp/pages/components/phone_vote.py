"""The phone's Vote phase: a dot on a card per tap, a − to take one back, the dots left."""
from __future__ import annotations

from ...domain import voting
from ...domain.changes import CardChanged, CardRemoved, Change, VotesChanged
from ..widgets import tell
from .phone_seat import PhoneSeat
from .vote_list import VoteList


class VotePhase:
    """The whole phase is one element (``VoteList``) whatever the number of cards: a voting phone must stay
    cheap with many cards, and a phase change into Vote builds one element per phone. The room's totals are
    not shown; only this phone's own dots are."""

    def __init__(self, seat: PhoneSeat) -> None:
        self.seat, tr = seat, seat.tr
        self.dots_left = seat.view.me.dots_left
        self.vote_list = VoteList(seat.view.id, seat.view.cards, seat.view.me.dots, dots_left=self.dots_left_text(),
                                  note=tr('Tap a card to give it a dot. Tap − to take the dot back.'),
                                  take_back=tr('Take a dot back'), loading=tr('Loading the cards…'),
                                  on_vote=self.vote).classes('vote-list').mark('vote-list')

    def dots_left_text(self) -> str:
        return self.seat.tr('Dots left: {n} of {total}', n=self.dots_left, total=self.seat.view.dots_per_participant)

    def vote(self, card_id: int, add: bool, key: str) -> None:
        """A tap from NiceGUI's simulated users; a browser sends it through the outbox instead."""
        tell(self.seat.tr, self.seat.act(voting.add_dot if add else voting.remove_dot, card_id=card_id, key=key))

    def apply(self, change: Change) -> None:
        if isinstance(change, VotesChanged):
            self.apply_votes(change)
        elif isinstance(change, CardChanged | CardRemoved):
            self.apply_card(change)

    def apply_votes(self, change: VotesChanged) -> None:
        if not self.seat.mine(change.participant_id):  # a phone shows only its own dots, never others'
            return
        self.dots_left = change.dots_left
        if self.vote_list.has(change.card_id):
            self.vote_list.set_dots(change.card_id, change.dots_on_card, self.dots_left_text())
        else:
            self.vote_list.show_dots_left(self.dots_left_text())

    def apply_card(self, change: CardChanged | CardRemoved) -> None:
        card_id = change.card_id if isinstance(change, CardRemoved) else change.card.id
        gone = isinstance(change, CardRemoved) or change.card.hidden
        if gone and self.vote_list.has(card_id):
            if isinstance(change, CardChanged):  # a hidden card gives its dots back
                self.dots_left += self.vote_list.dots_on(card_id)
                self.vote_list.show_dots_left(self.dots_left_text())
            self.vote_list.drop(card_id)
        elif not gone:
            self.vote_list.put(change.card)
