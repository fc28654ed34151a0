"""Cards laid out in theme boxes and an ungrouped pool, kept in step with the room by moving
and updating single elements: a change never redraws the whole list."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ..domain.views import CardView, ThemeView


class ThemedCards:
    """Used by the board and by the phones' themes view; the caller says how a card and a theme look."""

    def __init__(self, pool: ui.element, themes_area: ui.element,
                 make_card: Callable[[CardView], ui.element],
                 make_theme: Callable[[ThemeView], tuple[ui.element, ui.label]],
                 theme_title: Callable[[ThemeView], str]) -> None:
        self.pool, self.themes_area = pool, themes_area
        self.make_card, self.make_theme, self.theme_title = make_card, make_theme, theme_title
        self.cards: dict[int, ui.element] = {}
        self.placed: dict[int, int | None] = {}             # card id -> theme id it sits in
        self.boxes: dict[int, tuple[ui.element, ui.label]] = {}
        self.themes: dict[int, ThemeView] = {}

    def load(self, cards: tuple[CardView, ...], themes: tuple[ThemeView, ...]) -> None:
        for theme in themes:
            self.upsert_theme(theme)
        for card in cards:
            self.upsert_card(card)

    def _container(self, theme_id: int | None) -> ui.element:
        if theme_id is None:
            return self.pool
        if theme_id not in self.boxes:  # a card announced before its theme: the theme's change names it
            self.upsert_theme(ThemeView(theme_id, '', None, ()))
        return self.boxes[theme_id][0]

    def upsert_card(self, card: CardView) -> ui.element:
        element = self.cards.get(card.id)
        if element is None:
            with self._container(card.theme_id):
                element = self.make_card(card)
            self.cards[card.id] = element
            self.placed[card.id] = card.theme_id
        else:
            element.set_text(card.text)
            if self.placed[card.id] != card.theme_id:
                element.move(self._container(card.theme_id))
                self.placed[card.id] = card.theme_id
        return element

    def remove_card(self, card_id: int) -> None:
        element = self.cards.pop(card_id, None)
        self.placed.pop(card_id, None)
        if element is not None:
            element.delete()

    def upsert_theme(self, theme: ThemeView) -> None:
        self.themes[theme.id] = theme
        if theme.id not in self.boxes:
            with self.themes_area:
                self.boxes[theme.id] = self.make_theme(theme)
        self.boxes[theme.id][1].set_text(self.theme_title(theme))
        if theme.rank is not None:  # ranked themes stand in rank order (ranks arrive 1, 2, 3...)
            box = self.boxes[theme.id][0]
            siblings = self.themes_area.default_slot.children
            if siblings.index(box) != min(theme.rank - 1, len(siblings) - 1):
                box.move(self.themes_area, target_index=min(theme.rank - 1, len(siblings) - 1))
        for card_id in theme.card_ids:
            if card_id in self.cards and self.placed.get(card_id) != theme.id:
                self.cards[card_id].move(self.boxes[theme.id][0])
                self.placed[card_id] = theme.id

    def remove_theme(self, theme_id: int) -> None:
        for card_id, placed in list(self.placed.items()):
            if placed == theme_id:
                self.cards[card_id].move(self.pool)
                self.placed[card_id] = None
        box = self.boxes.pop(theme_id, None)
        self.themes.pop(theme_id, None)
        if box is not None:
            box[0].delete()

    def retitle(self) -> None:
        for theme_id, (_, label) in self.boxes.items():
            label.set_text(self.theme_title(self.themes[theme_id]))
