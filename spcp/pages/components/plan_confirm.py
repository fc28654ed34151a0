"""One confirmation dialog for a page: "Take this out of the plan?", "Delete this entry?"; the organizer
confirms or cancels, and only a confirmation runs the action."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ...i18n import Translator


class ConfirmDialog:
    def __init__(self, tr: Translator) -> None:
        self.action: Callable[[], object] | None = None
        with ui.dialog() as self.dialog, ui.card().classes('plan-confirm'):
            self.title = ui.label().classes('plan-confirm-title').props('role=heading aria-level=2 dir=auto')
            self.text = ui.label().classes('plan-confirm-text')
            with ui.row():
                self.ok = ui.button(on_click=self.confirmed).props('unelevated no-caps color=negative') \
                    .mark('confirm')
                ui.button(tr('Cancel'), on_click=self.dialog.close).props('flat no-caps').mark('cancel')

    def ask(self, title: str, text: str, button: str, action: Callable[[], object]) -> None:
        """Open the dialog (texts already translated); ``action`` runs once confirmed."""
        self.title.set_text(title)
        self.text.set_text(text)
        self.ok.set_text(button)
        self.action = action
        self.dialog.open()

    def confirmed(self) -> None:
        self.dialog.close()
        action, self.action = self.action, None
        if action is not None:
            action()
