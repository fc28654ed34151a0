"""One of the phone's own issues as ONE NiceGUI element (``own_card.js`` draws its text, Change and Withdraw).

The author's phone builds one for each submit while the whole room submits; as five elements (a box, the
text, a row, two buttons) it was the biggest single cost of a submit on the server (1.8 ms of 17 by
cProfile at 500 participants). Its buttons send ``change`` and ``withdraw`` events; NiceGUI's simulated
users trigger those (``user.find(marker='own-card').trigger('withdraw')``)."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui


class OwnCard(ui.element, component='own_card.js'):

    def __init__(self, text: str, *, change: str, withdraw: str, on_change: Callable[[], object],
                 on_withdraw: Callable[[], object]) -> None:
        super().__init__()
        self._props['text'] = text
        self._props['labels'] = {'change': change, 'withdraw': withdraw}
        self.on('change', lambda _: on_change(), [])
        self.on('withdraw', lambda _: on_withdraw(), [])

    @property
    def text(self) -> str:
        return self._props['text']

    def set_text(self, text: str) -> None:
        self._props['text'] = text
        self.update()

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [self.text, *self._props['labels'].values()]
