"""A phone's Vote phase as ONE NiceGUI element: how to vote, the dots left and every card a button, drawn
in the browser by a small Vue component (``vote_list.js``) from four props: the cards (or where to fetch
them), this phone's dots, its "Dots left" and the labels. (The two lines above the list were labels of their
own: building and sending them was a third of a phone's phase change into Vote, bench/phase_pages.py.)

Two NiceGUI buttons a card cost about 9 KB of server memory each: 300 phones voting on 300 cards
held 180,000 elements, and the phase change that built them froze the server for 34 s. Here a
phone costs one element whatever the number of cards. A big list is not in it: the room's list is
encoded once and fetched by every phone from one address (``card_lists.py``). A small one (up to
``INLINE_BYTES`` of JSON: a room of ten's, some 60 cards) rides in the element, the room's one tuple
shared by its phones' elements: a fetch cost each phone a round trip and the server ~0.5 ms of its
event loop (100 rooms of 10 changing phase at once, 20 cards each: slowest phone 2.6 / 3.3 s fetching,
2.3 / 1.9 s with the list in the element, half the phones before 1.2 s). A
change after the first render is a small ``run_method`` call (``put``, ``drop``, ``set_dots``: one
card), never the whole list again; the server keeps its own copy of the list beside it.

In a browser a tap goes to ``window.spcpOutbox.send({kind: 'dot'|'undot', card_id})``, exactly as
``outbox_js`` does for other buttons, and reaches the server through the Outbox. NiceGUI's
simulated users run no script: for them the element has a ``vote`` event ({card_id, add, key}),
which the component never emits.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from nicegui import ui

from ...domain.views import CardView
from ..card_lists import Items, share_cards, share_items
from ..widgets import action_key

VoteHandler = Callable[[int, bool, str], None]  # (card id, True to add a dot, idempotency key)
INLINE_BYTES = 8192  # a list up to this size is sent in the element, a bigger one fetched from its address


class VoteList(ui.element, component='vote_list.js'):
    """How to vote, the dots left, then the cards in order, each with this phone's dots on it and a take-back
    where it has one."""

    def __init__(self, room_id: int, cards: tuple[CardView, ...], dots: Mapping[int, int], *, dots_left: str,
                 note: str, take_back: str, loading: str, on_vote: VoteHandler) -> None:
        super().__init__()
        self.room_id = room_id
        shared = share_cards(room_id, cards)
        self._cards: Items = shared.items
        self.inline = shared.size <= INLINE_BYTES
        if self.inline:  # a tuple: NiceGUI leaves it as it is (a list would be copied into observables per phone)
            self._props['cards'] = shared.items
        else:
            self._props['src'] = shared.url
        self._props['dots'] = {card_id: n for card_id, n in dots.items() if n}
        self._props['dots_left'] = dots_left
        self._props['labels'] = {'note': note, 'take_back': take_back, 'loading': loading}
        self.on('vote', lambda e: self._vote(e.args, on_vote))
        if not self.inline:  # only a fetched list can find its address gone
            self.on('stale', lambda _: self._share_again())

    @property
    def cards(self) -> Items:
        return self._cards

    def has(self, card_id: int) -> bool:
        return any(card['id'] == card_id for card in self.cards)

    def card_id(self, text: str) -> int | None:
        """The id of the card showing ``text`` (for tests, which find cards by what they say)."""
        return next((card['id'] for card in self.cards if card['text'] == text), None)

    def dots_on(self, card_id: int) -> int:
        return self._props['dots'].get(card_id, 0)

    def set_dots(self, card_id: int, n: int, dots_left: str) -> None:
        """This phone's ``n`` dots on the card, and what it has left (one call to the browser for both)."""
        dots = {k: v for k, v in self._props['dots'].items() if k != card_id} | ({card_id: n} if n else {})
        self._keep('dots', dots)
        self._keep('dots_left', dots_left)
        self.run_method('set_dots', card_id, n, dots_left)

    def show_dots_left(self, dots_left: str) -> None:
        self._keep('dots_left', dots_left)
        self.run_method('show_dots_left', dots_left)

    def put(self, card: CardView) -> None:
        """Show a new card at the end of the list, or a card's new text in its place."""
        shown = {'id': card.id, 'text': card.text}
        if shown in self.cards:  # e.g. paper dots entered on it: nothing a phone shows has changed
            return
        if self.has(card.id):
            self._cards = tuple(shown if c['id'] == card.id else c for c in self.cards)
        else:
            self._cards = (*self.cards, shown)
        self._keep_cards()
        self.run_method('put', shown)

    def drop(self, card_id: int) -> None:
        """Take a card off the list, with the dots shown on it."""
        self._cards = tuple(c for c in self.cards if c['id'] != card_id)
        self._keep_cards()
        self._keep('dots', {k: v for k, v in self._props['dots'].items() if k != card_id})
        self.run_method('drop', card_id)

    def _share_again(self) -> None:
        """The phone could not fetch its list (no longer kept, e.g. after many changes): this phone's list
        as it stands now, at a new address; the browser fetches it and drops the calls it already applied."""
        self._props['src'] = share_items(self.room_id, self._cards).url
        self.update()

    def _keep_cards(self) -> None:
        """A list sent in the element stays current there too: the element sent again (a reconnect) shows it."""
        if self.inline:
            self._keep('cards', self._cards)

    def _keep(self, name: str, value: Any) -> None:
        """Keep a prop current without sending the element again (the browser gets a run_method instead)."""
        with self._props.suspend_updates():
            self._props[name] = value

    def _vote(self, args: Any, on_vote: VoteHandler) -> None:
        if not isinstance(args, dict):
            return
        card_id = args.get('card_id')
        if isinstance(card_id, int) and not isinstance(card_id, bool) and self.has(card_id):
            on_vote(card_id, args.get('add') is not False, action_key(args.get('key')))

    def _displayed_contents(self, *, only_visible: bool) -> list:
        """How to vote, the dots left and the cards' texts, so ``user.should_see`` and ``find(content=...)`` find
        them as they found labels and buttons."""
        return [*super()._displayed_contents(only_visible=only_visible), self._props['labels']['note'],
                self._props['dots_left'], *(card['text'] for card in self.cards)]
