"""The plenary's result: every theme the hall voted on, most dots first, with the rooms it came from.
On the board at Wrap-up (large), and on the phones once the votes are shown."""
from __future__ import annotations

from nicegui import ui

from ...domain.views import CardView, RoomView
from ...i18n import Translator

SHOWN = 10  # the rest are in the report


def ranked(view: RoomView) -> list[CardView]:
    shown = [c for c in view.cards if not c.hidden and not c.pending]
    return sorted(shown, key=lambda c: (-c.votes, c.id))[:SHOWN]


class PlenaryResult:
    def __init__(self, tr: Translator, view: RoomView) -> None:
        with ui.element('ol').classes('plenary-result').mark('plenary-result'):  # a ranked list, read as one
            for place, card in enumerate(ranked(view), start=1):
                with ui.element('li').classes('plenary-rank'):
                    ui.label(f'#{place}').classes('plenary-rank-place')
                    ui.label(card.text).classes('plenary-rank-text room-text').props('dir=auto')
                    ui.label(tr.plural('{n} dot', '{n} dots', card.votes)).classes('plenary-rank-dots')
                    if card.origin:
                        ui.label(tr('From: {rooms}', rooms=' · '.join(card.origin))).classes('plenary-rank-from')
