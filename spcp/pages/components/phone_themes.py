"""The phone's Themes phase: the facilitator's theme boxes and the cards not in a theme yet, read only."""
from __future__ import annotations

from nicegui import ui

from ...domain.changes import CardChanged, CardRemoved, Change, ThemeChanged, ThemeRemoved
from ...domain.views import CardView, ThemeView
from ..themed import ThemedCards
from .phone_seat import PhoneSeat


class ThemesPhase:
    """Cards moved between boxes as the facilitator groups them (never redrawn: see ``ThemedCards``)."""

    def __init__(self, seat: PhoneSeat) -> None:
        themes_area = ui.column().classes('w-full gap-3')
        ui.label(seat.tr('Not in a theme yet')).classes('phone-heading')
        pool = ui.column().classes('w-full gap-2')
        self.themed = ThemedCards(pool, themes_area, self.theme_card, self.theme_box, lambda th: th.name)
        self.themed.load(seat.view.cards, seat.view.themes)

    @staticmethod
    def theme_card(card: CardView) -> ui.label:
        return ui.label(card.text).classes('theme-card').props('dir=auto')

    @staticmethod
    def theme_box(theme: ThemeView) -> tuple[ui.element, ui.label]:
        with ui.column().classes('theme-box') as box:
            name = ui.label(theme.name).classes('theme-name').props('role=heading aria-level=2 dir=auto')
        return box, name

    def apply(self, change: Change) -> None:
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
